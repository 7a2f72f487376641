# End-to-end golden values for `peerstat sobriety`, checked by tests/unit/check_cli.c.
#
# Run from the repository root:  Rscript scripts/golden_cli_sobriety.R
# It (1) writes the hand-made outcome files tests/data/cli/sobriety_*.csv (each participant below
# is a case of a rule, with a comment saying which), (2) reads the `sobriety` cases of
# tests/golden/cli_cases.tsv and parses their arguments the way the command does, and (3) writes
# tests/golden/cli_sobriety.tsv: one `<case>.<json path><TAB>value` a line, values
# sprintf("%.17g"), NA where the JSON must be null.
#
# An independent implementation of the rules written in docs/methods.md ("sobriety"); nothing of
# peerstat's output is read. The long file is read with read.csv, the waves ordered and the
# baseline chosen by the documented rules (natural order, `baseline` or the smallest number),
# and every figure of the JSON (docs/json.md, "sobriety") is computed with R:
#   input.*                rows (of the two cohorts), participants, participants_without_baseline,
#                          inconsistent_abstinence
#   options.*              window, followup_target, conf_level, followups
#   waves.<k>.followup     per cohort n_baseline (participants with a baseline row), assessed (of
#                          those, with a row at the wave), missing, rate, below_target
#   waves.<k>.abstinence.completers       the binary `compare` block (golden_cli_common.R:
#                          prop.test Wilson limits, chisq.test with and without Yates,
#                          fisher.test, Newcombe, Katz, Woolf) over participants with an
#                          abstinence value at the wave
#   waves.<k>.abstinence.missing_as_use   the same over participants with a baseline row, a
#                          missing follow-up (no row, or no value) counted as use
#   waves.<k>.percent_days_abstinent      the continuous block (t.test, wilcox.test, Cohen's d,
#                          Hedges' g) of 100 * (window - days_used) / window
#   --p-adjust             p.adjust(method = "holm" | "BH") of each test across the follow-up waves
#   time_to_relapse.*      eligible: baseline row with abstinent = yes; event: the first follow-up
#                          (in wave order) with abstinent = no; else censored at the last follow-up
#                          with an abstinence value, 0 when none; time in days from the baseline
#                          assessed_on when the input has dates, else waves after the baseline;
#                          survfit / survdiff / coxph / cox.zph as scripts/golden_cli_retention.R
# Cohort and site (docs/schema.md, outcomes kind): a blank takes the value the participant's
# other rows name (REDCap fills them only on the baseline event's row); participants never
# named are left out (input.participants_without_cohort, their rows
# input.groups_left_out.missing_group: written for the inputs with a blank cohort). The
# REDCap-shaped tests/data/cli/outcomes_redcap_blank.csv is hand-made and committed (shared with
# scripts/golden_cli_isolation.R, described there), not written here.
suppressPackageStartupMessages(library(survival))
suppressPackageStartupMessages(library(effectsize))  # the sanity check in golden_cli_common.R

datadir <- "tests/data/cli"
cases_file <- "tests/golden/cli_cases.tsv"
golden <- "tests/golden/cli_sobriety.tsv"
dir.create(datadir, recursive = TRUE, showWarnings = FALSE)

## (1) the hand-made files --------------------------------------------------------------------------

# A row: id, cohort, site, wave, date offset (days from day0, NA: no date), abstinent, days used.
day0 <- as.Date("2024-03-04")
row <- function(id, cohort, site, wave, day, abst, used)
	data.frame(participant_id = id, cohort = cohort, site = site, wave = wave,
		   assessed_on = ifelse(is.na(day), "NA", format(day0 + day)),
		   abstinent = abst, days_used = used, isolation_score = "NA")
# A participant over waves: waves, days (offsets), abstinent, days used, one each per wave.
person <- function(id, cohort, site, waves, days, abst, used)
	do.call(rbind, lapply(seq_along(waves), function(i)
		row(id, cohort, site, waves[i], days[i], abst[i], used[i])))
# Random participants: abstinence from a per-person propensity, days used 0 when abstinent.
random_people <- function(prefix, cohort, n, waves, offsets, p, miss) {
	do.call(rbind, lapply(seq_len(n), function(i) {
		site <- sample(c("north", "central", "south"), 1)
		keep <- c(TRUE, runif(length(waves) - 1) > miss)
		a <- runif(length(waves)) < p
		used <- ifelse(a, 0, sample(1:30, length(waves), replace = TRUE))
		days <- offsets + sample(-5:5, length(waves), replace = TRUE) * (offsets > 0)
		person(sprintf("%s%02d", prefix, i), cohort, site, waves[keep], days[keep],
		       ifelse(a, "yes", "no")[keep], used[keep])
	}))
}
write_long <- function(rows, path, columns, seed, rename = NULL) {
	set.seed(seed)
	rows <- rows[sample(nrow(rows)), columns]
	header <- if (is.null(rename)) columns else unname(rename[columns])
	writeLines(c(paste(header, collapse = ","), do.call(paste, c(unname(as.list(rows)), sep = ","))), path)
}
all_columns <- c("participant_id", "cohort", "site", "wave", "assessed_on", "abstinent", "days_used", "isolation_score")
w4 <- c("baseline", "3m", "6m", "12m")
o4 <- c(0, 91, 182, 365)

# sobriety_edge.csv: waves baseline, 3m, 6m, 12m (order by natural sort: 3m < 6m < 12m); at 12m
# every row of the two cohorts has abstinent and days_used missing (all missing at a wave); a
# third cohort (waitlist) for --ignore-other-groups.
set.seed(51)
edge <- rbind(
	# relapse at 6m after abstinent at 3m: event at day 182 + jitter
	person("P01", "peer", "north", w4, c(0, 90, 184, 366), c("yes", "yes", "no", "NA"), c(0, 0, 4, "NA")),
	# relapse at the first follow-up
	person("P02", "peer", "north", w4[1:2], c(0, 93), c("yes", "no"), c(0, 12)),
	# abstinent at baseline, no follow-up at all: censored at 0; a missing follow-up counts as use
	person("P03", "peer", "south", w4[1], 0, "yes", 0),
	# not abstinent at baseline: not eligible for time to relapse; abstinent at both follow-ups
	person("P04", "peer", "central", w4[1:3], c(0, 88, 180), c("no", "yes", "yes"), c(9, 0, 0)),
	# 3m missed, use reported at 6m: the event is at 6m (interval-censored since baseline)
	person("P05", "peer", "north", w4[c(1, 3)], c(0, 181), c("yes", "no"), c(0, 30)),
	# 3m row without an abstinence value (days used given): a completer for percent days
	# abstinent but not for abstinence; censored at 6m
	person("P06", "peer", "south", w4[1:3], c(0, 95, 186), c("yes", "NA", "yes"), c(0, 2, 0)),
	# no baseline row: in completers and percent days abstinent, not in missing_as_use, not in
	# the follow-up rate, not eligible for time to relapse
	person("P07", "peer", "central", w4[2:3], c(91, 182), c("yes", "no"), c(0, 5)),
	# abstinence missing at baseline: not eligible (abstinence_missing)
	person("P08", "peer", "north", w4[1:2], c(0, 91), c("NA", "yes"), c("NA", 0)),
	# inconsistent rows: abstinent with 3 days used; not abstinent with 0 days (counted, analysed as given)
	person("P09", "peer", "south", w4[1:3], c(0, 92, 183), c("yes", "yes", "no"), c(3, 0, 0)),
	# 12m row with values missing, censored at 6m (the 12m row has no abstinence value)
	person("P10", "peer", "north", w4, c(0, 91, 182, 364), c("yes", "yes", "yes", "NA"), c(0, 0, 0, "NA")),
	# a baseline row without a date: left out of time to relapse (counted as missing)
	person("P11", "peer", "central", w4[1:2], c(NA, 91), c("yes", "yes"), c(0, 0)),
	person("T01", "therapy_only", "north", w4, c(0, 91, 182, 365), c("yes", "no", "no", "NA"), c(0, 20, 25, "NA")),
	person("T02", "therapy_only", "south", w4[1:2], c(0, 86), c("yes", "no"), c(0, 1)),
	person("T03", "therapy_only", "central", w4[1:3], c(0, 96, 187), c("yes", "yes", "yes"), c(0, 0, 0)),
	person("T04", "therapy_only", "north", w4[1], 0, "no", 17),
	person("T05", "therapy_only", "south", w4[c(1, 3)], c(0, 182), c("yes", "yes"), c(0, 0)),
	# same event time as T02 in another cohort (tie across groups)
	person("T06", "therapy_only", "north", w4[1:2], c(0, 86), c("yes", "no"), c(0, 30)),
	person("W01", "waitlist", "north", w4[1:3], c(0, 91, 182), c("yes", "no", "no"), c(0, 3, 4)),
	person("W02", "waitlist", "south", w4[1:2], c(0, 91), c("no", "no"), c(5, 6)),
	random_people("Q", "peer", 22, w4[1:3], o4[1:3], 0.55, 0.25),
	random_people("U", "therapy_only", 20, w4[1:3], o4[1:3], 0.4, 0.35)
)
# everyone of the two cohorts at 12m: values missing
edge$abstinent[edge$wave == "12m" & edge$cohort != "waitlist"] <- "NA"
edge$days_used[edge$wave == "12m" & edge$cohort != "waitlist"] <- "NA"
write_long(edge, file.path(datadir, "sobriety_edge.csv"), all_columns, 52)

# sobriety_nobody.csv: nobody abstinent at baseline in either cohort: no one is eligible for time
# to relapse (every survival figure null); abstinence at 3m still compared.
set.seed(53)
nobody <- rbind(
	do.call(rbind, lapply(1:8, function(i) person(sprintf("A%d", i), "peer", "north", w4[1:2], c(0, 90 + i),
						      c("no", if (i %% 2) "yes" else "no"), c(10 + i, if (i %% 2) 0 else i)))),
	do.call(rbind, lapply(1:7, function(i) person(sprintf("B%d", i), "therapy_only", "south", w4[1:2], c(0, 85 + i),
						      c("no", if (i %% 3) "no" else "yes"), c(i, if (i %% 3) 2 * i else 0)))))
write_long(nobody, file.path(datadir, "sobriety_nobody.csv"), all_columns, 54)

# sobriety_onesided.csv: only the peer cohort has participants abstinent at baseline (time to
# relapse: no comparison), a 9m wave that only the ignored waitlist cohort has (a follow-up wave
# without a row of the two cohorts: warning, rate 0, null figures), --followup-target 1.
onesided <- rbind(
	do.call(rbind, lapply(1:5, function(i) person(sprintf("H%d", i), "peer", "north", w4[1:3], c(0, 91, 182),
						      c("yes", if (i < 3) "no" else "yes", "yes"), c(0, if (i < 3) 4 else 0, 0)))),
	do.call(rbind, lapply(1:5, function(i) person(sprintf("J%d", i), "therapy_only", "south", w4[1:3][1:(1 + (i > 1) + (i > 2))],
						      c(0, 91, 182)[1:(1 + (i > 1) + (i > 2))], c("no", "no", if (i > 3) "yes" else "no")[1:(1 + (i > 1) + (i > 2))],
						      c(6, 7, if (i > 3) 0 else 8)[1:(1 + (i > 1) + (i > 2))]))),
	person("W1", "waitlist", "north", c("baseline", "9m"), c(0, 270), c("yes", "no"), c(0, 2)),
	person("W2", "waitlist", "north", c("baseline", "9m"), c(0, 272), c("no", "no"), c(1, 2)))
write_long(onesided, file.path(datadir, "sobriety_onesided.csv"), all_columns, 60)

# sobriety_first.csv: every peer participant abstinent at baseline relapses at the first
# follow-up (Kaplan-Meier reaches 0 at 3m), the control cohort partly; dates with ties.
first <- rbind(
	do.call(rbind, lapply(1:6, function(i) person(sprintf("F%d", i), "peer", "north", w4[1:3], c(0, 91, 182),
						      c("yes", "no", if (i < 3) "yes" else "no"), c(0, i, if (i < 3) 0 else 2)))),
	do.call(rbind, lapply(1:6, function(i) person(sprintf("G%d", i), "therapy_only", "central", w4[1:3], c(0, 91, 182),
						      c("yes", if (i < 3) "no" else "yes", if (i < 5) "no" else "yes"),
						      c(0, if (i < 3) 5 else 0, if (i < 5) 8 else 0)))))
write_long(first, file.path(datadir, "sobriety_first.csv"), all_columns, 55)

# sobriety_nodates.csv: numeric wave labels 0, 3, 6, 12 (baseline: the smallest number; 12
# after 6 by number), no assessed_on column: time in waves after the baseline. Days used over a
# 14-day window.
set.seed(56)
nd <- do.call(rbind, lapply(1:40, function(i) {
	cohort <- if (i <= 20) "peer" else "therapy_only"
	p <- if (cohort == "peer") 0.6 else 0.4
	keep <- c(TRUE, runif(3) > 0.2)
	a <- runif(4) < p
	if (i %% 7 == 0) a[1:2] <- c(TRUE, FALSE)   # relapse at the first follow-up
	used <- ifelse(a, 0, sample(1:14, 4, replace = TRUE))
	person(sprintf("N%02d", i), cohort, "north", c("0", "3", "6", "12")[keep], rep(NA, 4)[keep],
	       ifelse(a, "Yes", "No")[keep], used[keep])
}))
write_long(nd, file.path(datadir, "sobriety_nodates.csv"), c("participant_id", "cohort", "wave", "abstinent", "days_used"), 57)

# sobriety_redcap.csv: a REDCap export: record_id, redcap_event_name (baseline_arm_1,
# month_3_arm_1, month_6_arm_1, month_12_arm_1: natural order puts month_12 last), study_arm,
# visit_date, abst_30d (1/0), tlfb_days (0..28 over a 28-day window), dag (site).
set.seed(58)
ev <- c("baseline_arm_1", "month_3_arm_1", "month_6_arm_1", "month_12_arm_1")
rc <- do.call(rbind, lapply(1:36, function(i) {
	arm <- if (i %% 2) "peer_support" else "usual_care"
	p <- if (arm == "peer_support") 0.5 else 0.35
	keep <- c(TRUE, runif(3) > 0.25)
	a <- runif(4) < p
	used <- ifelse(a, 0, sample(1:28, 4, replace = TRUE))
	days <- c(0, 91, 182, 365) + c(0, sample(-7:7, 3, replace = TRUE))
	person(sprintf("%d", 100 + i), arm, sample(c("dag_a", "dag_b"), 1), ev[keep], days[keep],
	       ifelse(a, "1", "0")[keep], used[keep])
}))
write_long(rc, file.path(datadir, "sobriety_redcap.csv"),
	   c("participant_id", "wave", "cohort", "site", "assessed_on", "abstinent", "days_used"), 59,
	   rename = c(participant_id = "record_id", wave = "redcap_event_name", cohort = "study_arm", site = "dag",
		      assessed_on = "visit_date", abstinent = "abst_30d", days_used = "tlfb_days"))

## (2) the cases ----------------------------------------------------------------------------------

parse_args <- function(args) {
	o <- list(treatment = "peer", control = "therapy_only", ignore = FALSE, conf = 0.95, ci = "log", tau = NULL,
		  curve = TRUE, strata = FALSE, window = 30, target = 0.8, p_adjust = NULL, baseline = NULL,
		  followup = NULL, order = NULL, file = NULL,
		  col = c(id = "participant_id", cohort = "cohort", site = "site", wave = "wave", date = "assessed_on",
			  abstinent = "abstinent", days_used = "days_used"))
	stopifnot(args[1] == "sobriety")
	split <- function(v) strsplit(v, ",", fixed = TRUE)[[1]]
	i <- 2
	while (i <= length(args)) {
		a <- args[i]
		v <- if (i < length(args)) args[i + 1] else NA
		step <- 2
		switch(a,
		       "--treatment" = o$treatment <- v,
		       "--control" = o$control <- v,
		       "--conf" = o$conf <- as.numeric(v),
		       "--ci" = o$ci <- v,
		       "--tau" = o$tau <- as.numeric(v),
		       "--strata" = { stopifnot(v == "site"); o$strata <- TRUE },
		       "--window" = o$window <- as.integer(v),
		       "--followup-target" = o$target <- as.numeric(v),
		       "--p-adjust" = o$p_adjust <- c(holm = "holm", bh = "BH")[[v]],
		       "--baseline" = o$baseline <- v,
		       "--followup" = o$followup <- split(v),
		       "--wave-order" = o$order <- split(v),
		       "--id" = o$col[["id"]] <- v,
		       "--cohort" = o$col[["cohort"]] <- v,
		       "--site" = o$col[["site"]] <- v,
		       "--wave" = o$col[["wave"]] <- v,
		       "--assessed-on" = o$col[["date"]] <- v,
		       "--abstinent" = o$col[["abstinent"]] <- v,
		       "--days-used" = o$col[["days_used"]] <- v,
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

na_tokens <- c("", "NA", "N/A", ".")
as_flag <- function(x) {
	na <- x %in% na_tokens
	x <- tolower(x)
	r <- ifelse(na, NA,
		    ifelse(x %in% c("1", "yes", "true", "y", "present"), 1L,
			   ifelse(x %in% c("0", "no", "false", "n", "absent"), 0L, -1L)))
	stopifnot(!any(r == -1L, na.rm = TRUE))
	r
}

# Natural order: runs of digits compare as numbers, other runs as text (C locale).
natural_less <- function(a, b) {
	ta <- regmatches(a, gregexpr("[0-9]+|[^0-9]+", a))[[1]]
	tb <- regmatches(b, gregexpr("[0-9]+|[^0-9]+", b))[[1]]
	for (i in seq_len(min(length(ta), length(tb)))) {
		da <- grepl("^[0-9]", ta[i]); db <- grepl("^[0-9]", tb[i])
		if (da && db) {
			if (as.numeric(ta[i]) != as.numeric(tb[i]))
				return(as.numeric(ta[i]) < as.numeric(tb[i]))
		} else if (ta[i] != tb[i]) {
			return(da && !db || (da == db && ta[i] < tb[i]))
		}
	}
	length(ta) < length(tb)
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

natural_sort <- function(x) {
	for (i in seq_along(x)[-1]) {
		j <- i
		while (j > 1 && natural_less(x[j], x[j - 1])) {
			t <- x[j]; x[j] <- x[j - 1]; x[j - 1] <- t
			j <- j - 1
		}
	}
	x
}

## (3) the figures --------------------------------------------------------------------------------

out <- file(golden, "w")
writeLines(sprintf("# generated by scripts/golden_cli_sobriety.R (R %s.%s, survival %s)",
		   R.version$major, R.version$minor, packageVersion("survival")), out)
prefix <- ""
source("scripts/golden_cli_common.R")


run_case <- function(name, args) {
	prefix <<- name
	o <- parse_args(args)
	path <- file.path("tests", o$file)
	raw <- read.csv(path, colClasses = "character", na.strings = character(0), check.names = FALSE)
	col <- function(role) if (o$col[[role]] %in% names(raw)) raw[[o$col[[role]]]] else rep(NA_character_, nrow(raw))
	na_to <- function(x) ifelse(x %in% na_tokens, NA, x)
	d <- data.frame(id = col("id"), cohort = col("cohort"), site = na_to(col("site")), wave = col("wave"),
			date = as.Date(na_to(col("date"))), abst = as_flag(col("abstinent")),
			used = as.integer(na_to(col("days_used"))))
	stopifnot(all(d$used >= 0 & d$used <= o$window, na.rm = TRUE))
	blank <- d$cohort %in% na_tokens
	d$cohort <- fill_by_participant(d$id, d$cohort, na_tokens)
	d$site <- fill_by_participant(d$id, d$site, na_tokens)
	unnamed <- is.na(d$cohort)
	other <- !unnamed & !(d$cohort %in% c(o$treatment, o$control))
	stopifnot(o$ignore || !any(other))
	all_rows <- nrow(d)
	other_people <- length(unique(d$id[other]))
	if (any(blank)) {
		put("input.participants_without_cohort", length(unique(d$id[unnamed])))
		put("input.groups_left_out.missing_group", sum(unnamed))
		put("input.groups_left_out.other_groups", sum(other))
	}
	d <- d[!other & !unnamed, ]
	stopifnot(!anyDuplicated(d[, c("id", "wave")]))

	# waves: the order, the baseline, the follow-ups
	labels <- unique(d$wave)
	numeric_labels <- all(grepl("^-?[0-9]+(\\.[0-9]+)?$", labels))
	prefixed <- labels[startsWith(labels, "baseline_")]
	baseline <- if (!is.null(o$baseline)) o$baseline else if ("baseline" %in% labels) "baseline" else
		if (length(prefixed) == 1) prefixed else {
		stopifnot(numeric_labels)
		labels[which.min(as.numeric(labels))]
	}
	rest <- setdiff(labels, baseline)
	worder <- if (!is.null(o$order)) o$order[o$order %in% labels] else
		c(baseline, if (numeric_labels) rest[order(as.numeric(rest))] else natural_sort(rest))
	followups <- if (!is.null(o$followup)) worder[worder %in% o$followup] else worder[worder != baseline]
	pos <- function(w) match(w, worder) - match(baseline, worder)

	ids <- unique(d$id)
	cohort_of <- d$cohort[match(ids, d$id)]
	site_of <- d$site[match(ids, d$id)]
	treated <- cohort_of == o$treatment
	cell <- function(w) d[d$wave == w, ][match(ids, d$id[d$wave == w]), ]   # one row per participant, NA when none
	b <- cell(baseline)
	has_base <- !is.na(b$id)

	put("input.rows", all_rows)
	put("input.participants", length(ids))
	put("input.participants_other_cohorts", other_people)
	put("input.waves.length", length(worder))
	for (k in seq_along(worder))
		put(sprintf("input.waves.%d.rows", k - 1), sum(d$wave == worder[k]))
	put("input.participants_without_baseline", sum(!has_base))
	put("input.inconsistent_abstinence", sum(!is.na(d$abst) & !is.na(d$used) & ((d$abst == 1) != (d$used == 0))))
	put("options.window", o$window)
	put("options.followup_target", o$target)
	put("options.conf_level", o$conf)

	labels2 <- c(o$treatment, o$control)
	put("waves.length", length(followups))
	pvals <- list()
	for (k in seq_along(followups)) {
		w <- followups[k]
		base <- sprintf("waves.%d.", k - 1)
		x <- cell(w)
		present <- !is.na(x$id)
		for (g in 1:2) {
			in_g <- if (g == 1) treated else !treated
			nb <- sum(has_base & in_g); as <- sum(has_base & present & in_g)
			kb <- sprintf("%sfollowup.cohorts.%s.", base, labels2[g])
			puts(kb, list(n_baseline = nb, assessed = as, missing = nb - as, rate = if (nb) as / nb else NA,
				      below_target = if (nb) as / nb < o$target else NA))
		}
		put(paste0(base, "followup.target"), o$target)
		ab <- x$abst
		# completers
		cm <- !is.na(ab)
		pc <- binary_block(paste0(base, "abstinence.completers."), sum(cm & treated & ab == 1, na.rm = TRUE),
				   sum(cm & treated), sum(cm & !treated & ab == 1, na.rm = TRUE), sum(cm & !treated),
				   c(sum(!cm & treated), sum(!cm & !treated)), labels2, o$conf)
		# missing as use
		yes <- !is.na(ab) & ab == 1
		pm <- binary_block(paste0(base, "abstinence.missing_as_use."), sum(has_base & treated & yes),
				   sum(has_base & treated), sum(has_base & !treated & yes), sum(has_base & !treated),
				   c(sum(!has_base & treated), sum(!has_base & !treated)), labels2, o$conf)
		# percent days abstinent
		pda <- 100 * (o$window - x$used) / o$window
		xs <- pda[treated & !is.na(pda)]; ys <- pda[!treated & !is.na(pda)]
		kp <- paste0(base, "percent_days_abstinent.")
		puts(sprintf("%sgroups.%s.", kp, labels2[1]), c(describe(xs), list(missing = sum(treated) - length(xs))))
		puts(sprintf("%sgroups.%s.", kp, labels2[2]), c(describe(ys), list(missing = sum(!treated) - length(ys))))
		wt <- ttest(xs, ys, o$conf); st <- ttest(xs, ys, o$conf, var.equal = TRUE); mw <- if (length(xs) && length(ys)) ranktest(xs, ys, o$conf) else
			list(statistic = NA, p_value = NA, z = NA, estimate = NA, ci_lower = NA, ci_upper = NA)   # an empty group: no test
		puts(paste0(kp, "tests.welch_t."), no_df(wt))
		puts(paste0(kp, "tests.student_t."), st)
		puts(paste0(kp, "tests.mann_whitney."), mw)
		e <- effects(xs, ys, o$conf)
		puts(paste0(kp, "effects.cohens_d."), e$d)
		puts(paste0(kp, "effects.hedges_g."), e$g)
		pvals[[k]] <- list(
			"abstinence.completers.tests.chi_square" = pc$chi,
			"abstinence.completers.tests.chi_square_yates" = pc$chi_yates,
			"abstinence.completers.tests.fisher_exact" = pc$fisher,
			"abstinence.missing_as_use.tests.chi_square" = pm$chi,
			"abstinence.missing_as_use.tests.chi_square_yates" = pm$chi_yates,
			"abstinence.missing_as_use.tests.fisher_exact" = pm$fisher,
			"percent_days_abstinent.tests.welch_t" = wt$p_value,
			"percent_days_abstinent.tests.student_t" = st$p_value,
			"percent_days_abstinent.tests.mann_whitney" = mw$p_value)
	}
	if (!is.null(o$p_adjust)) {
		for (t in names(pvals[[1]])) {
			p <- sapply(pvals, function(v) if (is.null(v[[t]])) NA else v[[t]])
			adj <- p.adjust(p, o$p_adjust)
			for (k in seq_along(adj))
				put(sprintf("waves.%d.%s.p_value_adjusted", k - 1, t), adj[k])
		}
	}

	# time to first relapse
	has_dates <- any(!is.na(d$date))
	counts <- list()
	rows <- list()
	missing <- c(0, 0)   # left out of the analysis: control, treatment
	for (i in seq_along(ids)) {
		if (!has_base[i])
			next
		g <- if (treated[i]) 2 else 1   # index into missing
		a0 <- b$abst[i]
		if (!is.na(a0) && a0 == 1) {
			last <- baseline; event <- 0
			for (w in followups) {
				x <- cell(w)
				if (is.na(x$id[i]) || is.na(x$abst[i]))
					next
				last <- w
				if (x$abst[i] == 0) { event <- 1; break }
			}
			if (has_dates) {
				d0 <- b$date[i]; d1 <- cell(last)$date[i]
				if (is.na(d0) || is.na(d1)) { missing[g] <- missing[g] + 1; next }
				time <- as.numeric(d1 - d0)
			} else {
				time <- pos(last)
			}
			if (o$strata && is.na(site_of[i])) { missing[g] <- missing[g] + 1; next }
			rows[[length(rows) + 1]] <- data.frame(time = time, status = event, g = as.integer(treated[i]),
							       s = site_of[i])
		}
	}
	for (g in 1:2) {
		in_g <- if (g == 1) treated else !treated
		a0 <- b$abst[has_base & in_g]
		puts(sprintf("time_to_relapse.baseline.%s.", labels2[g]),
		     list(n_baseline = length(a0), abstinent = sum(a0 == 1, na.rm = TRUE), not_abstinent = sum(a0 == 0, na.rm = TRUE),
			  abstinence_missing = sum(is.na(a0))))
	}
	put("time_to_relapse.options.interval_censored", TRUE)
	cc <- if (length(rows)) do.call(rbind, rows) else data.frame(time = numeric(0), status = numeric(0), g = integer(0), s = character(0))
	survival_block("time_to_relapse.", cc, missing, o)
}

lines <- readLines(cases_file)
lines <- lines[!startsWith(lines, "#") & nzchar(lines)]
for (line in lines) {
	parts <- strsplit(line, "\t", fixed = TRUE)[[1]]
	args <- strsplit(parts[2], " ", fixed = TRUE)[[1]]
	if (args[1] == "sobriety")
		run_case(parts[1], args)
}
close(out)
