#ifndef PEERSTAT_ANCOVA_H
#define PEERSTAT_ANCOVA_H

#include <stddef.h>

#include "peerstat/status.h"

/*
 * Analysis of covariance by ordinary least squares, as R's
 *   summary(lm(y ~ cov_1 + ... + cov_k + group)) and confint()
 * with group the treatment indicator (1 = treatment, 0 = control). The group coefficient is the
 * covariate-adjusted treatment-minus-control difference; with the baseline value as the only
 * covariate this is the classic baseline-adjusted comparison of follow-up values.
 *
 * Rank: columns are examined left to right (intercept, covariates, group) as R's QR (LINPACK
 * dqrdc2, tol = 1e-7) does: a column whose part orthogonal to the earlier kept columns has a
 * norm below 1e-7 of its own norm is aliased (a constant covariate, a covariate that is a
 * linear combination of others, a group indicator that a covariate reproduces). An aliased
 * term gets aliased = 1, all its figures NAN (R prints NA) and the result's note says so; the
 * other terms are fitted without it, exactly as lm does.
 *
 * Undefined figures (NAN with note): no residual degrees of freedom (n equals the rank):
 * standard errors, t, p, CIs, sigma; an essentially perfect fit (R warns "essentially perfect
 * fit: summary may be unreliable"): standard errors, t, p and CIs.
 */
struct ps_ancova_term {
	double estimate;
	double std_error;
	double statistic;   /* t = estimate / std_error */
	double p_value;     /* two-sided, t distribution with df_residual */
	double conf_low;    /* estimate + qt((1 - level)/2, df) std_error, as confint.lm */
	double conf_high;
	int aliased;        /* 1: linearly dependent on earlier columns, not estimable */
};

struct ps_ancova_result {
	size_t n;                 /* observations */
	size_t n_terms;           /* 2 + number of covariates */
	struct ps_ancova_term *terms;  /* owned: [0] intercept, [1..k] covariates, [k+1] group */
	size_t rank;              /* number of estimable columns */
	double df_residual;       /* n - rank */
	double sigma;             /* residual standard error sqrt(RSS / df_residual) */
	double r_squared;         /* 1 - RSS / TSS (TSS about the mean: the model has an intercept) */
	double adj_r_squared;     /* 1 - (1 - R^2) (n - 1) / df_residual */
	double conf_level;
	/*
	 * Adjusted (least-squares) means of the groups, [0] control and [1] treatment: the fitted
	 * value at the covariates' means, as emmeans::emmeans(lm(y ~ covs + factor(group)),
	 * "group"), with its standard error, and CI on df_residual. Their difference is the group
	 * coefficient. NAN when a term is aliased or there is no inference (see note).
	 */
	double adjusted_mean[2];
	double adjusted_mean_se[2];
	double adjusted_mean_low[2];
	double adjusted_mean_high[2];
	const char *note;         /* static string or NULL */
};

/*
 * Fit y ~ covariates + group on n observations. y[i], group[i] and covariates[j][i] are plain
 * arrays read only (missing values removed by the caller); group values must be 0 or 1.
 * n_covariates may be 0 (then the group test is Student's two-sample t test). On PS_OK out
 * holds terms the caller frees with ps_ancova_result_release.
 * Returns PS_EDATA for a non-finite value or a group value other than 0/1 or n == 0,
 * PS_EUSAGE for conf_level outside (0, 1), PS_ENOMEM, PS_EINTERNAL when GSL fails; on error
 * nothing is left allocated in out.
 */
enum ps_status ps_ancova_fit(const double *y, const double *group,
			     const double *const *covariates, size_t n_covariates, size_t n,
			     double conf_level, struct ps_ancova_result *out);

/* Free the terms of a result (safe on a zeroed or released result). */
void ps_ancova_result_release(struct ps_ancova_result *res);

#endif
