# Shared by scripts/golden_cli_compare.R and scripts/golden_cli_retention.R (source()d from
# them, never run alone): writing golden values, and R's figures for the blocks of the
# `compare` contract (docs/json.md): descriptives, t tests, rank tests with Hodges-Lehmann,
# effect sizes with precise noncentral-t intervals, and the 2x2 block from counts.
# The caller defines `out` (the golden file connection) and `prefix` (the case name), and loads
# effectsize (only for a sanity check of the precise intervals).

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
