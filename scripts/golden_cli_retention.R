# End-to-end golden values for `peerstat retention`, checked by tests/unit/check_cli.c.
#
# Run from the repository root:  Rscript scripts/golden_cli_retention.R
# It (1) writes the hand-made attendance rolls tests/data/cli/retention_*.csv (each participant
# below is a case of a rule, with a comment saying which), (2) reads the `retention` cases of
# tests/golden/cli_cases.tsv and parses their arguments the way the command does, and (3) writes
# tests/golden/cli_retention.tsv: one `<case>.<json path><TAB>value` a line, values
# sprintf("%.17g"), NA where the JSON must be null.
#
# This is a third implementation of the per-participant facts (after toolkit/lib/roster.c and
# scripts/golden_roster.py): they are derived here, in R, from the rules written in
# docs/methods.md ("Per-participant facts from an attendance roll"); nothing of peerstat's output
# is read. Then every figure of the JSON (docs/json.md, "retention") is computed with R:
#   input.*                rows accepted (with --on-error skip, rows after --as-of are rejected:
#                          rule 1), rejected_rows, participants, participants_other_cohorts
#   options.*              dropout_gap_days, engaged_min, engaged_window_days, conf_level
#   cohorts.<label>.*      every cohort of the roll: sums and means of the facts
#   checkpoints.<k>.*      day; per cohort eligible = (observed_days >= day or (dropped_out and
#                          retention_days < day)) and not (active and retention_days < day), retained = eligible and (completed or
#                          retention_days >= day), not_yet_observable = the others (docs/json.md);
#                          comparison = the binary `compare` block on the eligible: prop.test(
#                          correct = FALSE) Wilson limits, chisq.test(correct = FALSE / TRUE),
#                          the Yates correction min(0.5, |O - E|), fisher.test's p; Fisher's
#                          conditional MLE and exact interval solved precisely (uniroot on
#                          log(psi), tol 1e-13; fisher.test's own uniroot, good to ~1e-4, is
#                          checked at 2e-3); Newcombe's hybrid score risk difference, Katz log RR,
#                          Woolf logit OR (docs/methods.md, Binary outcomes)
#   time_to_dropout.*      survfit(Surv(retention_days, dropped_out) ~ 1) per group (conf.type =
#                          --ci), summary(fit, censored = TRUE) for the curve, the median and its
#                          limits as print(fit), summary(fit, rmean = tau) with tau = --tau or the
#                          smaller of the groups' last times; rmst_difference; survdiff and coxph
#                          on g = 1 treatment, + strata(site) with --strata site (participants
#                          without a site then left out and counted as missing); cox.zph
#   sessions.*             the continuous `compare` block on sessions_attended: describe, t.test
#                          (Welch, Student), wilcox.test(conf.int = TRUE), Cohen's d and Hedges'
#                          g with the noncentral-t interval (uniroot(tol = 1e-14) on pt)
# check_cli takes every argument holding a '/' for a file path, so a D/M/YYYY --as-of cannot be
# a case (ret_renamed reads D/M/YYYY dates without one; checked by hand: --as-of 1/8/2025
# before --date-format dmy gives as_of 2025-08-01).
# Where R has no number (a group without events, no events at all), the JSON must be null
# (docs/methods.md says which figures are undefined). Without any dropout (ret_noattended*)
# the log-rank test has no groups with expected events: statistic, p and df are null here;
# R's print.survdiff computes df = (groups with E > 0) - 1 = -1 there, which is no degrees of
# freedom of any test, so -1 in the JSON is taken for a bug (peerstat prints -1 today).
# input.errors lists the first 20 rejected rows (line, column); input.blank_lines counts empty
# lines. Not a case (4.4 MB): a 2-thread read (PS_PARALLEL_MIN_BYTES = 4 MB) of the study
# replicated 10 times under new ids and shuffled agreed with this script by hand (1362 figures,
# max relative difference 3.3e-11).
suppressPackageStartupMessages(library(survival))
suppressPackageStartupMessages(library(effectsize))  # the sanity check in golden_cli_common.R

datadir <- "tests/data/cli"
cases_file <- "tests/golden/cli_cases.tsv"
golden <- "tests/golden/cli_retention.tsv"
dir.create(datadir, recursive = TRUE, showWarnings = FALSE)

## (1) the hand-made rolls --------------------------------------------------------------------------

# A participant: id, cohort, site, the session days (offsets from day0) and which of them were
# attended (indices into days; default all). Rows are written shuffled (set.seed below), so
# nothing may depend on the order of the roll.
day0 <- as.Date("2025-01-06")
person <- function(id, cohort, site, days, attended = seq_along(days), enrolled = NA, enrolled_rows = NULL) {
	a <- rep("0", length(days))
	a[attended] <- "1"
	en <- rep("NA", length(days))
	if (!is.na(enrolled)) {
		rows <- if (is.null(enrolled_rows)) seq_along(days) else enrolled_rows
		en[rows] <- format(day0 + enrolled)
	}
	data.frame(participant_id = id, cohort = cohort, site = site, session_date = format(day0 + days),
		   attended = a, enrolled_on = en)
}
weekly <- function(from, to) seq(from, to, by = 7)
write_roll <- function(rows, path, columns, seed) {
	set.seed(seed)
	rows <- rows[sample(nrow(rows)), columns]
	lines <- c(paste(columns, collapse = ","), do.call(paste, c(unname(as.list(rows)), sep = ",")))
	writeLines(lines, path)
}

# retention_edge.csv: as_of = day 200 (T07's last session), gap 30, window 30, rows shuffled
edge <- rbind(
	# never attended, enrolled 200 days before as_of: a dropout at 0
	person("P01", "peer", "A", weekly(0, 56), integer(0)),
	# never attended, enrolled 20 days before as_of: active, censored at 0; observed 20 days
	person("P02", "peer", "B", c(180, 187, 194), integer(0)),
	# attended everything, schedule ended 116 days before as_of: completed at 84
	person("P03", "peer", "A", weekly(0, 84)),
	# last attended exactly gap (30) days before the end of the schedule: not a dropout,
	# completed (as_of - end = 156), retention 14
	person("P04", "peer", "B", c(0, 7, 14, 44), 1:3),
	# gap + 1 days: a dropout at 14
	person("P05", "peer", "A", c(0, 7, 14, 45), 1:3),
	# enrolled after the day-30 checkpoint could be observed for day 60: enrolled day 150,
	# attends every session to day 199: active (as_of - end = 1), retention 49, observed 50
	person("P06", "peer", "B", weekly(150, 199)),
	# as_of - end = gap exactly: active, retention 70
	person("P07", "peer", "A", weekly(100, 170)),
	# as_of - end = gap + 1: completed; attends every other session, the last one 7 days before
	# the end: retention 112
	person("P08", "peer", "B", weekly(50, 169), seq(1, 18, by = 2)),
	# attends to day 98 of a 140-day schedule: dropout at 98
	person("P09", "peer", "A", weekly(0, 140), 1:15),
	# never attended, enrolled 31 days before as_of: a dropout at 0
	person("P10", "peer", "B", c(169, 176, 183), integer(0)),
	# a session on day window - 1 = 29 after enrolment counts towards engagement: engaged (2)
	person("P11", "peer", "A", c(10, 39, 46, 53), 1:2),
	# never attended, enrolled day 0 (ties with P01 at 0)
	person("T01", "therapy_only", "A", c(0, 7, 14), integer(0)),
	# attends days 20 and 27, misses to 62 (35 days): dropout at 7
	person("T02", "therapy_only", "B", weekly(20, 62), 1:2),
	# day 30 after enrolment does not count: attended days 10 and 40, not engaged; dropout
	# (end 75 - 40 = 35) at 30
	person("T03", "therapy_only", "A", c(10, 40, 47, 54, 61, 68, 75), 1:2),
	# attended everything to day 91: completed at 91
	person("T04", "therapy_only", "B", weekly(0, 91)),
	# dropout at 14 (tied with P05)
	person("T05", "therapy_only", "A", weekly(0, 49), 1:3),
	# on the roll at as_of, attends the first two and the last: active, retention 70
	person("T06", "therapy_only", "B", weekly(130, 200), c(1, 2, 11)),
	# the latest session of the roll (day 200 sets as_of); last attended day 28 after
	# enrolment, then 28 days missed: active (not a dropout), but not retained at day 30
	person("T07", "therapy_only", "A", weekly(144, 200), c(1, 3, 5)),
	# never attended, enrolled exactly gap (30) days before as_of: active at 0
	person("T08", "therapy_only", "B", c(170, 177, 184), integer(0)),
	# schedule ended 18 days before as_of, last attended 7 days before its end: active at 175
	person("T09", "therapy_only", "A", weekly(0, 182), c(1:10, 15, 26)),
	# drops out at 63 of a long schedule
	person("T10", "therapy_only", "B", weekly(0, 126), c(1, 4, 7, 10))
)
write_roll(edge, file.path(datadir, "retention_edge.csv"),
	   c("participant_id", "cohort", "site", "session_date", "attended"), 20261125)

# retention_third.csv: a third cohort (waitlist) whose session is the latest of the roll, so it
# sets as_of (day 210) although it is left out with --ignore-other-groups; an enrolled_on column
# (given on every row, on some rows only, or missing); a participant without a site; attended
# flags in several spellings
third <- rbind(
	# enrolled_on 5 days before the first session: retention and the window start there
	person("A1", "peer", "north", weekly(5, 89), 1:10, enrolled = 0),
	# enrolled_on given on its last row only (day 90): with --as-of day 85 and --on-error skip
	# that row is rejected, and with it the enrolment date (the first session, day 20, instead)
	person("A2", "peer", "south", weekly(20, 90), c(1, 2, 3), enrolled = 14, enrolled_rows = 11),
	# enrolled_on missing everywhere: the first session
	person("A3", "peer", "north", weekly(0, 112)),
	# no site (with --strata site: left out of the time-to-dropout analysis, counted missing)
	person("A4", "peer", "NA", weekly(30, 100), 1:6),
	person("A5", "peer", "south", weekly(60, 200), c(1, 3, 5, 7, 9, 11, 13, 15, 17, 19)),
	# enrolled 40 days before its first session, never attended: a dropout at 0
	person("A6", "peer", "north", c(40, 47), integer(0), enrolled = 0),
	person("A7", "peer", "south", weekly(0, 35), 1),
	person("B1", "therapy_only", "north", weekly(0, 63), 1:4, enrolled = 0),
	person("B2", "therapy_only", "south", weekly(10, 150), 1:21),
	person("B3", "therapy_only", "north", weekly(20, 90), 1:2),
	person("B4", "therapy_only", "NA", weekly(0, 77), c(1, 2, 3, 4, 5, 6, 7)),
	person("B5", "therapy_only", "south", weekly(100, 205), c(1, 2, 3), enrolled = 95),
	person("B6", "therapy_only", "north", c(3, 10), integer(0)),
	# the third cohort: two participants, the latest session of the roll (day 210)
	person("W1", "waitlist", "north", weekly(0, 210), c(1, 31)),
	person("W2", "waitlist", "south", weekly(14, 56), integer(0))
)
spell <- c("1" = "yes", "0" = "no")
third$attended <- ifelse(seq_len(nrow(third)) %% 3 == 0, spell[third$attended],
			 ifelse(seq_len(nrow(third)) %% 3 == 1, third$attended, toupper(spell[third$attended])))
write_roll(third, file.path(datadir, "retention_third.csv"),
	   c("participant_id", "cohort", "site", "session_date", "attended", "enrolled_on"), 20261126)

# retention_noattended.csv: no attended column, so every row is an attended session: nobody
# can drop out (the last session is the last attendance); completed or active only, and the
# time-to-dropout analysis has no events
noatt <- rbind(
	person("C1", "peer", "A", weekly(0, 70)),
	person("C2", "peer", "B", weekly(14, 98)),
	person("C3", "peer", "A", c(30, 31, 45, 90, 140)),
	person("C4", "peer", "B", weekly(100, 150)),
	person("D1", "therapy_only", "A", weekly(0, 35)),
	person("D2", "therapy_only", "B", weekly(7, 140)),
	person("D3", "therapy_only", "A", c(60, 61, 62)),
	person("D4", "therapy_only", "B", weekly(120, 150))
)
write_roll(noatt, file.path(datadir, "retention_noattended.csv"),
	   c("participant_id", "cohort", "site", "session_date"), 20261127)

# retention_renamed.csv: the participants of retention_edge.csv under other column names, in
# another column order, other cohort labels, ';' as the delimiter, dates D/M/YYYY without
# leading zeros, CRLF line ends, a byte-order mark, quoted fields and a blank line (read with
# --id, --group, --site, --date, --attended, --delimiter, --date-format dmy)
ren <- edge
ren$cohort <- ifelse(ren$cohort == "peer", "arm_B", "arm_A")
ren$session_date <- format(as.Date(ren$session_date), "%d/%m/%Y")
ren$session_date <- sub("^0", "", sub("/0", "/", ren$session_date))
ren$attended <- ifelse(ren$attended == "1", "yes", "no")
set.seed(20261128)
ren <- ren[sample(nrow(ren)), ]
quote_some <- function(x, every) ifelse(seq_along(x) %% every == 0, paste0('"', x, '"'), x)
body <- paste(ren$attended, quote_some(ren$session_date, 5), ren$participant_id, quote_some(ren$site, 3),
	      quote_some(ren$cohort, 4), sep = ";")
body <- c(body[1:20], "", body[-(1:20)])
con <- file(file.path(datadir, "retention_renamed.csv"), "wb")
writeBin(c(as.raw(c(0xef, 0xbb, 0xbf)), charToRaw(paste0(paste(c("came;visit;pid;centre;arm", body),
								 collapse = "\r\n"), "\r\n"))), con)
close(con)

## (2) the cases ----------------------------------------------------------------------------------

parse_args <- function(args) {
	o <- list(at = c(30, 60, 90, 180), strata = FALSE, treatment = "peer", control = "therapy_only",
		  ignore = FALSE, conf = 0.95, ci = "log", tau = NULL, curve = TRUE, as_of = NULL, gap = 30,
		  engaged_min = 2, window = 30, on_error = "stop", file = NULL, delimiter = ",", date_format = "%Y-%m-%d",
		  col = c(id = "participant_id", cohort = "cohort", site = "site", date = "session_date",
			  attended = "attended", enrolled = "enrolled_on"))
	as_of <- NULL
	stopifnot(args[1] == "retention")
	i <- 2
	while (i <= length(args)) {
		a <- args[i]
		v <- if (i < length(args)) args[i + 1] else NA
		step <- 2
		switch(a,
		       "--at" = o$at <- sort(as.numeric(strsplit(v, ",", fixed = TRUE)[[1]])),
		       "--strata" = { stopifnot(v == "site"); o$strata <- TRUE },
		       "--treatment" = o$treatment <- v,
		       "--control" = o$control <- v,
		       "--conf" = o$conf <- as.numeric(v),
		       "--ci" = o$ci <- v,
		       "--tau" = o$tau <- as.numeric(v),
		       "--as-of" = as_of <- v,   # parsed after --date-format, wherever it stands
		       "--date-format" = o$date_format <- c(iso = "%Y-%m-%d", dmy = "%d/%m/%Y", mdy = "%m/%d/%Y")[[v]],
		       "--delimiter" = o$delimiter <- v,
		       "--id" = o$col[["id"]] <- v,
		       "--cohort" = , "--group" = o$col[["cohort"]] <- v,
		       "--site" = o$col[["site"]] <- v,
		       "--date" = o$col[["date"]] <- v,
		       "--attended" = o$col[["attended"]] <- v,
		       "--enrolled-on" = o$col[["enrolled"]] <- v,
		       "--dropout-gap" = o$gap <- as.integer(v),
		       "--engaged-min" = o$engaged_min <- as.integer(v),
		       "--engaged-window" = o$window <- as.integer(v),
		       "--on-error" = o$on_error <- v,
		       "--threads" = NULL,
		       "--ignore-other-groups" = { o$ignore <- TRUE; step <- 1 },
		       "--no-curve" = { o$curve <- FALSE; step <- 1 },
		       {
			       stopifnot(!startsWith(a, "-"), is.null(o$file))
			       o$file <- a
			       step <- 1
		       })
		i <- i + step
	}
	if (!is.null(as_of))
		o$as_of <- as.Date(as_of, o$date_format)
	o
}

na_tokens <- c("", "NA", "N/A", ".")
as_bool <- function(x) {
	x <- tolower(x)
	r <- ifelse(x %in% c("1", "yes", "true", "y", "present"), 1L,
		    ifelse(x %in% c("0", "no", "false", "n", "absent"), 0L, NA))
	stopifnot(!anyNA(r))
	r
}

# The per-participant facts of docs/methods.md, from the roll's rows (already without rejected
# rows); as_of is the extract date. Days are calendar days (Date differences).
facts_of <- function(roll, as_of, gap, emin, window) {
	ids <- unique(roll$participant_id)   # order of first appearance
	by_id <- split(roll, factor(roll$participant_id, levels = ids))
	f <- lapply(ids, function(id) {
		r <- by_id[[id]]
		stopifnot(length(unique(r$cohort)) == 1, length(unique(r$site)) == 1, !anyDuplicated(r$date))
		given <- unique(r$enrolled_on[!is.na(r$enrolled_on)])
		stopifnot(length(given) <= 1)
		enrolled <- if (length(given)) given else min(r$date)
		stopifnot(all(r$date >= enrolled), all(r$date <= as_of))
		end_on <- max(r$date)
		att <- r$date[r$attended == 1]
		never <- length(att) == 0
		last <- if (never) NA else max(att)
		retention <- if (never) 0 else as.numeric(last - enrolled)
		dropped <- if (never) as.numeric(as_of - enrolled) > gap else as.numeric(end_on - last) > gap
		completed <- !dropped && as.numeric(as_of - end_on) > gap
		in_window <- sum(att >= enrolled & att <= enrolled + (window - 1))
		data.frame(id = id, cohort = r$cohort[1], site = r$site[1], scheduled = nrow(r), attended = length(att),
			   rate = length(att) / nrow(r), never = never, retention = retention, dropped = dropped,
			   completed = completed, active = !dropped && !completed, engaged = in_window >= emin,
			   observed = as.numeric(as_of - enrolled))
	})
	do.call(rbind, f)
}

## (3) the figures --------------------------------------------------------------------------------

out <- file(golden, "w")
writeLines(sprintf("# generated by scripts/golden_cli_retention.R (R %s.%s, survival %s)",
		   R.version$major, R.version$minor, packageVersion("survival")), out)
prefix <- ""
source("scripts/golden_cli_common.R")

## the continuous compare block (as scripts/golden_cli_compare.R)

# check_cli compares every `df` exactly; Welch's df is a real number computed 1-2 ulp away from
# R: left out (its statistic, p-value and interval are checked at 1e-9)

## the binary compare block (as scripts/golden_cli_compare.R)


## the survival block (as scripts/golden_cli_survival.R), time = retention_days, event = dropped_out


run_case <- function(name, args) {
	prefix <<- name
	o <- parse_args(args)
	path <- file.path("tests", o$file)
	raw <- read.csv(path, sep = o$delimiter, colClasses = "character", na.strings = character(0),
			check.names = FALSE, fileEncoding = "UTF-8-BOM")
	col <- function(role) raw[[o$col[[role]]]]
	blank <- sum(sub("\r$", "", readLines(path, warn = FALSE)) == "")
	roll <- data.frame(participant_id = col("id"), cohort = col("cohort"),
			   site = ifelse(col("site") %in% na_tokens, NA, col("site")),
			   date = as.Date(col("date"), o$date_format),
			   attended = if (o$col[["attended"]] %in% names(raw)) as_bool(col("attended")) else 1L,
			   enrolled_on = if (o$col[["enrolled"]] %in% names(raw))
				   as.Date(ifelse(col("enrolled") %in% na_tokens, NA, col("enrolled")), o$date_format)
			   else as.Date(NA))
	stopifnot(!anyNA(roll$date))
	# rule 1: with --as-of known before reading, a session after it is rejected (--on-error skip)
	rejected <- if (is.null(o$as_of)) rep(FALSE, nrow(roll)) else roll$date > o$as_of
	stopifnot(o$on_error == "skip" || !any(rejected))
	# the first 20 rejected rows are listed: line (the header is line 1) and column of the date
	stopifnot(blank == 0 || !any(rejected))   # (line numbers below assume no blank line)
	lines_rejected <- head(which(rejected) + 1, 20)
	put("input.errors.length", length(lines_rejected))
	for (i in seq_along(lines_rejected)) {
		put(sprintf("input.errors.%d.line", i - 1), lines_rejected[i])
		put(sprintf("input.errors.%d.column", i - 1), match(o$col[["date"]], names(raw)))
	}
	roll <- roll[!rejected, ]
	as_of <- if (is.null(o$as_of)) max(roll$date) else o$as_of
	f <- facts_of(roll, as_of, o$gap, o$engaged_min, o$window)
	cohorts <- unique(f$cohort)
	other <- !(f$cohort %in% c(o$treatment, o$control))
	stopifnot(o$ignore || !any(other))

	put("input.rows", nrow(roll))
	put("input.rejected_rows", sum(rejected))
	put("input.blank_lines", blank)
	put("input.participants", nrow(f))
	put("input.participants_other_cohorts", sum(other))
	put("options.dropout_gap_days", o$gap)
	put("options.engaged_min", o$engaged_min)
	put("options.engaged_window_days", o$window)
	put("options.conf_level", o$conf)

	for (co in cohorts) {
		x <- f[f$cohort == co, ]
		puts(sprintf("cohorts.%s.", co),
		     list(participants = nrow(x), never_attended = sum(x$never), sessions_scheduled = sum(x$scheduled),
			  sessions_attended = sum(x$attended), attendance_rate_mean = mean(x$rate),
			  attendance_rate_pooled = sum(x$attended) / sum(x$scheduled), engaged = sum(x$engaged),
			  engaged_proportion = mean(x$engaged), completed = sum(x$completed),
			  dropped_out = sum(x$dropped), active = sum(x$active)))
	}

	labels <- c(o$treatment, o$control)
	fc <- f[!other, ]
	treated <- fc$cohort == o$treatment
	put("checkpoints.length", length(o$at))
	for (i in seq_along(o$at)) {
		day <- o$at[i]
		base <- sprintf("checkpoints.%d.", i - 1)
		put(paste0(base, "day"), day)
		eligible <- (fc$observed >= day | (fc$dropped & fc$retention < day)) & !(fc$active & fc$retention < day)
		retained <- eligible & (fc$completed | fc$retention >= day)
		for (g in 1:2) {
			in_g <- if (g == 1) treated else !treated
			puts(sprintf("%scohorts.%s.", base, labels[g]),
			     list(eligible = sum(eligible & in_g), retained = sum(retained & in_g),
				  not_yet_observable = sum(!eligible & in_g)))
		}
		binary_block(paste0(base, "comparison."), sum(retained & treated), sum(eligible & treated),
			     sum(retained & !treated), sum(eligible & !treated),
			     c(sum(!eligible & treated), sum(!eligible & !treated)), labels, o$conf)
	}

	no_site <- o$strata & is.na(fc$site)
	cc <- data.frame(time = fc$retention, status = as.integer(fc$dropped), g = as.integer(treated), s = fc$site)[!no_site, ]
	survival_block("time_to_dropout.", cc, c(sum(no_site & !treated), sum(no_site & treated)), o)

	x <- fc$attended[treated]; y <- fc$attended[!treated]
	for (g in 1:2)
		puts(sprintf("sessions.groups.%s.", labels[g]), c(describe(list(x, y)[[g]]), list(missing = 0)))
	puts("sessions.tests.welch_t.", no_df(ttest(x, y, o$conf)))
	puts("sessions.tests.student_t.", ttest(x, y, o$conf, var.equal = TRUE))
	puts("sessions.tests.mann_whitney.", ranktest(x, y, o$conf))
	e <- effects(x, y, o$conf)
	puts("sessions.effects.cohens_d.", e$d)
	puts("sessions.effects.hedges_g.", e$g)
}

lines <- readLines(cases_file)
lines <- lines[!startsWith(lines, "#") & nzchar(lines)]
for (line in lines) {
	parts <- strsplit(line, "\t", fixed = TRUE)[[1]]
	args <- strsplit(parts[2], " ", fixed = TRUE)[[1]]
	if (args[1] == "retention")
		run_case(parts[1], args)
}
close(out)
