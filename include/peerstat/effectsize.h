#ifndef PEERSTAT_EFFECTSIZE_H
#define PEERSTAT_EFFECTSIZE_H

#include <stddef.h>

#include "peerstat/status.h"

/*
 * Standardised mean differences with confidence intervals from the noncentral t distribution,
 * as R's effectsize::cohens_d(x, y) and effectsize::hedges_g(x, y) (pooled_sd = TRUE,
 * ci = 0.95, two-sided) and, for paired data, d_z = mean(d) / sd(d)
 * (effectsize::cohens_d(d), the one-sample form, identical to cohens_d(x, y, paired = TRUE)
 * in effectsize 0.8.3).
 *
 * Two-sample: s_p = sqrt(((n1-1) var1 + (n2-1) var2) / (n1 + n2 - 2)), d = (m1 - m2) / s_p,
 *   t = d / sqrt(1/n1 + 1/n2), df = n1 + n2 - 2; the CI of the noncentrality parameter ncp
 *   solves pt(t, df, ncp) = 1 - alpha/2 and alpha/2, and is scaled back by sqrt(1/n1 + 1/n2).
 * Hedges' g: d and its CI times J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)) (exact form).
 * d_z: t = d_z sqrt(n), df = n - 1, CI scaled by sqrt(1/n).
 *
 * effectsize finds the CI with optim() (Nelder-Mead, abstol 1e-9 on the probabilities), which
 * agreed with the precise bounds to about 1e-6 in our tests (and fails for t near 120);
 * peerstat solves the same equations to full double precision (Brent's method on the
 * noncentral t CDF below), see docs/methods.md.
 *
 * Undefined figures are NAN with a static note: no pooled degrees of freedom, a group without
 * values, zero variance (s_p = 0), a Hedges' g with df < 2 (J undefined).
 */
struct ps_effect_size {
	double estimate;    /* d, g or d_z */
	double conf_low;
	double conf_high;
	double conf_level;
	double sd;          /* the standardiser: pooled SD, or SD of the differences */
	double t;           /* the t statistic whose noncentrality the CI is about */
	double df;
	const char *note;   /* static string or NULL */
};

/*
 * Cohen's d of treatment (mean_x, var_x, n_x) minus control from summary figures (sample
 * variances with divisor n - 1; a variance may be NAN when its n is 1: that group adds no
 * degrees of freedom to s_p, as in t.test(var.equal = TRUE) and effectsize).
 * Returns PS_EUSAGE when conf_level is not in (0, 1), PS_ENOMEM, else PS_OK. When |t| is so
 * large (beyond about 1e5, a near-constant outcome) that the noncentral t cannot be summed,
 * the estimate is given and the CI is NAN with a note.
 */
enum ps_status ps_cohens_d_summary(double mean_x, double var_x, size_t n_x,
				   double mean_y, double var_y, size_t n_y,
				   double conf_level, struct ps_effect_size *out);

/* Hedges' g from summary figures; as ps_cohens_d_summary, then times J. */
enum ps_status ps_hedges_g_summary(double mean_x, double var_x, size_t n_x,
				   double mean_y, double var_y, size_t n_y,
				   double conf_level, struct ps_effect_size *out);

/* Cohen's d of the values x (treatment) and y (control); arrays are only read. PS_EDATA on a
 * non-finite value. */
enum ps_status ps_cohens_d(const double *x, size_t n_x, const double *y, size_t n_y,
			   double conf_level, struct ps_effect_size *out);

/* Hedges' g of the values x (treatment) and y (control). */
enum ps_status ps_hedges_g(const double *x, size_t n_x, const double *y, size_t n_y,
			   double conf_level, struct ps_effect_size *out);

/* d_z of paired differences d[0..n-1] (mean change over SD of change), CI from pt(ncp). */
enum ps_status ps_cohens_dz(const double *d, size_t n, double conf_level, struct ps_effect_size *out);

/*
 * The noncentral t distribution function P(T <= t) for df > 0 degrees of freedom and
 * noncentrality ncp, as R's pt(t, df, ncp). The Poisson-weighted series of incomplete beta
 * functions (Lenth 1989, AS 243) is summed from its largest term outwards (Benton and
 * Krishnamoorthy 2003) until the bound on the remainder is below 1e-17 of the sum, so large
 * |ncp| (where R switches to a normal approximation beyond |ncp| > 37.62 or df > 4e5) stays
 * exact. The incomplete betas, Poisson weights and beta steps are computed in saddle-point
 * form (Loader 2000), not from GSL's lgamma-based gsl_sf_beta_inc, which loses up to 1e-10 at
 * df = 10^5. Measured absolute error against a 40-digit reference: about 1e-14, at worst
 * 2.5e-12 (df > 10^6 with t^2/(t^2 + df) just above (a + 1)/(a + b + 2)).
 * Returns PS_OK with *p set, PS_EDATA for df <= 0, NaN arguments or |ncp| > 141421 (more
 * than 10^6 series terms), PS_EINTERNAL when the incomplete beta's continued fraction or the
 * series does not converge.
 */
enum ps_status ps_nct_cdf(double t, double df, double ncp, double *p);

/*
 * Confidence limits of the noncentrality parameter given an observed t: ncp_low solves
 * pt(t, df, ncp) = 1 - alpha/2 and ncp_high solves pt(t, df, ncp) = alpha/2 (alpha = 1 -
 * conf_level), to a relative precision of about 1e-15. Returns PS_EUSAGE for a bad conf_level,
 * PS_EDATA for a non-finite t or df <= 0, PS_EINTERNAL when no root is bracketed.
 */
enum ps_status ps_nct_ncp_ci(double t, double df, double conf_level, double *ncp_low, double *ncp_high);

#endif
