#ifndef PEERSTAT_COX_H
#define PEERSTAT_COX_H

#include <stddef.h>

#include "peerstat/status.h"

/*
 * Cox proportional hazards regression for right-censored data, computed as R's survival
 * package (3.5-3) computes coxph(Surv(time, status) ~ x1 + ... [+ strata(s)], ties = ...) and
 * cox.zph(fit): same centring and scaling of the covariates, same Newton-Raphson path with
 * step halving, same convergence test, same singularity and infinite-coefficient checks, so
 * that the figures agree with R to rounding (see docs/methods.md, "Cox proportional hazards").
 *
 * Data are plain arrays (the caller has removed rows with missing values):
 *   time[n]     follow-up time, finite and >= 0
 *   event[n]    1 = event, 0 = censored
 *   x[n * p]    covariates, row-major (row i is x[i * p .. i * p + p - 1]); the commands put
 *               the group indicator (1 = treatment, 0 = control) in column 0
 *   strata[n]   optional stratum ids (NULL for none); any ints, ordered as R orders the
 *               levels of factor(strata)
 * The fit needs every row at once (it sorts by stratum and time), so the accumulator below
 * only collects rows (mergeable across shards). One sort in O(n) (a counting sort when the
 * (stratum, time) pairs are few, else a radix sort), kept in the fit for cox.zph, then
 * O(n p^2) per Newton step: 300 000 rows with 3 covariates, fit and cox.zph, take 0.1 s.
 */

struct ps_cox_sort;   /* rows in stratum and time order; private to cox.c */

/*
 * A growing store of rows for a Cox fit, for streaming and sharded input: every row is kept
 * (the partial likelihood needs them all, sorted). Arrays are owned by the struct and laid out
 * as ps_cox_fit wants them: pass d.time, d.event, d.x, d.n, d.p and d.strata (or NULL when
 * every stratum is 0, i.e. unstratified).
 */
struct ps_cox_data {
	size_t p;       /* covariates per row */
	size_t n;       /* rows held */
	size_t cap;     /* rows allocated */
	double *time;
	int *event;
	double *x;      /* n * p, row-major */
	int *strata;    /* n stratum ids (0 when the caller has none) */
};

/* Start an empty store for rows of p covariates. Allocates nothing. */
void ps_cox_data_init(struct ps_cox_data *d, size_t p);

/*
 * Append one row: time, event, the p covariates x[0..p-1] (copied) and its stratum id (0 when
 * unstratified). Values are checked by ps_cox_fit, not here. Returns PS_OK or PS_ENOMEM (the
 * store is unchanged then).
 */
enum ps_status ps_cox_data_add(struct ps_cox_data *d, double time, int event, const double *x, int stratum);

/*
 * Append every row of src after those of dst (src is unchanged). The order of rows only
 * decides the summation order within tied times, so merging shards in input order gives the
 * fit of the whole input exactly, and any other order the same fit to rounding. Returns PS_OK,
 * PS_EDATA when p differs, PS_ENOMEM (dst unchanged).
 */
enum ps_status ps_cox_data_merge(struct ps_cox_data *dst, const struct ps_cox_data *src);

/* Free the rows; d is empty (same p) afterwards and may be reused or released again. */
void ps_cox_data_release(struct ps_cox_data *d);

enum ps_cox_ties {
	PS_COX_EFRON = 0,   /* R's default, ties = "efron" */
	PS_COX_BRESLOW      /* ties = "breslow" */
};

/* Options with R's defaults (coxph.control()); set them with ps_cox_options_init. */
struct ps_cox_options {
	enum ps_cox_ties ties;  /* PS_COX_EFRON */
	double conf_level;      /* 0.95: confidence level of the hazard-ratio intervals */
	int iter_max;           /* 20 */
	double eps;             /* 1e-9: relative change of the log partial likelihood */
	double toler_chol;      /* .Machine$double.eps^0.75: singularity in the Cholesky */
	double toler_inf;       /* sqrt(eps): the "coefficient may be infinite" check */
	int timefix;            /* 1: merge times that differ by rounding, as R's aeqSurv */
};

/* Fill opt with R's defaults (listed above). */
void ps_cox_options_init(struct ps_cox_options *opt);

/* Why a coefficient has no estimate (its figures are NAN). */
enum ps_cox_coef_state {
	PS_COX_COEF_OK = 0,
	PS_COX_COEF_ALIASED,        /* constant or collinear covariate: R prints NA */
	PS_COX_COEF_INFINITE,       /* monotone likelihood (separation): R warns "may be infinite" */
	PS_COX_COEF_NOT_CONVERGED   /* iter_max reached without convergence */
};

/* One covariate of the fit. */
struct ps_cox_coef {
	enum ps_cox_coef_state state;
	double coef;        /* log hazard ratio; NAN unless state is PS_COX_COEF_OK */
	double se;          /* sqrt of the diagonal of the inverse information */
	double hr;          /* exp(coef) */
	double ci_lower;    /* exp(coef - z * se), z = qnorm((1 + conf_level) / 2) */
	double ci_upper;    /* exp(coef + z * se) */
	double z;           /* Wald z = coef / se */
	double p;           /* two-sided Wald p-value */
	/*
	 * The values at the last Newton iterate as R prints them, whatever the state (NAN for an
	 * aliased covariate, as R's NA). For diagnostics only: when state is not OK these numbers
	 * are not estimates.
	 */
	double coef_last;
	double se_last;
};

/* A chi-square test. */
struct ps_cox_test {
	double statistic;
	double df;
	double p;
};

/*
 * A fitted model. Everything is owned by the struct and freed by ps_cox_fit_release.
 * Figures that are undefined for the data are NAN and note says why (a static string, NULL
 * when the fit is fine).
 */
struct ps_cox_fit {
	size_t n;                /* rows used */
	size_t nevent;           /* events among them */
	size_t p;                /* covariates */
	enum ps_cox_ties ties;
	double conf_level;
	struct ps_cox_coef *coef;  /* p entries */
	double *var;             /* p x p row-major variance matrix at the fit (R's fit$var) */
	double *means;           /* centring used per covariate (R's fit$means) */
	double loglik_null;      /* log partial likelihood at beta = 0 */
	double loglik;           /* at the fit (at the last iterate when not converged) */
	struct ps_cox_test lr;     /* 2 (loglik - loglik_null), df = non-aliased covariates */
	struct ps_cox_test score;  /* score (log-rank) test at beta = 0 */
	struct ps_cox_test wald;   /* b' V^-1 b over the non-aliased covariates */
	int iterations;          /* Newton steps taken (R's fit$iter) */
	int converged;           /* 1 when the relative change of the loglik fell below eps */
	int rank;                /* rank of the information matrix (p unless aliased) */
	int infinite;            /* 1 when some coefficient may be infinite (separation; or, without
				    convergence, R's test: linear predictor > 500 or U'V overflows) */
	const char *note;
	/*
	 * Internal: the rows sorted by stratum and time, kept so that ps_cox_zph on the same data
	 * does not sort them again (owned, freed by ps_cox_fit_release; NULL in a fit that was
	 * not filled by ps_cox_fit, and ps_cox_zph then sorts for itself).
	 */
	struct ps_cox_sort *sort;
};

/*
 * Fit the Cox model to n rows and p >= 1 covariates (layout above). opt may be NULL for the
 * defaults. The input arrays are not modified and not kept. On PS_OK fit is filled (release it
 * with ps_cox_fit_release), including the cases where the model is not estimable: no events or
 * no information at all (every covariate constant, or each event alone in its risk set: every
 * figure NAN, note, iterations 0), constant or collinear covariates (those coefficients NAN, state
 * PS_COX_COEF_ALIASED, the others fitted as R does), separation (the affected coefficients NAN,
 * state PS_COX_COEF_INFINITE; the Wald test NAN; the likelihood-ratio and score tests kept),
 * non-convergence (all coefficients NAN, the tests at beta = 0 kept).
 * Returns PS_EDATA for invalid data (n = 0, p = 0 or above 10000, negative or non-finite time,
 * event not 0/1, non-finite covariate; err says which row), PS_EUSAGE for invalid options
 * (conf_level outside (0, 1), negative iter_max, non-positive tolerances), PS_ENOMEM. On error
 * fit holds nothing to release.
 */
enum ps_status ps_cox_fit(const double *time, const int *event, const double *x, size_t n, size_t p,
			  const int *strata, const struct ps_cox_options *opt, struct ps_cox_fit *fit,
			  struct ps_error *err);

/* Free what fit owns; fit may be partly filled or zeroed. Safe to call twice. */
void ps_cox_fit_release(struct ps_cox_fit *fit);

/*
 * The Grambsch-Therneau test of proportional hazards, as R's cox.zph(fit) (survival >= 3.0;
 * transform = "km", terms = TRUE, global = TRUE): a score test, using the full 2p x 2p
 * information matrix, of adding g(t) * x_k to the model, g(t) = 1 - KM(t-) centred over the
 * events.
 */
struct ps_cox_zph {
	size_t p;                  /* as in the fit */
	struct ps_cox_test *term;  /* p entries, df 1 each; NAN for aliased covariates */
	struct ps_cox_test global; /* df = number of non-aliased covariates */
	const char *note;          /* static, NULL when fine */
};

/*
 * Compute the proportional-hazards test for fit, which must come from ps_cox_fit on exactly
 * the same time, event, x, n, p, strata and options (the data are read again rather than kept
 * inside the fit; only the fit's sort of the rows is reused). When the fit has no estimate (no events, separation, no convergence) every
 * figure is NAN with a note. On PS_OK release zph with ps_cox_zph_release. Returns PS_EDATA
 * when n or p do not match the fit, PS_ENOMEM; on error zph holds nothing to release.
 */
enum ps_status ps_cox_zph(const double *time, const int *event, const double *x, size_t n, size_t p,
			  const int *strata, const struct ps_cox_options *opt,
			  const struct ps_cox_fit *fit, struct ps_cox_zph *zph, struct ps_error *err);

/* Free what zph owns; safe on a zeroed struct and twice. */
void ps_cox_zph_release(struct ps_cox_zph *zph);

#endif
