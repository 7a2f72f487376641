# Shared by scripts/golden_cli_survival.R and scripts/golden_cli_common.R (source()d, never run
# alone): the `curve` rows of one Kaplan-Meier fit in the survival contract (docs/json.md), from
# survival's summary(fit, censored = TRUE). k(key) makes a group's key; put() is the caller's.
put_curve <- function(k, fit) {
	s <- summary(fit, censored = TRUE)
	put(k("curve.length"), length(s$time))
	for (i in seq_along(s$time)) {
		key <- function(f) k(sprintf("curve.%d.%s", i - 1, f))
		put(key("time"), s$time[i])
		put(key("at_risk"), s$n.risk[i])
		put(key("events"), s$n.event[i])
		put(key("censored"), s$n.censor[i])
		put(key("survival"), s$surv[i])
		put(key("std_err"), s$std.err[i])
		put(key("ci_lower"), s$lower[i])
		put(key("ci_upper"), s$upper[i])
	}
}
