# Shared by scripts/golden_cli_compare.R and scripts/golden_cli_retention.R (source()d from
# them, never run alone): writing golden values, and R's figures for the blocks of the
# `compare` contract (docs/json.md): descriptives, t tests, rank tests with Hodges-Lehmann,
# effect sizes with precise noncentral-t intervals, and the 2x2 block from counts.
# The caller defines `out` (the golden file connection) and `prefix` (the case name), and loads
# effectsize (only for a sanity check of the precise intervals).
source("scripts/golden_km_curve.R")

put <- function(key, value) {
	stopifnot(length(value) <= 1)
	value <- if (length(value) == 0) NA else as.numeric(value)
	writeLines(sprintf("%s.%s\t%s", prefix, key,
			   if (is.na(value) || is.infinite(value)) "NA" else sprintf("%.17g", value)), out)
}

puts <- function(base, lst) for (k in names(lst)) put(paste0(base, k), lst[[k]])

quiet <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) NULL)

describe <- function(v) {
	n <- length(v)
	q <- if (n) quantile(v, c(0.25, 0.75), type = 7, names = FALSE) else c(NA, NA)
	list(n = n, mean = if (n) mean(v) else NA, sd = if (n > 1) sd(v) else NA,
	     se = if (n > 1) sd(v) / sqrt(n) else NA, median = if (n) median(v) else NA,
	     q1 = q[1], q3 = q[2], min = if (n) min(v) else NA, max = if (n) max(v) else NA)
}

ttest <- function(x, y = NULL, conf, var.equal = FALSE) {
	r <- quiet(if (is.null(y)) t.test(x, conf.level = conf) else t.test(x, y, var.equal = var.equal, conf.level = conf))
	est <- if (is.null(y)) (if (length(x)) mean(x) else NA) else
		if (length(x) && length(y)) mean(x) - mean(y) else NA
	if (is.null(r))
		return(list(statistic = NA, df = NA, p_value = NA, estimate = est, std_err = NA, ci_lower = NA,
			    ci_upper = NA, conf_level = conf))
	list(statistic = r$statistic, df = r$parameter, p_value = r$p.value, estimate = est, std_err = r$stderr,
	     ci_lower = r$conf.int[1], ci_upper = r$conf.int[2], conf_level = conf)
}

no_df <- function(r) { r$df <- NULL; r }

rank_z <- function(x, y = NULL) {
	if (is.null(y)) {
		x <- x[x != 0]
		n <- length(x)
		r <- rank(abs(x))
		z <- sum(r[x > 0]) - n * (n + 1) / 4
		nt <- table(r)
		sigma <- sqrt(n * (n + 1) * (2 * n + 1) / 24 - sum(nt^3 - nt) / 48)
	} else {
		nx <- length(x); ny <- length(y)
		r <- rank(c(x, y))
		z <- sum(r[seq_len(nx)]) - nx * (nx + 1) / 2 - nx * ny / 2
		nt <- table(r)
		sigma <- sqrt((nx * ny / 12) * ((nx + ny + 1) - sum(nt^3 - nt) / ((nx + ny) * (nx + ny - 1))))
	}
	(z - sign(z) * 0.5) / sigma
}

ranktest <- function(x, y = NULL, conf) {
	args <- if (is.null(y)) list(x) else list(x, y)
	r <- quiet(do.call(wilcox.test, c(args, list(conf.int = TRUE, conf.level = conf))))
	ci <- !is.null(r)
	if (!ci)
		r <- quiet(do.call(wilcox.test, args))
	exact <- if (is.null(y)) length(x) < 50 && !any(x == 0) && !anyDuplicated(abs(x)) else
		length(x) < 50 && length(y) < 50 && !anyDuplicated(c(x, y))
	p <- if (is.nan(r$p.value)) NA else r$p.value
	list(statistic = r$statistic, p_value = p, exact = exact, z = if (exact || is.na(p)) NA else rank_z(x, y),
	     estimate = if (ci) r$estimate else NA, ci_lower = if (ci) r$conf.int[1] else NA,
	     ci_upper = if (ci) r$conf.int[2] else NA, conf_level = if (ci) attr(r$conf.int, "conf.level") else NA)
}

ncp_root <- function(t, df, target) {
	f <- function(ncp) suppressWarnings(pt(t, df, ncp)) - target
	uniroot(f, c(t - 10, t + 10), tol = 1e-14, extendInt = "downX", maxiter = 10000)$root
}

ncp_ci <- function(t, df, conf) c(ncp_root(t, df, 1 - (1 - conf) / 2), ncp_root(t, df, (1 - conf) / 2))

hedges_j <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))

es_check <- function(what, mine, theirs) {
	if (all(is.finite(mine)))
		stopifnot(max(abs(mine - theirs) / pmax(1, abs(mine))) < 1e-5)
}

effects <- function(x, y, conf) {
	n1 <- length(x); n2 <- length(y); df <- n1 + n2 - 2
	na <- list(estimate = NA, ci_lower = NA, ci_upper = NA, conf_level = conf)
	if (n1 == 0 || n2 == 0 || df < 1)
		return(list(d = na, g = na))
	ss <- (if (n1 > 1) (n1 - 1) * var(x) else 0) + (if (n2 > 1) (n2 - 1) * var(y) else 0)
	if (ss == 0)
		return(list(d = na, g = na))
	h <- 1 / n1 + 1 / n2
	d <- (mean(x) - mean(y)) / sqrt(ss / df)
	ci <- ncp_ci(d / sqrt(h), df, conf) * sqrt(h)
	J <- if (df >= 2) hedges_j(df) else NA
	es <- quiet(cohens_d(x, y, ci = conf))
	if (!is.null(es))
		es_check("d", c(d, ci), c(es$Cohens_d, es$CI_low, es$CI_high))
	list(d = list(estimate = d, ci_lower = ci[1], ci_upper = ci[2], conf_level = conf),
	     g = list(estimate = d * J, ci_lower = ci[1] * J, ci_upper = ci[2] * J, conf_level = conf))
}

fisher_precise <- function(a, b, c, d, conf) {
	m <- a + c; n <- b + d; k <- a + b
	lo <- max(0, k - n); hi <- min(k, m)
	s <- lo:hi
	logdc <- dhyper(s, m, n, k, log = TRUE)
	dn <- function(l) { e <- logdc + l * s; e <- exp(e - max(e)); e / sum(e) }
	root <- function(f) {
		r <- uniroot(f, c(-5, 5), tol = 1e-13, extendInt = "yes", maxiter = 10000)
		exp(r$root)
	}
	alpha <- (1 - conf) / 2
	if (lo == hi)
		return(c(NA, 0, Inf))   # a zero margin: peerstat gives no estimate (R: 0), [0, Inf] as R
	est <- if (a == lo) 0 else if (a == hi) Inf else root(function(l) sum(s * dn(l)) - a)
	lower <- if (a == lo) 0 else root(function(l) sum(dn(l)[s >= a]) - alpha)
	upper <- if (a == hi) Inf else root(function(l) sum(dn(l)[s <= a]) - alpha)
	c(est, lower, upper)
}

wilson <- function(x, n, conf) if (n == 0) c(NA, NA) else as.vector(prop.test(x, n, correct = FALSE, conf.level = conf)$conf.int)

binary_block <- function(base, a, n1, c, n0, miss, labels, conf) {
	b <- n1 - a; d <- n0 - c
	w1 <- wilson(a, n1, conf); w0 <- wilson(c, n0, conf)
	p1 <- a / n1; p0 <- c / n0
	for (g in 1:2) {
		k <- sprintf("%sgroups.%s.", base, labels[g])
		ev <- c(a, c)[g]; n <- c(n1, n0)[g]; w <- list(w1, w0)[[g]]
		puts(k, list(n = n, missing = miss[g], events = ev, proportion = if (n) ev / n else NA,
			     ci_lower = w[1], ci_upper = w[2]))
	}
	tab <- matrix(c(a, c, b, d), 2)
	E <- outer(rowSums(tab), colSums(tab)) / sum(tab)
	zero_margin <- any(rowSums(tab) == 0) || any(colSums(tab) == 0)
	for (yates in c(FALSE, TRUE)) {
		k <- paste0(base, "tests.", if (yates) "chi_square_yates." else "chi_square.")
		# no eligible participant at all: R's chisq.test stops; the statistic and p are null,
		# df 1, and every cell has O = E = 0, so no Yates correction
		r <- quiet(chisq.test(tab, correct = yates))
		puts(k, list(statistic = if (zero_margin) NA else r$statistic, df = 1,
			     p_value = if (zero_margin) NA else r$p.value,
			     correction = if (yates && sum(tab) > 0) min(0.5, abs(tab - E)) else 0))
	}
	f <- fisher.test(tab, conf.level = conf)
	fp <- fisher_precise(a, b, c, d, conf)
	chk <- function(mine, theirs) if (is.finite(mine) && mine > 0 && theirs > 0)
		stopifnot(abs(min(mine, 1 / mine) - min(theirs, 1 / theirs)) < 2e-3)
	if (!is.na(fp[1])) chk(fp[1], f$estimate)
	chk(fp[2], f$conf.int[1]); chk(fp[3], f$conf.int[2])
	puts(paste0(base, "tests.fisher_exact."), list(p_value = f$p.value, odds_ratio = fp[1], ci_lower = fp[2],
							  ci_upper = fp[3], conf_level = conf))
	z <- qnorm((1 + conf) / 2)
	rd <- p1 - p0
	puts(paste0(base, "effects.risk_difference."),
	     list(estimate = rd, ci_lower = rd - sqrt((p1 - w1[1])^2 + (w0[2] - p0)^2),
		  ci_upper = rd + sqrt((w1[2] - p1)^2 + (p0 - w0[1])^2), conf_level = conf))
	rr <- if (c > 0) p1 / p0 else NA
	se <- sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
	rrci <- if (a > 0 && c > 0) exp(log(rr) + c(-1, 1) * z * se) else c(NA, NA)
	puts(paste0(base, "effects.risk_ratio."), list(estimate = rr, ci_lower = rrci[1], ci_upper = rrci[2], conf_level = conf))
	or <- if (b * c > 0) a * d / (b * c) else NA
	se <- sqrt(1 / a + 1 / b + 1 / c + 1 / d)
	orci <- if (min(a, b, c, d) > 0) exp(log(or) + c(-1, 1) * z * se) else c(NA, NA)
	puts(paste0(base, "effects.odds_ratio."), list(estimate = or, ci_lower = orci[1], ci_upper = orci[2], conf_level = conf))
	# the raw p-values, for --p-adjust (an all-zero table has none)
	pv <- function(correct) { r <- quiet(chisq.test(tab, correct = correct)); if (is.null(r)) NA else r$p.value }
	list(chi = pv(FALSE), chi_yates = pv(TRUE), fisher = f$p.value)
}

# The `survival` contract of a two-group block (retention's time to dropout, sobriety's time to
# relapse) from survfit, survdiff, coxph and cox.zph: cc holds time, status and g (1 treatment,
# 0 control) and, with o$strata, strata; missing the rows left out per group (g = 0, 1). A group
# without observations gets null figures and no comparison; cox.zph's failure when every event
# falls at one time gives a null test (R stops).
survival_block <- function(base, cc, missing, o) {
	labels <- c(o$control, o$treatment)   # by g = 0, 1
	k0 <- function(key) paste0(base, key)
	n_by <- c(sum(cc$g == 0), sum(cc$g == 1))
	both <- all(n_by > 0)
	last <- function(gi) max(cc$time[cc$g == gi])
	tau <- if (!is.null(o$tau)) o$tau else if (both) min(last(1), last(0)) else NA
	put(k0("options.tau"), tau)
	put(k0("options.conf_level"), o$conf)
	rmst <- list()
	for (gi in c(1, 0)) {
		k <- function(key) sprintf("%sgroups.%s.%s", base, labels[gi + 1], key)
		sub <- cc[cc$g == gi, ]
		put(k("missing"), missing[gi + 1])
		put(k("quantiles.length"), 0)
		put(k("at.length"), 0)
		if (nrow(sub) == 0) {
			puts(k(""), list(n = 0, events = 0))
			for (f in c("median.estimate", "median.ci_lower", "median.ci_upper", "rmst.estimate", "rmst.std_err"))
				put(k(f), NA)
			if (o$curve)
				put(k("curve.length"), 0)
			rmst[[as.character(gi)]] <- c(NA, NA)
			next
		}
		fit <- survfit(Surv(time, status) ~ 1, data = sub, conf.type = o$ci, conf.int = o$conf)
		put(k("n"), fit$n)
		put(k("events"), sum(fit$n.event))
		tab <- if (is.na(tau)) summary(fit)$table else summary(fit, rmean = tau)$table
		put(k("median.estimate"), tab[["median"]])
		put(k("median.ci_lower"), tab[[grep("LCL$", names(tab))]])
		put(k("median.ci_upper"), tab[[grep("UCL$", names(tab))]])
		put(k("rmst.tau"), tau)
		put(k("rmst.estimate"), if (is.na(tau)) NA else tab[["rmean"]])
		put(k("rmst.std_err"), if (is.na(tau)) NA else tab[["se(rmean)"]])
		rmst[[as.character(gi)]] <- if (is.na(tau)) c(NA, NA) else c(tab[["rmean"]], tab[["se(rmean)"]])
		if (o$curve)
			put_curve(k, fit)
	}
	est <- rmst[["1"]][1] - rmst[["0"]][1]
	se <- sqrt(rmst[["1"]][2]^2 + rmst[["0"]][2]^2)
	z <- qnorm(1 - (1 - o$conf) / 2)
	ok <- is.finite(se) && se > 0
	puts(k0("rmst_difference."), list(tau = tau, estimate = est, std_err = se, ci_lower = est - z * se,
					   ci_upper = est + z * se, conf_level = o$conf,
					   z = if (ok) est / se else NA,
					   p_value = if (ok) 2 * pnorm(-abs(est / se)) else NA))

	lr <- paste0(base, "tests.logrank.")
	cx <- paste0(base, "cox.")
	put(paste0(lr, "rho"), 0)
	put(paste0(cx, "conf_level"), o$conf)
	nev <- sum(cc$status)
	if (nrow(cc) == 0) {
		# nobody eligible: no test (nothing observed or expected), no model (the survival
		# contract then prints the coefficient alone, null)
		for (f in c("statistic", "df", "p_value")) put(paste0(lr, f), NA)
		put(sprintf("%sobserved.%s", lr, o$control), 0)
		put(sprintf("%sobserved.%s", lr, o$treatment), 0)
		put(sprintf("%sexpected.%s", lr, o$control), 0)
		put(sprintf("%sexpected.%s", lr, o$treatment), 0)
		put(paste0(cx, "coefficient"), NA)
		return(invisible())
	}
	strata_term <- if (o$strata) " + strata(s)" else ""
	form <- as.formula(paste("Surv(time, status) ~ g", strata_term))
	if (!both) {
		# one cohort only: no comparison (R stops: a constant covariate)
		for (f in c("statistic", "df", "p_value")) put(paste0(lr, f), NA)
		for (f in c("coefficient", "std_err", "hazard_ratio", "ci_lower", "ci_upper", "z", "p_value"))
			put(paste0(cx, f), NA)
		return(invisible())
	}
	sd <- survdiff(form, data = cc)
	obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
	expd <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
	df <- sum(expd > 0) - 1
	put(paste0(lr, "statistic"), if (df >= 1) sd$chisq else NA)
	put(paste0(lr, "df"), if (df >= 1) df else NA)
	put(paste0(lr, "p_value"), if (df >= 1) pchisq(sd$chisq, df, lower.tail = FALSE) else NA)
	put(sprintf("%sobserved.%s", lr, o$control), obs[1])
	put(sprintf("%sobserved.%s", lr, o$treatment), obs[2])
	put(sprintf("%sexpected.%s", lr, o$control), expd[1])
	put(sprintf("%sexpected.%s", lr, o$treatment), expd[2])

	warned <- character(0)
	fit <- withCallingHandlers(coxph(form, data = cc),
				   warning = function(w) {
					   warned <<- c(warned, conditionMessage(w))
					   invokeRestart("muffleWarning")
				   })
	separated <- any(grepl("coefficient may be infinite", warned))
	converged <- !any(grepl("Ran out of iterations", warned))
	no_estimate <- separated || !converged || nev == 0
	sm <- summary(fit, conf.int = o$conf)
	fields <- c("coefficient", "std_err", "hazard_ratio", "ci_lower", "ci_upper", "z", "p_value")
	if (no_estimate || is.na(sm$coefficients[1, 1])) {
		for (f in fields) put(paste0(cx, f), NA)
	} else {
		puts(cx, list(coefficient = sm$coefficients[1, 1], std_err = sm$coefficients[1, 3],
			      hazard_ratio = sm$coefficients[1, 2], ci_lower = sm$conf.int[1, 3],
			      ci_upper = sm$conf.int[1, 4], z = sm$coefficients[1, 4], p_value = sm$coefficients[1, 5]))
	}
	for (t in list(c("lr", "logtest"), c("score", "sctest"), c("wald", "waldtest"))) {
		v <- sm[[t[2]]]
		if (is.null(v))
			v <- c(test = NA, df = NA, pvalue = NA)
		if (t[1] == "wald")
			v[["test"]] <- if (is.null(fit$wald.test)) NA else as.vector(fit$wald.test)
		if ((t[1] == "wald" && no_estimate) || (t[1] == "lr" && !converged) || nev == 0)
			v[] <- NA
		put(sprintf("%s%s_statistic", cx, t[1]), v[["test"]])
		put(sprintf("%s%s_df", cx, t[1]), v[["df"]])
		put(sprintf("%s%s_p_value", cx, t[1]), v[["pvalue"]])
	}
	put(paste0(cx, "covariates.length"), 0)
	put(paste0(cx, "n"), fit$n)
	put(paste0(cx, "events"), nev)
	put(paste0(cx, "loglik_null"), if (nev) fit$loglik[1] else 0)
	put(paste0(cx, "loglik"), if (nev) fit$loglik[2] else 0)
	put(paste0(cx, "iterations"), fit$iter)
	if (nev) {
		put(paste0(cx, "converged"), converged)
		put(paste0(cx, "separation"), separated)
	}
	# cox.zph stops when the transformed event times do not vary (every event at one time): no test
	zph <- if (no_estimate) NULL else tryCatch(cox.zph(fit)$table, error = function(e) NULL)
	no_zph <- is.null(zph)
	for (r in c("g", "GLOBAL")) {
		b <- sprintf("%sproportional_hazards.%s.", cx, if (r == "g") "group" else "global")
		put(paste0(b, "statistic"), if (no_zph) NA else zph[r, "chisq"])
		put(paste0(b, "df"), if (no_zph) NA else zph[r, "df"])
		put(paste0(b, "p_value"), if (no_zph) NA else zph[r, "p"])
	}
}
