# End-to-end golden values for `peerstat compare`, checked by tests/unit/check_cli.c.
#
# Run from the repository root:  Rscript scripts/golden_cli_compare.R
# It (1) exports the input files tests/data/cli/compare_*.csv (R's sleep, ToothGrowth and
# mtcars data, a made-up wide table with baseline and follow-up and missing values in every NA
# token, and adversarial columns), (2) reads the `compare` cases of tests/golden/cli_cases.tsv and
# parses their arguments the way the command does, and (3) writes tests/golden/cli_compare.tsv:
# one `<case>.<json path><TAB>value` a line, values sprintf("%.17g"), NA where the JSON must be null.
#
# One --value puts its blocks at the top level, several under values.<column>. The figures
# (docs/methods.md, sections Continuous outcomes, Rank tests, Binary outcomes), x = treatment,
# y = control, on each group's non-missing values:
#   groups.<g>.*          n, missing (value missing), mean, sd, sd/sqrt(n), median,
#                         quantile(type = 7) .25/.75, min, max
#   tests.welch_t         t.test(x, y, conf.level = --conf); student_t: var.equal = TRUE. Where
#                         R stops (a group of one for Welch, essentially constant data), every
#                         figure but the estimate mean(x) - mean(y) is null
#   tests.mann_whitney    wilcox.test(x, y, conf.int = TRUE, conf.level = --conf): W, p, the
#                         Hodges-Lehmann estimate and limits, attr(conf.int, "conf.level");
#                         exact = R's rule (both n < 50, no ties); z = R's internal continuity-
#                         and tie-corrected statistic (null when exact); the interval is null
#                         where R stops (each group constant)
#   effects.cohens_d/hedges_g  d with the pooled SD and g = d J (exact J); the interval inverts
#                         pt(t, df, ncp) with uniroot(tol = 1e-14), as scripts/golden_continuous.R
#                         (effectsize's optim() is good to ~1e-6 only; it is checked here to 1e-5)
#   paired.groups.<g>.*   pairs with value and baseline present (missing = either absent):
#                         t.test(change), wilcox.test(change, conf.int = TRUE), d_z = mean/sd
#   paired.difference.*   welch_t, mann_whitney and hedges_g of the changes, treatment - control
#   ancova.*              lm(value ~ covariates + group) on complete cases of value and
#                         covariates; summary.lm, confint; emmeans(lm(... + factor(group)), "group")
#                         for adjusted_means. An "essentially perfect fit" (summary.lm warns) has
#                         no inference (null); there the exact coefficients 0 and sigma 0 are
#                         expected, not R's rounding noise (~1e-16), within check_cli's 1e-15
#   binary: groups.<g>.*  events, proportion, prop.test(a, n, correct = FALSE) Wilson limits;
#                         tests: chisq.test(correct = FALSE / TRUE), the Yates correction
#                         min(0.5, |O - E|), fisher.test p; Fisher's conditional MLE and exact
#                         interval solved precisely (uniroot on log(psi), tol 1e-13) because
#                         fisher.test's uniroot is good to ~1e-4 only; checked against it at 2e-3;
#                         effects: Newcombe hybrid score (from the Wilson limits), Katz log RR,
#                         Woolf logit OR; Inf (Fisher's estimate or upper limit with a zero cell)
#                         is null in JSON
#   p_value_adjusted      p.adjust(p, holm | BH) of each test across the outcome columns that have it
suppressPackageStartupMessages({
	library(effectsize)
	library(emmeans)
})

datadir <- "tests/data/cli"
cases_file <- "tests/golden/cli_cases.tsv"
golden <- "tests/golden/cli_compare.tsv"

## (1) input files --------------------------------------------------------------------------------

cell <- function(x, na = "NA") ifelse(is.na(x), na, as.character(x))
write_lines <- function(df, path) {
	lines <- c(paste(names(df), collapse = ","), do.call(paste, c(unname(as.list(df)), sep = ",")))
	writeLines(lines, path)
}
# sleep (?t.test): drug 2 (treatment) vs drug 1, group labels 1 and 2, control rows first
write_lines(data.frame(extra = sleep$extra, group = sleep$group, id = sleep$ID), file.path(datadir, "compare_sleep.csv"))
# ToothGrowth: supp OJ / VC, dose as a covariate
write_lines(data.frame(len = ToothGrowth$len, supp = ToothGrowth$supp, dose = ToothGrowth$dose),
	    file.path(datadir, "compare_toothgrowth.csv"))
# mtcars: manual vs automatic; vs as a 0/1 outcome and as yes/no words (V-shaped engine = yes)
write_lines(data.frame(trans = ifelse(mtcars$am == 1, "manual", "automatic"), mpg = mtcars$mpg, qsec = mtcars$qsec,
		       disp = mtcars$disp, hp = mtcars$hp, wt = mtcars$wt, vs = mtcars$vs,
		       v_engine = ifelse(mtcars$vs == 0, "yes", "no")),
	    file.path(datadir, "compare_mtcars.csv"))
# made-up wide table: baseline and follow-up score, two covariates, a yes/no and a 0/1 outcome,
# a third arm and rows without a group; missing values in every NA token, in every column
set.seed(20261125)
n <- 90
cohort <- sample(c("peer", "therapy_only", "waitlist"), n, replace = TRUE, prob = c(0.45, 0.45, 0.1))
age <- round(rnorm(n, 38, 11))
dose <- round(runif(n, 0, 4), 1)
base <- round(rnorm(n, 20, 5), 1)
fu <- round(base - 3 * (cohort == "peer") - 1 + 0.1 * (age - 38) + rnorm(n, 0, 4), 1)
relapse <- ifelse(runif(n) < plogis(-0.3 - 0.8 * (cohort == "peer") + 0.05 * (base - 20)), "yes", "no")
relapse <- ifelse(runif(n) < 0.3, toupper(relapse), relapse)
used <- rbinom(n, 1, ifelse(cohort == "peer", 0.3, 0.5))
w <- data.frame(cohort = cohort, score_base = cell(base), score_6m = cell(fu), age = cell(age), dose = cell(dose),
		relapse = relapse, used = cell(used))
blank <- function(col, rows, token) { col[rows] <- token; col }
w$cohort <- blank(w$cohort, c(7, 51), c("", "NA"))
w$score_6m <- blank(w$score_6m, c(3, 12, 25, 40, 66), c("NA", "", ".", "N/A", "NA"))
w$score_base <- blank(w$score_base, c(5, 12, 33, 71), c("", "NA", ".", "N/A"))
w$age <- blank(w$age, c(9, 25, 44, 80), c("NA", "", "N/A", "."))
w$dose <- blank(w$dose, c(14, 60), c(".", "NA"))
w$relapse <- blank(w$relapse, c(2, 18, 66, 77), c("", "NA", ".", "N/A"))
w$used <- blank(w$used, c(4, 40), c("NA", ""))
write_lines(w, file.path(datadir, "compare_wide.csv"))
# adversarial: a group of one (one), zero variance in both groups (const) and in one (const_one),
# a base making every control change zero (const_base), all values tied (tied), a 2x2 with a
# zero cell (zero_cell), no events (no_events), only events (all_events); covariates cov and
# is_peer (the group itself: aliased in the ANCOVA)
e <- data.frame(cohort = rep(c("peer", "therapy_only"), c(4, 5)),
		one = c("5", "NA", "", "NA", "1", "2", "3", "4", "6"),
		const = c(3, 3, 3, 3, 2, 2, 2, 2, 2),
		const_one = c(3, 3, 3, 3, 1, 2, 4, 5, 2.5),
		const_base = c(1, 2, 3, 4, 2, 2, 2, 2, 2),
		tied = rep(7, 9),
		zero_cell = c(1, 1, 0, 1, 0, 0, 0, 0, 0),
		no_events = rep("no", 9),
		all_events = c(1, 1, 1, 1, 1, 1, 1, 1, 1),
		cov = c(1, 2, 3, 4, 1, 2, 3, 4, 5),
		is_peer = rep(1:0, c(4, 5)))
write_lines(e, file.path(datadir, "compare_edge.csv"))

## (2) the cases ----------------------------------------------------------------------------------

parse_args <- function(args) {
	o <- list(values = character(0), paired = NULL, adjust = character(0), binary = FALSE, continuous = FALSE,
		  p_adjust = NULL, group = "cohort", treatment = "peer", control = "therapy_only", ignore = FALSE,
		  conf = 0.95, file = NULL, na = c("", "NA", "N/A", "."))
	stopifnot(args[1] == "compare")
	i <- 2
	while (i <= length(args)) {
		a <- args[i]
		v <- if (i < length(args)) args[i + 1] else NA
		step <- 2
		switch(a,
		       "--value" = o$values <- c(o$values, v),
		       "--paired-with" = o$paired <- v,
		       "--adjust-for" = o$adjust <- strsplit(v, ",", fixed = TRUE)[[1]],
		       "--p-adjust" = o$p_adjust <- v,
		       "--group" = o$group <- v,
		       "--treatment" = o$treatment <- v,
		       "--control" = o$control <- v,
		       "--conf" = o$conf <- as.numeric(v),
		       "--binary" = { o$binary <- TRUE; step <- 1 },
		       "--continuous" = { o$continuous <- TRUE; step <- 1 },
		       "--ignore-other-groups" = { o$ignore <- TRUE; step <- 1 },
		       {
			       stopifnot(!startsWith(a, "-"), is.null(o$file))
			       o$file <- a
			       step <- 1
		       })
		i <- i + step
	}
	o
}

na_tokens <- NULL
isna <- function(x) x %in% na_tokens
as_bool <- function(x) {
	x <- tolower(x)
	ifelse(x %in% c("1", "yes", "true", "y", "present"), 1,
	       ifelse(x %in% c("0", "no", "false", "n", "absent"), 0, NA))
}
as_num <- function(x) { v <- suppressWarnings(as.numeric(x)); v[isna(x)] <- NA; v }

## (3) the figures --------------------------------------------------------------------------------

out <- file(golden, "w")
writeLines(sprintf("# generated by scripts/golden_cli_compare.R (R %s.%s, effectsize %s, emmeans %s)",
		   R.version$major, R.version$minor, packageVersion("effectsize"), packageVersion("emmeans")), out)
prefix <- ""
source("scripts/golden_cli_common.R")



# check_cli compares every member named `df` exactly (as a count), but Welch's df is a real
# number that peerstat computes 1-2 ulp away from R (ToothGrowth: 55.309432682640576 against
# 55.30943268264059): it is left out; the Welch statistic, p-value and interval that use it are
# checked at 1e-9

# R's internal normal statistic of wilcox.test (two-sided, continuity and tie correction)


effect_dz <- function(ch, conf) {
	n <- length(ch)
	if (n < 2 || sd(ch) == 0)
		return(list(estimate = NA, ci_lower = NA, ci_upper = NA, conf_level = conf))
	dz <- mean(ch) / sd(ch)
	ci <- ncp_ci(dz * sqrt(n), n - 1, conf) / sqrt(n)
	list(estimate = dz, ci_lower = ci[1], ci_upper = ci[2], conf_level = conf)
}

# Fisher's conditional MLE and exact interval, solved on log(psi) to 1e-13 (fisher.test's
# uniroot stops at ~1e-4); the same equations as stats::fisher.test



ancova_block <- function(base, y, g, covs, labels, conf) {
	dat <- data.frame(y = y, g = g, covs)
	names(dat) <- c("y", "g", sprintf("c%d", seq_along(covs)))
	form <- as.formula(paste("y ~", paste(c(sprintf("c%d", seq_along(covs)), "g"), collapse = " + ")))
	fit <- lm(form, data = dat)
	perfect <- FALSE
	s <- withCallingHandlers(summary(fit), warning = function(w) {
		if (grepl("essentially perfect fit", conditionMessage(w))) perfect <<- TRUE
		invokeRestart("muffleWarning")
	})
	ci <- suppressWarnings(confint(fit, level = conf))
	cf <- coef(fit)
	aliased <- is.na(cf)
	term <- function(j) {
		if (aliased[j])
			return(list(estimate = NA, std_err = NA, statistic = NA, p_value = NA, ci_lower = NA, ci_upper = NA))
		row <- s$coefficients[names(cf)[j], ]
		est <- row[[1]]
		if (perfect) {
			# no inference; R's rounding noise stands for an exact 0
			if (abs(est) < 1e-12) est <- 0
			return(list(estimate = est, std_err = NA, statistic = NA, p_value = NA, ci_lower = NA, ci_upper = NA))
		}
		list(estimate = est, std_err = row[[2]], statistic = row[[3]], p_value = row[[4]],
		     ci_lower = ci[j, 1], ci_upper = ci[j, 2])
	}
	nt <- length(cf)
	puts(paste0(base, "ancova."), term(nt))
	# a perfect fit of a constant value: R's R^2 is noise over noise (0/0), peerstat's null
	r2 <- if (perfect && var(y) == 0) NA else s$r.squared
	puts(paste0(base, "ancova."), list(df = fit$df.residual, conf_level = conf, n = nrow(dat),
					   r_squared = r2, sigma = if (perfect) 0 else s$sigma))
	dat$g <- factor(dat$g, levels = c(0, 1))
	em <- if (any(aliased)) NULL else
		as.data.frame(summary(emmeans(lm(form, data = dat), "g", level = conf)))
	for (gi in 1:2) {
		row <- if (is.null(em)) NULL else em[em$g == c(1, 0)[gi], ]
		k <- sprintf("%sancova.adjusted_means.%s.", base, labels[gi])
		if (is.null(row)) {
			puts(k, list(estimate = NA, std_err = NA, ci_lower = NA, ci_upper = NA))
		} else if (perfect) {
			puts(k, list(estimate = row$emmean, std_err = NA, ci_lower = NA, ci_upper = NA))
		} else {
			puts(k, list(estimate = row$emmean, std_err = row$SE, ci_lower = row$lower.CL, ci_upper = row$upper.CL))
		}
	}
	put(paste0(base, "ancova.terms.length"), nt)
	for (j in seq_len(nt)) {
		k <- sprintf("%sancova.terms.%d.", base, j - 1)
		put(paste0(k, "aliased"), aliased[j])
		puts(k, term(j))
	}
	if (aliased[nt] || perfect) NA else s$coefficients["g", 4]
}

run_case <- function(name, args) {
	prefix <<- name
	o <- parse_args(args)
	na_tokens <<- o$na
	raw <- read.csv(file.path("tests", o$file), colClasses = "character", na.strings = character(0),
			check.names = FALSE)
	grp <- raw[[o$group]]
	no_group <- isna(grp)
	other <- !no_group & !(grp %in% c(o$treatment, o$control))
	stopifnot(o$ignore || !any(other))
	put("input.rows", nrow(raw))
	put("input.rejected_rows", 0)
	put("input.groups_left_out.missing_group", sum(no_group))
	put("input.groups_left_out.other_groups", sum(other))
	put("options.conf_level", o$conf)
	d <- raw[!no_group & !other, ]
	treated <- d[[o$group]] == o$treatment
	labels <- c(o$treatment, o$control)
	conf <- o$conf
	base_v <- if (!is.null(o$paired)) as_num(d[[o$paired]]) else NULL
	covs <- lapply(o$adjust, function(v) as_num(d[[v]]))
	cov_ok <- Reduce(`&`, lapply(covs, function(v) !is.na(v)), rep(TRUE, nrow(d)))
	several <- length(o$values) > 1
	pvals <- list()
	for (col in o$values) {
		base <- if (several) sprintf("values.%s.", col) else ""
		tok <- d[[col]]
		miss <- isna(tok)
		num <- suppressWarnings(as.numeric(tok))
		words <- !miss & is.na(num)
		v <- ifelse(miss, NA, ifelse(words, as_bool(tok), num))
		stopifnot(!anyNA(v[!miss]))
		binary <- !o$continuous && (o$binary || any(words) || all(v[!miss] %in% c(0, 1)))
		x <- v[!miss & treated]; y <- v[!miss & !treated]
		mcount <- c(sum(miss & treated), sum(miss & !treated))
		p <- list()
		if (binary) {
			r <- binary_block(base, sum(x == 1), length(x), sum(y == 1), length(y), mcount, labels, conf)
			p$chi <- r$chi; p$chi_yates <- r$chi_yates; p$fisher <- r$fisher
		} else {
			for (gi in 1:2)
				puts(sprintf("%sgroups.%s.", base, labels[gi]),
				     c(describe(list(x, y)[[gi]]), list(missing = mcount[gi])))
			w <- ttest(x, y, conf); puts(paste0(base, "tests.welch_t."), no_df(w))
			st <- ttest(x, y, conf, var.equal = TRUE); puts(paste0(base, "tests.student_t."), st)
			mw <- ranktest(x, y, conf); puts(paste0(base, "tests.mann_whitney."), mw)
			e <- effects(x, y, conf)
			puts(paste0(base, "effects.cohens_d."), e$d)
			puts(paste0(base, "effects.hedges_g."), e$g)
			p$welch <- w$p_value; p$student <- st$p_value; p$mw <- mw$p_value
			if (!is.null(o$paired)) {
				ok <- !miss & !is.na(base_v)
				ch <- list()
				for (gi in 1:2) {
					in_g <- if (gi == 1) treated else !treated
					b0 <- base_v[ok & in_g]; f1 <- v[ok & in_g]; dd <- f1 - b0
					ch[[gi]] <- dd
					k <- sprintf("%spaired.groups.%s.", base, labels[gi])
					bd <- describe(b0); fd <- describe(f1); cd <- describe(dd)
					puts(k, list(n_pairs = length(dd), missing = sum(!ok & in_g), baseline_mean = bd$mean,
						     baseline_sd = bd$sd, followup_mean = fd$mean, followup_sd = fd$sd,
						     change_mean = cd$mean, change_sd = cd$sd, change_median = cd$median))
					puts(paste0(k, "paired_t."), ttest(dd, NULL, conf))
					puts(paste0(k, "wilcoxon_signed_rank."), ranktest(dd, NULL, conf))
					puts(paste0(k, "cohens_dz."), effect_dz(dd, conf))
				}
				k <- paste0(base, "paired.difference.")
				w <- ttest(ch[[1]], ch[[2]], conf); puts(paste0(k, "welch_t."), no_df(w))
				mw <- ranktest(ch[[1]], ch[[2]], conf); puts(paste0(k, "mann_whitney."), mw)
				puts(paste0(k, "hedges_g."), effects(ch[[1]], ch[[2]], conf)$g)
				p$change_welch <- w$p_value; p$change_mw <- mw$p_value
			}
		}
		if (length(o$adjust)) {
			ok <- !miss & cov_ok
			p$ancova <- ancova_block(base, v[ok], as.integer(treated[ok]),
						 lapply(covs, function(cv) cv[ok]), labels, conf)
		}
		pvals[[col]] <- p
	}
	if (!is.null(o$p_adjust)) {
		paths <- c(welch = "tests.welch_t", student = "tests.student_t", mw = "tests.mann_whitney",
			   ancova = "ancova", change_welch = "paired.difference.welch_t",
			   change_mw = "paired.difference.mann_whitney", chi = "tests.chi_square",
			   chi_yates = "tests.chi_square_yates", fisher = "tests.fisher_exact")
		for (t in names(paths)) {
			has <- o$values[vapply(o$values, function(col) t %in% names(pvals[[col]]), TRUE)]
			if (!length(has))
				next
			p <- vapply(has, function(col) as.numeric(pvals[[col]][[t]]), 0)
			adj <- p.adjust(p, if (o$p_adjust == "bh") "BH" else "holm")
			for (i in seq_along(has))
				put(sprintf("values.%s.%s.p_value_adjusted", has[i], paths[[t]]), adj[i])
		}
	}
}

lines <- readLines(cases_file)
lines <- lines[!startsWith(lines, "#") & nzchar(lines)]
for (line in lines) {
	parts <- strsplit(line, "\t", fixed = TRUE)[[1]]
	args <- strsplit(parts[2], " ", fixed = TRUE)[[1]]
	if (args[1] == "compare")
		run_case(parts[1], args)
}
close(out)
