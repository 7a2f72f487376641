# End-to-end golden values for `peerstat isolation`, checked by tests/unit/check_cli.c.
#
# Run from the repository root:  Rscript scripts/golden_cli_isolation.R
# It reads the `isolation` cases of tests/golden/cli_cases.tsv, parses their arguments the way
# the command does, and writes tests/golden/cli_isolation.tsv: one `<case>.<json path><TAB>value`
# a line, values sprintf("%.17g"), NA where the JSON must be null. The inputs are the bundled
# study (datasets/outcomes.csv) and the hand-made files tests/data/cli/isolation_*.csv:
#   isolation_edge.csv     ties and zero changes (Wilcoxon), a cohort with one pair at 6m, a wave
#                          (12m) whose rows all lack the score (no pairs: null figures), a score
#                          missing at baseline, a follow-up row without a score, rows out of
#                          order, a third cohort (--ignore-other-groups)
#   isolation_redcap.csv   REDCap names (record_id, redcap_event_name: baseline_arm_1,
#                          month_3_arm_1, month_12_arm_1), PROMIS T-scores with decimals
#   isolation_numeric.csv  numeric wave labels 0, 3, 6, 12 (baseline = the smallest), rows of a
#                          participant shuffled, UCLA-20 range
#   isolation_order.csv    labels intake, 3m, 1y that do not sort naturally (--wave-order)
#   outcomes_redcap_blank.csv  (shared with sobriety) a REDCap longitudinal export: record_id,
#                          redcap_event_name (baseline_arm_1, month_3_arm_1, month_6_arm_1),
#                          cohort and site only on the baseline event's row, dropout, a follow-up
#                          row before its baseline row, a third cohort (waitlist) with blank
#                          follow-ups, two participants whose rows never name a cohort
#
# Cohort rule (docs/schema.md, outcomes kind): a blank cohort takes the one the participant's
# other rows name; participants never named are left out (input.participants_without_cohort,
# their rows input.groups_left_out.missing_group: written for the inputs with a blank cohort);
# blank rows of a participant of an ignored cohort count as that cohort's (other_groups).
#
# Nothing of peerstat's output is read: the wave rules of docs/methods.md ("Isolation") are
# implemented again here, in R, from their description:
#   baseline  --baseline, else `baseline`, else the one label starting with `baseline_`, else
#             the smallest when every label is a number
#   order     --wave-order; else baseline first, then the others by number (all numeric) or in
#             natural order (digit runs compared as numbers: a key with every run zero-padded)
#   follow-ups --followup in wave order, else every wave after the baseline
# and the figures (docs/json.md, "isolation"), per follow-up wave f, per cohort, over the
# participants of the cohort (x = treatment, y = control):
#   cohorts.<g>   participants; n_baseline (baseline score present); n_followed (and the f score:
#                 the pairs); n_missing = n_baseline - n_followed, split into missing_no_row (no
#                 row at f) and missing_no_score (a row, score missing); no_baseline_score;
#                 followed_proportion; mean and sd (R's sd) of baseline, follow-up and change
#                 (f minus baseline) over the pairs; the change's interval from t.test(change)
#   change.paired.groups.<g>  n_pairs, missing = participants - pairs, the same means and sds,
#                 median change, paired_t = t.test(f, b, paired = TRUE), wilcoxon_signed_rank =
#                 wilcox.test(f, b, paired = TRUE, conf.int = TRUE) (zeros dropped, R's normal
#                 approximation with ties), cohens_dz with the noncentral-t interval
#   change.paired.difference  welch_t = t.test(change_x, change_y) (df left out, see
#                 golden_cli_compare.R), mann_whitney = wilcox.test(change_x, change_y,
#                 conf.int = TRUE), hedges_g
#   ancova        lm(follow ~ baseline + g) on the pairs, g = 1 for treatment: the g term with
#                 summary.lm and confint; df, n, r_squared, sigma; adjusted means = predict() at
#                 the mean baseline for g = 1 and 0 with se.fit and the t interval; terms[]
#   mcid          with --mcid X: improved = change <= -X + 1e-9 max(1, |b|, |f|) (a change equal to
#                 -X up to binary rounding of decimal scores counts), the binary block (chisq.test with and
#                 without Yates, fisher.test, Wilson, Newcombe, Katz, Woolf) over the pairs,
#                 missing = participants - pairs
#   attrition     event = no f score among those with a baseline score: the same binary block,
#                 missing = no_baseline_score
#   p_value_adjusted  --p-adjust: p.adjust(p, "holm" | "BH") of each test across the waves
# The shared blocks (t, rank, effect sizes, 2x2) come from scripts/golden_cli_common.R.
suppressPackageStartupMessages(library(effectsize))

cases_file <- "tests/golden/cli_cases.tsv"
golden <- "tests/golden/cli_isolation.tsv"

out <- file(golden, "w")
writeLines(sprintf("# generated by scripts/golden_cli_isolation.R (R %s.%s, effectsize %s)",
		   R.version$major, R.version$minor, packageVersion("effectsize")), out)
prefix <- ""
source("scripts/golden_cli_common.R")

instruments <- list(ucla3 = c(3, 9), ucla20 = c(20, 80), "promis-si-4a" = c(4, 20),
		    "promis-si-6a" = c(6, 30), "promis-si-8a" = c(8, 40))

parse_args <- function(args) {
	o <- list(score = "isolation_score", id = "participant_id", cohort = "cohort", wave = "wave",
		  baseline = NULL, followup = NULL, order = NULL, treatment = "peer", control = "therapy_only",
		  ignore = FALSE, range = NULL, instrument = NULL, mcid = NA, p_adjust = NULL, conf = 0.95,
		  file = NULL, na = c("", "NA", "N/A", "."))
	stopifnot(args[1] == "isolation")
	split <- function(v) strsplit(v, ",", fixed = TRUE)[[1]]
	i <- 2
	while (i <= length(args)) {
		a <- args[i]
		v <- if (i < length(args)) args[i + 1] else NA
		step <- 2
		switch(a,
		       "--score" = o$score <- v,
		       "--id" = o$id <- v,
		       "--cohort" = , "--group" = o$cohort <- v,
		       "--wave" = o$wave <- v,
		       "--assessed-on" = o$date <- v,
		       "--baseline" = o$baseline <- v,
		       "--followup" = o$followup <- split(v),
		       "--wave-order" = o$order <- split(v),
		       "--treatment" = o$treatment <- v,
		       "--control" = o$control <- v,
		       "--instrument" = o$instrument <- v,
		       "--range" = o$range <- as.numeric(strsplit(v, ":", fixed = TRUE)[[1]]),
		       "--mcid" = o$mcid <- as.numeric(v),
		       "--p-adjust" = o$p_adjust <- v,
		       "--conf" = o$conf <- as.numeric(v),
		       "--ignore-other-groups" = { o$ignore <- TRUE; step <- 1 },
		       {
			       stopifnot(!startsWith(a, "-"), is.null(o$file))
			       o$file <- a
			       step <- 1
		       })
		i <- i + step
	}
	if (is.null(o$range) && !is.null(o$instrument))
		o$range <- instruments[[o$instrument]]
	o
}

# Cohort and site are participant-level facts (docs/schema.md, outcomes kind): a blank (an NA
# token) takes the one value that the participant's other rows name, in any row order; two
# different named values would be a data error (none in these inputs); NA when no row names one.
fill_by_participant <- function(id, x, na_tokens) {
	x[x %in% na_tokens] <- NA
	named <- !is.na(x)
	if (!any(named))
		return(rep(NA_character_, length(x)))
	per <- tapply(x[named], id[named], function(v) { u <- unique(v); stopifnot(length(u) == 1); u })
	unname(as.character(per[id]))
}

natural_key <- function(s) {
	m <- gregexpr("[0-9]+", s)
	regmatches(s, m) <- lapply(regmatches(s, m), function(x) formatC(as.numeric(x), width = 30, flag = "0",
									  format = "f", digits = 0))
	s
}

wave_order <- function(labels, o) {
	num <- suppressWarnings(as.numeric(labels))
	numeric <- !anyNA(num)
	base <- if (!is.null(o$baseline)) o$baseline else if ("baseline" %in% labels) "baseline" else {
		b <- labels[startsWith(labels, "baseline_")]
		if (length(b) == 1) b else if (numeric) labels[which.min(num)] else stop("no baseline")
	}
	ord <- if (!is.null(o$order)) o$order[o$order %in% labels] else {
		rest <- setdiff(labels, base)
		rest <- if (numeric) rest[order(as.numeric(rest))] else rest[order(natural_key(rest), method = "radix")]
		c(base, rest)
	}
	fu <- if (!is.null(o$followup)) ord[ord %in% o$followup] else ord[seq_along(ord) > match(base, ord)]
	list(baseline = base, order = ord, followup = fu)
}

dz_block <- function(ch, conf) {
	n <- length(ch)
	if (n < 2 || sd(ch) == 0)
		return(list(estimate = NA, ci_lower = NA, ci_upper = NA, conf_level = conf))
	dz <- mean(ch) / sd(ch)
	ci <- ncp_ci(dz * sqrt(n), n - 1, conf) / sqrt(n)
	list(estimate = dz, ci_lower = ci[1], ci_upper = ci[2], conf_level = conf)
}

mean_or_na <- function(v) if (length(v)) mean(v) else NA
sd_or_na <- function(v) if (length(v) > 1) sd(v) else NA

ancova <- function(base, y, b, g, labels, conf) {
	fit <- lm(y ~ b + g)
	s <- summary(fit)
	ci <- confint(fit, level = conf)
	cf <- s$coefficients
	nm <- c("(Intercept)", "b", "g")
	term <- function(j) list(estimate = cf[nm[j], 1], std_err = cf[nm[j], 2], statistic = cf[nm[j], 3],
				 p_value = cf[nm[j], 4], ci_lower = ci[nm[j], 1], ci_upper = ci[nm[j], 2])
	puts(paste0(base, "ancova."), term(3))
	puts(paste0(base, "ancova."), list(df = fit$df.residual, conf_level = conf, n = length(y),
					   r_squared = s$r.squared, sigma = s$sigma))
	pr <- predict(fit, newdata = data.frame(b = mean(b), g = c(1, 0)), se.fit = TRUE)
	q <- qt((1 + conf) / 2, fit$df.residual)
	for (gi in 1:2)
		puts(sprintf("%sancova.adjusted_means.%s.", base, labels[gi]),
		     list(estimate = pr$fit[gi], std_err = pr$se.fit[gi], ci_lower = pr$fit[gi] - q * pr$se.fit[gi],
			  ci_upper = pr$fit[gi] + q * pr$se.fit[gi]))
	put(paste0(base, "ancova.terms.length"), 3)
	for (j in 1:3) {
		put(sprintf("%sancova.terms.%d.aliased", base, j - 1), 0)
		puts(sprintf("%sancova.terms.%d.", base, j - 1), term(j))
	}
	cf["g", 4]
}

run_case <- function(name, args) {
	prefix <<- name
	o <- parse_args(args)
	na_tokens <- o$na
	raw <- read.csv(file.path("tests", o$file), colClasses = "character", na.strings = character(0),
			check.names = FALSE)
	blank <- raw[[o$cohort]] %in% na_tokens
	raw[[o$cohort]] <- fill_by_participant(raw[[o$id]], raw[[o$cohort]], na_tokens)
	coh <- raw[[o$cohort]]
	keep <- coh %in% c(o$treatment, o$control)
	unnamed <- is.na(coh)
	stopifnot(o$ignore || all(keep | unnamed))
	d <- raw[keep, ]
	id <- d[[o$id]]; wave <- d[[o$wave]]
	sc <- d[[o$score]]
	score <- ifelse(sc %in% na_tokens, NA, suppressWarnings(as.numeric(sc)))
	stopifnot(!anyNA(score[!(sc %in% na_tokens)]))
	if (!is.null(o$range))
		stopifnot(all(is.na(score) | (score >= o$range[1] & score <= o$range[2])))
	stopifnot(!anyDuplicated(paste(id, wave, sep = "\r")))
	w <- wave_order(unique(wave), o)
	conf <- o$conf
	labels <- c(o$treatment, o$control)

	put("input.rows", nrow(raw))
	put("input.rejected_rows", 0)
	put("input.participants", length(unique(id)))
	put("input.participants_other_cohorts", length(unique(raw[[o$id]][!keep & !unnamed])))
	put("input.groups_left_out.other_groups", sum(!keep & !unnamed))
	if (any(blank)) {
		put("input.participants_without_cohort", length(unique(raw[[o$id]][unnamed])))
		put("input.groups_left_out.missing_group", sum(unnamed))
	}
	put("input.waves.length", length(w$order))
	for (k in seq_along(w$order))
		put(sprintf("input.waves.%d.rows", k - 1), sum(wave == w$order[k]))
	put("options.conf_level", conf)
	put("options.range_min", if (is.null(o$range)) NA else o$range[1])
	put("options.range_max", if (is.null(o$range)) NA else o$range[2])
	put("options.mcid", o$mcid)
	put("waves.length", length(w$followup))

	at <- function(ids, label) {
		m <- match(paste(ids, label, sep = "\r"), paste(id, wave, sep = "\r"))
		list(row = !is.na(m), score = score[m])
	}
	pv <- list()
	for (k in seq_along(w$followup)) {
		f <- w$followup[k]
		base <- sprintf("waves.%d.", k - 1)
		ch <- list(); grp <- list(); bb <- list(); ff <- list(); missing <- c(0, 0); no_base <- c(0, 0)
		improved <- c(0, 0); pairs <- c(0, 0); lost <- c(0, 0); withb <- c(0, 0)
		for (gi in 1:2) {
			ids <- unique(id[d[[o$cohort]] == labels[gi]])
			b <- at(ids, w$baseline)$score
			fu <- at(ids, f)
			hasb <- !is.na(b)
			pair <- hasb & !is.na(fu$score)
			b0 <- b[pair]; f1 <- fu$score[pair]; dd <- f1 - b0
			ch[[gi]] <- dd; bb[[gi]] <- b0; ff[[gi]] <- f1
			pairs[gi] <- sum(pair); withb[gi] <- sum(hasb); lost[gi] <- sum(hasb & !pair)
			missing[gi] <- length(ids) - sum(pair); no_base[gi] <- sum(!hasb)
			# a fall of at least the MCID, allowing for binary rounding of decimal scores
			improved[gi] <- sum(dd <= -o$mcid + 1e-9 * pmax(1, abs(b0), abs(f1)))
			tt <- ttest(dd, NULL, conf)
			puts(sprintf("%scohorts.%s.", base, labels[gi]),
			     list(participants = length(ids), n_baseline = sum(hasb), n_followed = sum(pair),
				  n_missing = sum(hasb & !pair), missing_no_row = sum(hasb & !fu$row),
				  missing_no_score = sum(hasb & fu$row & is.na(fu$score)), no_baseline_score = sum(!hasb),
				  followed_proportion = if (sum(hasb)) sum(pair) / sum(hasb) else NA,
				  baseline_mean = mean_or_na(b0), baseline_sd = sd_or_na(b0), followup_mean = mean_or_na(f1),
				  followup_sd = sd_or_na(f1), change_mean = mean_or_na(dd), change_sd = sd_or_na(dd),
				  change_ci_lower = tt$ci_lower, change_ci_upper = tt$ci_upper, conf_level = conf))
			kp <- sprintf("%schange.paired.groups.%s.", base, labels[gi])
			puts(kp, list(n_pairs = length(dd), missing = missing[gi], baseline_mean = mean_or_na(b0),
				      baseline_sd = sd_or_na(b0), followup_mean = mean_or_na(f1), followup_sd = sd_or_na(f1),
				      change_mean = mean_or_na(dd), change_sd = sd_or_na(dd),
				      change_median = if (length(dd)) median(dd) else NA))
			# t.test(f1, b0, paired = TRUE) is t.test(f1 - b0): the same call, kept literal
			pt_ <- if (length(dd) > 1) ttest(dd, NULL, conf) else ttest(numeric(0), NULL, conf)
			if (length(dd) > 1) {
				r <- t.test(f1, b0, paired = TRUE, conf.level = conf)
				stopifnot(isTRUE(all.equal(unname(r$statistic), unname(pt_$statistic))))
			}
			pt_$estimate <- mean_or_na(dd)
			puts(paste0(kp, "paired_t."), pt_)
			pv[[sprintf("pt%d", gi)]][k] <- pt_$p_value
			wr <- if (length(dd)) ranktest(dd, NULL, conf) else NULL
			if (is.null(wr)) {
				puts(paste0(kp, "wilcoxon_signed_rank."), list(statistic = NA, p_value = NA, z = NA, estimate = NA,
									       ci_lower = NA, ci_upper = NA))
				pv[[sprintf("wx%d", gi)]][k] <- NA
			} else {
				puts(paste0(kp, "wilcoxon_signed_rank."), wr)
				pv[[sprintf("wx%d", gi)]][k] <- wr$p_value
			}
			puts(paste0(kp, "cohens_dz."), dz_block(dd, conf))
		}
		put(paste0(base, "n_pairs"), sum(pairs))
		kd <- paste0(base, "change.paired.difference.")
		wt <- ttest(ch[[1]], ch[[2]], conf); puts(paste0(kd, "welch_t."), no_df(wt))
		mw <- if (length(ch[[1]]) && length(ch[[2]])) ranktest(ch[[1]], ch[[2]], conf) else
			list(statistic = NA, p_value = NA, z = NA, estimate = NA, ci_lower = NA, ci_upper = NA)
		puts(paste0(kd, "mann_whitney."), mw)
		puts(paste0(kd, "hedges_g."), effects(ch[[1]], ch[[2]], conf)$g)
		pv$welch[k] <- wt$p_value; pv$mw[k] <- mw$p_value
		if (sum(pairs) > 0) {
			pv$ancova[k] <- ancova(base, c(ff[[1]], ff[[2]]), c(bb[[1]], bb[[2]]),
					       rep(1:0, c(pairs[1], pairs[2])), labels, conf)
		} else {
			puts(paste0(base, "ancova."), list(estimate = NA, std_err = NA, statistic = NA, p_value = NA,
							    ci_lower = NA, ci_upper = NA, df = NA, n = 0, r_squared = NA, sigma = NA))
			put(paste0(base, "ancova.terms.length"), 0)
			pv$ancova[k] <- NA
		}
		if (!is.na(o$mcid)) {
			put(paste0(base, "mcid.threshold"), o$mcid)
			r <- binary_block(paste0(base, "mcid."), improved[1], pairs[1], improved[2], pairs[2], missing, labels, conf)
			pv$m_chi[k] <- r$chi; pv$m_yates[k] <- r$chi_yates; pv$m_fisher[k] <- r$fisher
		} else {
			put(paste0(base, "mcid"), NA)
		}
		r <- binary_block(paste0(base, "attrition."), lost[1], withb[1], lost[2], withb[2], no_base, labels, conf)
		pv$a_chi[k] <- r$chi; pv$a_yates[k] <- r$chi_yates; pv$a_fisher[k] <- r$fisher
	}
	if (!is.null(o$p_adjust)) {
		paths <- c(pt1 = sprintf("change.paired.groups.%s.paired_t", labels[1]),
			   wx1 = sprintf("change.paired.groups.%s.wilcoxon_signed_rank", labels[1]),
			   pt2 = sprintf("change.paired.groups.%s.paired_t", labels[2]),
			   wx2 = sprintf("change.paired.groups.%s.wilcoxon_signed_rank", labels[2]),
			   welch = "change.paired.difference.welch_t", mw = "change.paired.difference.mann_whitney",
			   ancova = "ancova", m_chi = "mcid.tests.chi_square", m_yates = "mcid.tests.chi_square_yates",
			   m_fisher = "mcid.tests.fisher_exact", a_chi = "attrition.tests.chi_square",
			   a_yates = "attrition.tests.chi_square_yates", a_fisher = "attrition.tests.fisher_exact")
		for (t in names(paths)) {
			if (is.null(pv[[t]]))
				next
			p <- as.numeric(pv[[t]])
			adj <- p.adjust(p, if (o$p_adjust == "bh") "BH" else "holm")
			for (k in seq_along(p))
				put(sprintf("waves.%d.%s.p_value_adjusted", k - 1, paths[[t]]), adj[k])
		}
	}
}

lines <- readLines(cases_file)
lines <- lines[!startsWith(lines, "#") & nzchar(lines)]
for (line in lines) {
	parts <- strsplit(line, "\t", fixed = TRUE)[[1]]
	args <- strsplit(parts[2], " ", fixed = TRUE)[[1]]
	if (args[1] == "isolation")
		run_case(parts[1], args)
}
close(out)
