#ifndef PEERSTAT_LOGRANK_H
#define PEERSTAT_LOGRANK_H

/*
 * The G-rho family of k-sample tests for right-censored data, optionally stratified, as R's
 *   survdiff(Surv(time, status) ~ group + strata(site), rho = rho)
 * (survival 3.5-3): rho = 0 is the log-rank test, rho = 1 the Peto-Peto modification of the
 * Gehan-Wilcoxon test. The input is one finished struct ps_surv_table per (stratum, group), so
 * the data stream through the accumulators of peerstat/km.h. See docs/methods.md, "Survival".
 */

#include <stddef.h>

#include "peerstat/km.h"
#include "peerstat/status.h"

/* The result. Arrays are malloc'ed and owned by the struct (ps_logrank_release). */
struct ps_logrank {
	size_t n_groups;
	size_t n_strata;
	double rho;
	size_t *n;                 /* [g]: observations per group, all strata */
	double *observed;          /* [g]: (weighted) events, summed over strata; R's obs */
	double *expected;          /* [g]: (weighted) expected events, summed over strata; R's exp */
	double *observed_strata;   /* [s * n_groups + g] */
	double *expected_strata;   /* [s * n_groups + g] */
	double *variance;          /* [g * n_groups + h]: R's var, summed over strata */
	double chisq;              /* NAN when fewer than two groups have expected events */
	double df;                 /* groups with expected > 0, minus 1 (may be -1 or 0, as R) */
	double p_value;            /* upper tail of chi-square with df */
	const char *note;          /* NULL, or why figures are NAN */
};

/*
 * Compare n_groups groups within n_strata strata. tables[s * n_groups + g] is the finished
 * table of group g in stratum s; NULL stands for an empty one. At each distinct event time of
 * a stratum, with n_g at risk and d_g events in group g (n, d pooled), and weight
 * w = S(t-)^rho with S the Kaplan-Meier curve of the pooled stratum:
 *   O_g += w d_g,  E_g += w d n_g / n,
 *   V_gh += w^2 d (n - d) / (n - 1) * (n_g / n) (delta_gh - n_h / n)  (no term when n = 1).
 * O, E and V are summed over strata; chisq = (O - E)' V^- (O - E) over the groups with E > 0,
 * dropping the first of them, df = (groups with E > 0) - 1.
 * Returns PS_EUSAGE when n_groups < 2, n_strata < 1 or rho is not finite, PS_EINTERNAL when a
 * table is not finished, PS_ENOMEM. On failure out holds nothing to release.
 */
enum ps_status ps_logrank(const struct ps_surv_table *const *tables, size_t n_strata, size_t n_groups,
			  double rho, struct ps_logrank *out);

/* Free out's arrays (out may be zero-filled or already released). */
void ps_logrank_release(struct ps_logrank *out);

#endif
