# End-to-end golden values for `peerstat survival`, checked by tests/unit/check_cli.c.
#
# Run from the repository root:  Rscript scripts/golden_cli_survival.R
# It (1) exports the input files tests/data/cli/*.csv (the survival package's aml, lung and
# veteran data, relabelled, with missing values in every token peerstat accepts), (2) reads the
# `survival` cases of tests/golden/cli_cases.tsv and parses their arguments the way the command
# does (so the cases are written once), and (3) writes tests/golden/cli_survival.tsv: one
# `<case>.<json path><TAB>value` a line, values sprintf("%.17g"), NA where the JSON must be null.
#
# The figures follow docs/methods.md (Survival and Cox sections), computed by the survival
# package on the complete cases (rows with a missing time, event, stratum or covariate are
# counted per group as `missing` and dropped from every analysis, as na.action = na.omit does):
#   groups.<label>.n/events      survfit(Surv(time, status) ~ 1, conf.type = --ci, conf.int = --conf)
#                                on that group's rows: fit$n, sum(fit$n.event)
#   groups.<label>.curve.*       summary(fit, censored = TRUE)
#   groups.<label>.at.*          summary(fit, times = t); a t after the last observed time is
#                                null in peerstat (R leaves it out) with at_risk 0 (R's extend = TRUE)
#   groups.<label>.median.*      summary(fit)$table: median and its limits as print(fit) shows them
#   groups.<label>.quantiles.*   quantile(fit, probs = p, conf.int = TRUE)
#   groups.<label>.rmst.*        summary(fit, rmean = tau)$table: rmean, se(rmean); tau = --tau or
#                                the smaller of the two groups' last observed times
#   rmst_difference.*            treatment - control, se = sqrt(se1^2 + se0^2),
#                                estimate -/+ qnorm(1 - (1 - conf)/2) se, z = estimate / se,
#                                p = 2 pnorm(-|z|); z and p null when se = 0
#   tests.logrank.*              survdiff(Surv(time, status) ~ g [+ strata(s)], rho = --rho) with
#                                g = 1 treatment, 0 control; observed/expected summed over strata,
#                                df = (groups with expected > 0) - 1, p = pchisq(chisq, df, lower = FALSE)
#   cox.*                        coxph(Surv(time, status) ~ g + covariates [+ strata(s)], ties = --ties),
#                                summary(fit, conf.int = --conf) (but fit$wald.test for the Wald
#                                statistic, which summary rounds), fit$loglik, fit$iter, fit$n, fit$nevent;
#                                converged unless R warns "Ran out of iterations"; an aliased
#                                covariate (R: NA, se 0) and, after separation or no convergence,
#                                the coefficients, the Wald test and cox.zph are null (docs/methods.md)
#   cox.proportional_hazards.*   cox.zph(fit)$table, rows g and GLOBAL
# An array's `length` is the number of its elements (curve rows, --at times, ...), so that an
# extra or a missing row is caught.
suppressPackageStartupMessages(library(survival))

datadir <- "tests/data/cli"
cases_file <- "tests/golden/cli_cases.tsv"
golden <- "tests/golden/cli_survival.tsv"
dir.create(datadir, recursive = TRUE, showWarnings = FALSE)

## (1) input files --------------------------------------------------------------------------------

cell <- function(x, na = "NA") ifelse(is.na(x), na, as.character(x))
write_lines <- function(df, path) {
	lines <- c(paste(names(df), collapse = ","), do.call(paste, c(unname(as.list(df)), sep = ",")))
	writeLines(lines, path)
}

# aml: group 1 = Maintained (treatment), 0 = Nonmaintained (control), treatment rows first
aml1 <- data.frame(time = aml$time, status = aml$status, group = as.integer(aml$x == "Maintained"))
write_lines(aml1, file.path(datadir, "aml.csv"))

# the same data with the treatment listed second, default labels, other column names and
# yes/no events: a direction error (treatment taken as the first label seen) shows here
sw <- data.frame(cohort = ifelse(aml$x == "Maintained", "peer", "therapy_only"),
		 weeks = aml$time, relapse = ifelse(aml$status == 1, "yes", "no"))
sw <- sw[order(sw$cohort == "peer"), ]
write_lines(sw, file.path(datadir, "aml_swapped.csv"))

# aml with missing values in every NA token peerstat accepts by default ("", NA, N/A, .):
# two rows per group with a missing time or event, and two rows without a group
am <- data.frame(time = cell(aml1$time), status = cell(aml1$status), group = cell(aml1$group))
extra <- data.frame(time = c("NA", "20", "", "15", "40", "N/A"),
		    status = c("1", ".", "0", "1", "1", "1"),
		    group = c("1", "0", "0", "", "NA", "1"))
at <- c(3, 8, 14, 17, 20, 23)  # rows after which the extra rows go
rows <- am[0, ]
k <- 1
for (i in seq_len(nrow(am))) {
	rows <- rbind(rows, am[i, ])
	while (k <= nrow(extra) && at[k] == i) {
		rows <- rbind(rows, extra[k, ])
		k <- k + 1
	}
}
write_lines(rows, file.path(datadir, "aml_missing.csv"))

# lung: status recoded 0/1, cohort peer = female (sex 2), therapy_only = male; NA in ph_ecog
# (1 row), wt_loss (14 rows) written as NA, and in inst (1 row) written as an empty field
lg <- data.frame(time = lung$time, status = lung$status - 1,
		 cohort = ifelse(lung$sex == 2, "peer", "therapy_only"),
		 age = lung$age, ph_ecog = cell(lung$ph.ecog), wt_loss = cell(lung$wt.loss),
		 inst = cell(lung$inst, ""))
write_lines(lg, file.path(datadir, "lung.csv"))

# veteran: four cell types, so a pair of them needs --ignore-other-groups; trt as a stratum
vt <- data.frame(time = veteran$time, status = veteran$status, celltype = as.character(veteran$celltype),
		 trt = veteran$trt, karno = veteran$karno, age = veteran$age, prior = veteran$prior)
write_lines(vt, file.path(datadir, "veteran.csv"))

# edge: events and censorings at time 0, an event tied with a censoring, a censoring before the
# first event (log-log limits NA where S = 1), the control's S = 0.5 on a flat stretch (median
# by the midpoint rule) and reaching 0 at its last time (se NaN), a stratum holding only the
# treatment, a missing stratum and a missing covariate, a constant covariate (aliased in Cox),
# and the event column in every yes/no spelling peerstat accepts
edge <- data.frame(
	time = c(0, 0, 2, 2, 3, 5, 5, 7, 8, 10,   0.5, 1, 2, 4, 6, 3),
	event = c("1", "no", "yes", "0", "TRUE", "Y", "present", "False", "1", "absent",
		  "n", "1", "yes", "true", "y", "1"),
	arm = c(rep("peer", 10), rep("therapy_only", 6)),
	site = c("A", "A", "B", "C", "C", "A", "B", "C", "", "C",   "A", "B", "A", "B", "A", "NA"),
	dose = c(1.5, 2, 0.5, 3.25, "NA", 1, 2.5, 0.75, 1.25, 2,   3, 1.5, 0.25, 2.75, 1, 2),
	const = rep(1.5, 16))
write_lines(edge, file.path(datadir, "edge.csv"))

# separation: aml with every control row censored (monotone likelihood in Cox)
sep <- aml1
sep$status[sep$group == 0] <- 0
write_lines(sep, file.path(datadir, "separation.csv"))

# big: 3000 rows, times with two decimals (many ties), the two groups interleaved with two
# other groups, four sites, two covariates, missing values scattered over every column used
set.seed(20261125)
nb <- 3000
arm <- sample(c("peer", "therapy_only", "waitlist", "other"), nb, replace = TRUE, prob = c(0.4, 0.4, 0.1, 0.1))
site <- sample(c("north", "south", "east", "west"), nb, replace = TRUE)
x1 <- round(rnorm(nb, 40, 12), 1)
x2 <- rbinom(nb, 3, 0.4)
rate <- 0.01 * exp(-0.3 * (arm == "peer") + 0.02 * (x1 - 40) + 0.2 * x2 + 0.1 * (site == "east"))
tt <- round(rexp(nb, rate), 2)
cens <- round(runif(nb, 20, 250), 2)
big <- data.frame(days = pmin(tt, cens), relapsed = as.integer(tt <= cens), arm = arm, site = site,
		  x1 = x1, x2 = x2)
blank <- function(col, n, token) { col <- as.character(col); col[sample(nb, n)] <- token; col }
big$days <- blank(big$days, 15, "NA")
big$relapsed <- blank(big$relapsed, 10, ".")
big$arm <- blank(big$arm, 12, "")
big$site <- blank(big$site, 9, "N/A")
big$x1 <- blank(big$x1, 20, "NA")
big$x2 <- blank(big$x2, 11, "")
write_lines(big, file.path(datadir, "big.csv"))

# aml with bad rows for --on-error skip: a time that is no number, a negative time, an event 2,
# an event "maybe"; they are rejected (not counted as missing), except the row whose group is
# missing, which is left out before its values are read
bad <- data.frame(time = cell(aml1$time), status = cell(aml1$status), group = cell(aml1$group))
bad <- rbind(bad[1:5, ], data.frame(time = c("abc", "-3"), status = c("1", "1"), group = c("1", "0")),
	     bad[6:15, ], data.frame(time = c("12", "7", "abc"), status = c("2", "maybe", "1"), group = c("0", "1", "")),
	     bad[16:23, ])
write_lines(bad, file.path(datadir, "aml_bad.csv"))

# no convergence: one treatment row with the first event, two control rows; the likelihood
# rises towards its supremum and coxph runs out of iterations (R warns, fit$iter = 21)
write_lines(data.frame(time = c(1, 3, 5), status = c(1, 0, 1), cohort = c("peer", "therapy_only", "therapy_only")),
	    file.path(datadir, "noconv.csv"))

# lung again, semicolon-separated, missing values spelled "missing" (read with --delimiter ;
# --na missing): the reader options reach the survival command
lg2 <- lg
for (col in c("ph_ecog", "wt_loss", "inst"))
	lg2[[col]] <- ifelse(lg2[[col]] %in% c("NA", ""), "missing", lg2[[col]])
writeLines(c(paste(names(lg2), collapse = ";"), do.call(paste, c(unname(as.list(lg2)), sep = ";"))),
	   file.path(datadir, "lung_semicolon.csv"))

## (2) the cases ----------------------------------------------------------------------------------

parse_args <- function(args) {
	o <- list(time = NULL, event = NULL, group = "cohort", treatment = "peer", control = "therapy_only",
		  ignore = FALSE, strata = NULL, covariates = character(0), at = numeric(0),
		  quantiles = numeric(0), tau = NULL, conf = 0.95, ci = "log", rho = 0, ties = "efron",
		  curve = TRUE, file = NULL, on_error = "stop", delimiter = ",", na = c("", "NA", "N/A", "."))
	stopifnot(args[1] == "survival")
	i <- 2
	while (i <= length(args)) {
		a <- args[i]
		v <- if (i < length(args)) args[i + 1] else NA
		nums <- function(s) as.numeric(strsplit(s, ",", fixed = TRUE)[[1]])
		step <- 2
		switch(a,
		       "--time" = o$time <- v,
		       "--event" = o$event <- v,
		       "--group" = o$group <- v,
		       "--treatment" = o$treatment <- v,
		       "--control" = o$control <- v,
		       "--strata" = o$strata <- v,
		       "--covariates" = o$covariates <- strsplit(v, ",", fixed = TRUE)[[1]],
		       "--at" = o$at <- sort(nums(v)),
		       "--quantiles" = o$quantiles <- nums(v),
		       "--tau" = o$tau <- as.numeric(v),
		       "--conf" = o$conf <- as.numeric(v),
		       "--ci" = o$ci <- v,
		       "--rho" = o$rho <- as.numeric(v),
		       "--ties" = o$ties <- v,
		       "--on-error" = o$on_error <- v,
		       "--delimiter" = o$delimiter <- if (v == "tab") "\t" else v,
		       "--na" = o$na <- c(strsplit(v, ",", fixed = TRUE)[[1]], if (endsWith(v, ",")) ""),
		       "--ignore-other-groups" = { o$ignore <- TRUE; step <- 1 },
		       "--no-curve" = { o$curve <- FALSE; step <- 1 },
		       {
			       stopifnot(!startsWith(a, "-"), is.null(o$file))
			       o$file <- a
			       step <- 1
		       })
		i <- i + step
	}
	o
}

na_tokens <- NULL  # the running case's --na list
isna <- function(x) x %in% na_tokens
as_event <- function(x) {
	x <- tolower(x)
	ifelse(x %in% c("1", "yes", "true", "y", "present"), 1,
	       ifelse(x %in% c("0", "no", "false", "n", "absent"), 0, NA))
}

## (3) the figures --------------------------------------------------------------------------------

out <- file(golden, "w")
writeLines(sprintf("# generated by scripts/golden_cli_survival.R (R %s.%s, survival %s)",
		   R.version$major, R.version$minor, packageVersion("survival")), out)
prefix <- ""
source("scripts/golden_km_curve.R")
put <- function(key, value) {
	stopifnot(length(value) == 1)
	value <- as.numeric(value)
	writeLines(sprintf("%s.%s\t%s", prefix, key,
			   if (is.na(value)) "NA" else sprintf("%.17g", value)), out)
}

run_case <- function(name, args) {
	prefix <<- name
	o <- parse_args(args)
	na_tokens <<- o$na
	raw <- read.csv(file.path("tests", o$file), sep = o$delimiter, colClasses = "character",
			na.strings = character(0), check.names = FALSE)
	grp <- raw[[o$group]]
	no_group <- isna(grp)
	other <- !no_group & !(grp %in% c(o$treatment, o$control))
	stopifnot(o$ignore || !any(other))
	# --on-error skip: rows of the two groups with a time that is not a number >= 0 or an event
	# that is not a yes/no value are rejected (the cases' bad values are plainly bad)
	kept <- !no_group & !other
	tnum <- suppressWarnings(as.numeric(raw[[o$time]]))
	ev <- raw[[o$event]]
	rejected <- kept & ((!isna(raw[[o$time]]) & (is.na(tnum) | tnum < 0)) | (!isna(ev) & is.na(as_event(ev))))
	stopifnot(o$on_error == "skip" || !any(rejected))
	put("input.rows", nrow(raw) - sum(rejected))
	put("input.rejected_rows", sum(rejected))
	put("input.groups_left_out.missing_group", sum(no_group))
	put("input.groups_left_out.other_groups", sum(other))
	d <- raw[kept & !rejected, ]
	g <- as.integer(d[[o$group]] == o$treatment)
	used <- c(o$time, o$event, o$strata, o$covariates)
	miss <- Reduce(`|`, lapply(used, function(col) isna(d[[col]])))
	cc <- data.frame(time = suppressWarnings(as.numeric(d[[o$time]])), status = as_event(d[[o$event]]), g = g)
	if (!is.null(o$strata))
		cc$s <- d[[o$strata]]
	for (v in o$covariates)
		cc[[v]] <- suppressWarnings(as.numeric(d[[v]]))
	missing <- c(sum(miss & g == 0), sum(miss & g == 1))
	cc <- cc[!miss, ]
	stopifnot(!anyNA(cc))

	tau <- if (is.null(o$tau)) min(max(cc$time[cc$g == 1]), max(cc$time[cc$g == 0])) else o$tau
	put("options.tau", tau)
	put("options.conf_level", o$conf)
	rmst <- list()
	for (gi in c(1, 0)) {
		label <- if (gi == 1) o$treatment else o$control
		k <- function(key) sprintf("groups.%s.%s", label, key)
		sub <- cc[cc$g == gi, ]
		fit <- survfit(Surv(time, status) ~ 1, data = sub, conf.type = o$ci, conf.int = o$conf)
		put(k("n"), fit$n)
		put(k("missing"), missing[gi + 1])
		put(k("events"), sum(fit$n.event))
		tab <- summary(fit, rmean = tau)$table
		put(k("median.estimate"), tab[["median"]])
		put(k("median.ci_lower"), tab[[grep("LCL$", names(tab))]])
		put(k("median.ci_upper"), tab[[grep("UCL$", names(tab))]])
		put(k("rmst.tau"), tau)
		put(k("rmst.estimate"), tab[["rmean"]])
		put(k("rmst.std_err"), tab[["se(rmean)"]])
		rmst[[as.character(gi)]] <- c(tab[["rmean"]], tab[["se(rmean)"]])

		put(k("quantiles.length"), length(o$quantiles))
		if (length(o$quantiles)) {
			q <- quantile(fit, probs = o$quantiles, conf.int = TRUE)
			for (i in seq_along(o$quantiles)) {
				put(k(sprintf("quantiles.%d.p", i - 1)), o$quantiles[i])
				put(k(sprintf("quantiles.%d.estimate", i - 1)), q$quantile[i])
				put(k(sprintf("quantiles.%d.ci_lower", i - 1)), q$lower[i])
				put(k(sprintf("quantiles.%d.ci_upper", i - 1)), q$upper[i])
			}
		}

		put(k("at.length"), length(o$at))
		inside <- o$at[o$at <= max(fit$time)]
		s <- if (length(inside)) summary(fit, times = inside) else NULL
		for (i in seq_along(o$at)) {
			key <- function(f) k(sprintf("at.%d.%s", i - 1, f))
			put(key("time"), o$at[i])
			if (i <= length(inside)) {
				stopifnot(length(s$time) == length(inside))
				put(key("at_risk"), s$n.risk[i])
				put(key("survival"), s$surv[i])
				put(key("std_err"), s$std.err[i])
				put(key("ci_lower"), s$lower[i])
				put(key("ci_upper"), s$upper[i])
			} else {
				put(key("at_risk"), 0)
				for (f in c("survival", "std_err", "ci_lower", "ci_upper"))
					put(key(f), NA)
			}
		}

		if (o$curve)
			put_curve(k, fit)
	}

	est <- rmst[["1"]][1] - rmst[["0"]][1]
	se <- sqrt(rmst[["1"]][2]^2 + rmst[["0"]][2]^2)
	z <- qnorm(1 - (1 - o$conf) / 2)
	put("rmst_difference.tau", tau)
	put("rmst_difference.estimate", est)
	put("rmst_difference.std_err", se)
	put("rmst_difference.ci_lower", est - z * se)
	put("rmst_difference.ci_upper", est + z * se)
	put("rmst_difference.conf_level", o$conf)
	# se = 0 (both restricted means without variance): z and p are null (docs/methods.md)
	put("rmst_difference.z", if (se > 0) est / se else NA)
	put("rmst_difference.p_value", if (se > 0) 2 * pnorm(-abs(est / se)) else NA)

	strata_term <- if (is.null(o$strata)) "" else " + strata(s)"
	sd <- survdiff(as.formula(paste("Surv(time, status) ~ g", strata_term)), data = cc, rho = o$rho)
	obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
	expd <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
	df <- sum(expd > 0) - 1
	put("tests.logrank.rho", o$rho)
	put("tests.logrank.statistic", sd$chisq)
	put("tests.logrank.df", df)
	put("tests.logrank.p_value", pchisq(sd$chisq, df, lower.tail = FALSE))
	# survdiff's groups are in the order of g's values: control (0), then treatment (1)
	put(sprintf("tests.logrank.observed.%s", o$control), obs[1])
	put(sprintf("tests.logrank.observed.%s", o$treatment), obs[2])
	put(sprintf("tests.logrank.expected.%s", o$control), expd[1])
	put(sprintf("tests.logrank.expected.%s", o$treatment), expd[2])

	rhs <- paste(c("g", sprintf("`%s`", o$covariates)), collapse = " + ")
	warned <- character(0)
	fit <- withCallingHandlers(
		coxph(as.formula(paste("Surv(time, status) ~", rhs, strata_term)), data = cc, ties = o$ties),
		warning = function(w) {
			warned <<- c(warned, conditionMessage(w))
			invokeRestart("muffleWarning")
		})
	# R's warnings say what docs/methods.md (Cox) makes of the fit: after "coefficient may be
	# infinite" (separation) or "Ran out of iterations" peerstat reports no coefficient, no Wald
	# test and no cox.zph (null), and keeps the likelihood-ratio and score tests
	separated <- any(grepl("coefficient may be infinite", warned))
	converged <- !any(grepl("Ran out of iterations", warned))
	no_estimate <- separated || !converged
	sm <- summary(fit, conf.int = o$conf)
	coefs <- function(base, row) {
		if (no_estimate || is.na(sm$coefficients[row, 1])) {
			# aliased (R: NA coefficient with se 0): every figure null in peerstat
			for (f in c("coefficient", "std_err", "hazard_ratio", "ci_lower", "ci_upper", "z", "p_value"))
				put(paste0(base, f), NA)
			return()
		}
		put(paste0(base, "coefficient"), sm$coefficients[row, 1])
		put(paste0(base, "std_err"), sm$coefficients[row, 3])
		put(paste0(base, "hazard_ratio"), sm$coefficients[row, 2])
		put(paste0(base, "ci_lower"), sm$conf.int[row, 3])
		put(paste0(base, "ci_upper"), sm$conf.int[row, 4])
		put(paste0(base, "z"), sm$coefficients[row, 4])
		put(paste0(base, "p_value"), sm$coefficients[row, 5])
	}
	coefs("cox.", 1)
	put("cox.conf_level", o$conf)
	# summary.coxph rounds the Wald statistic it shows to 2 decimals (its p-value is not
	# rounded): take the statistic from fit$wald.test
	for (t in list(c("lr", "logtest"), c("score", "sctest"), c("wald", "waldtest"))) {
		v <- sm[[t[2]]]
		if (t[1] == "wald")
			v[["test"]] <- as.vector(fit$wald.test)
		if ((t[1] == "wald" && no_estimate) || (t[1] == "lr" && !converged))
			v[] <- NA
		put(sprintf("cox.%s_statistic", t[1]), v[["test"]])
		put(sprintf("cox.%s_df", t[1]), v[["df"]])
		put(sprintf("cox.%s_p_value", t[1]), v[["pvalue"]])
	}
	put("cox.n", fit$n)
	put("cox.events", fit$nevent)
	put("cox.converged", converged)
	put("cox.iterations", fit$iter)
	put("cox.separation", separated)
	put("cox.loglik_null", fit$loglik[1])
	put("cox.loglik", fit$loglik[2])
	put("cox.covariates.length", length(o$covariates))
	for (i in seq_along(o$covariates))
		coefs(sprintf("cox.covariates.%d.", i - 1), 1 + i)
	# (not needed, and R's solve can fail, when peerstat reports no test)
	zph <- if (no_estimate) NULL else cox.zph(fit)$table
	for (row in c("g", "GLOBAL")) {
		base <- sprintf("cox.proportional_hazards.%s.", if (row == "g") "group" else "global")
		put(paste0(base, "statistic"), if (no_estimate) NA else zph[row, "chisq"])
		put(paste0(base, "df"), if (no_estimate) NA else zph[row, "df"])
		put(paste0(base, "p_value"), if (no_estimate) NA else zph[row, "p"])
	}
}

lines <- readLines(cases_file)
lines <- lines[!startsWith(lines, "#") & nzchar(lines)]
for (line in lines) {
	parts <- strsplit(line, "\t", fixed = TRUE)[[1]]
	args <- strsplit(parts[2], " ", fixed = TRUE)[[1]]
	if (args[1] == "survival")
		run_case(parts[1], args)
}
close(out)
