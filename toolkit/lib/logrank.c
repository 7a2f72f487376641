/*
 * G-rho tests (log-rank, Peto-Peto) as survival's survdiff / survdiff2.c. One pass per stratum
 * over the union of the groups' distinct times, in increasing order: the numbers at risk are
 * counted down from the group sizes, and the pooled Kaplan-Meier weight S(t-) is carried along.
 */
#include "peerstat/logrank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

static const char NOTE_FEW[] = "fewer than two groups with expected events: no test";
static const char NOTE_SINGULAR[] = "variance matrix singular: no test";

void ps_logrank_release(struct ps_logrank *out)
{
	free(out->n);
	free(out->observed);
	free(out->expected);
	free(out->observed_strata);
	free(out->expected_strata);
	free(out->variance);
	out->n = NULL;
	out->observed = out->expected = out->observed_strata = out->expected_strata = out->variance = NULL;
}

/* One stratum: add its contributions to obs/exp (of the stratum) and var (shared). */
static void stratum(const struct ps_surv_table *const *tab, size_t k, double rho, size_t *pos,
		    double *risk, double *deaths, double *obs, double *exp_, double *var)
{
	double n_total = 0;
	for (size_t g = 0; g < k; g++) {
		pos[g] = 0;
		risk[g] = tab[g] ? (double)tab[g]->n_obs : 0;
		n_total += risk[g];
	}
	double km = 1;
	for (;;) {
		/* the next distinct time of the stratum */
		int any = 0;
		double t = 0;
		for (size_t g = 0; g < k; g++) {
			if (!tab[g] || pos[g] >= tab[g]->n_rows)
				continue;
			double tg = tab[g]->rows[pos[g]].time;
			if (!any || tg < t)
				t = tg;
			any = 1;
		}
		if (!any)
			break;
		double d = 0, leaving = 0;
		for (size_t g = 0; g < k; g++) {
			deaths[g] = 0;
			if (!tab[g] || pos[g] >= tab[g]->n_rows || tab[g]->rows[pos[g]].time != t)
				continue;
			const struct ps_surv_count *c = &tab[g]->rows[pos[g]];
			deaths[g] = (double)c->n_event;
			d += deaths[g];
			leaving += (double)(c->n_event + c->n_censor);
		}
		double n = n_total;
		if (d > 0) {
			/* survdiff2.c: wt = kaplan^rho with kaplan the pooled S just before t */
			double wt = rho == 0 ? 1 : pow(km, rho);
			for (size_t g = 0; g < k; g++) {
				obs[g] += deaths[g] * wt;
				exp_[g] += wt * d * risk[g] / n;
			}
			if (n > 1) {
				double kt = wt * wt * d * (n - d) / (n - 1);
				for (size_t j = 0; j < k; j++) {
					double tmp = kt * risk[j] / n;
					var[j + j * k] += tmp;
					for (size_t h = 0; h < k; h++)
						var[h + j * k] -= tmp * risk[h] / n;
				}
			}
			km = km * (n - d) / n;
		}
		for (size_t g = 0; g < k; g++) {
			if (!tab[g] || pos[g] >= tab[g]->n_rows || tab[g]->rows[pos[g]].time != t)
				continue;
			const struct ps_surv_count *c = &tab[g]->rows[pos[g]];
			risk[g] -= (double)(c->n_event + c->n_censor);
			pos[g]++;
		}
		n_total -= leaving;
	}
}

/*
 * chisq = x' V^-1 x with x = (O - E) of the groups with E > 0 but the first, as R's
 * sum(solve(vv, temp2) * temp2). LU with partial pivoting, as R's solve (LAPACK dgesv).
 * Returns 0 when V is singular.
 */
static int quadratic_form(const double *var, const double *diff, const size_t *keep, size_t m, size_t k,
			  double *chisq)
{
	int ok = 0;
	gsl_matrix *a = gsl_matrix_alloc(m, m);
	gsl_vector *b = gsl_vector_alloc(m);
	gsl_vector *x = gsl_vector_alloc(m);
	gsl_permutation *perm = gsl_permutation_alloc(m);
	if (!a || !b || !x || !perm)
		goto done;
	for (size_t i = 0; i < m; i++) {
		gsl_vector_set(b, i, diff[keep[i]]);
		for (size_t j = 0; j < m; j++)
			gsl_matrix_set(a, i, j, var[keep[i] * k + keep[j]]);
	}
	int signum;
	if (gsl_linalg_LU_decomp(a, perm, &signum) != GSL_SUCCESS)
		goto done;
	/* an exactly zero pivot: R's solve stops with "system is exactly singular" */
	for (size_t i = 0; i < m; i++)
		if (gsl_matrix_get(a, i, i) == 0)
			goto done;
	if (gsl_linalg_LU_solve(a, perm, b, x) != GSL_SUCCESS)
		goto done;
	double s = 0;
	for (size_t i = 0; i < m; i++)
		s += gsl_vector_get(x, i) * gsl_vector_get(b, i);
	*chisq = s;
	ok = isfinite(s);
done:
	gsl_permutation_free(perm);
	gsl_vector_free(x);
	gsl_vector_free(b);
	gsl_matrix_free(a);
	return ok;
}

enum ps_status ps_logrank(const struct ps_surv_table *const *tables, size_t n_strata, size_t n_groups,
			  double rho, struct ps_logrank *out)
{
	memset(out, 0, sizeof(*out));
	if (n_groups < 2 || n_strata < 1 || !isfinite(rho))
		return PS_EUSAGE;
	for (size_t i = 0; i < n_strata * n_groups; i++)
		if (tables[i] && !tables[i]->finished)
			return PS_EINTERNAL;
	size_t k = n_groups;
	out->n_groups = k;
	out->n_strata = n_strata;
	out->rho = rho;
	out->n = calloc(k, sizeof(*out->n));
	out->observed = calloc(k, sizeof(double));
	out->expected = calloc(k, sizeof(double));
	out->observed_strata = calloc(n_strata * k, sizeof(double));
	out->expected_strata = calloc(n_strata * k, sizeof(double));
	out->variance = calloc(k * k, sizeof(double));
	size_t *pos = calloc(k, sizeof(*pos));
	double *scratch = calloc(4 * k, sizeof(double));
	size_t *keep = calloc(k, sizeof(*keep));
	enum ps_status st = PS_OK;
	if (!out->n || !out->observed || !out->expected || !out->observed_strata || !out->expected_strata ||
	    !out->variance || !pos || !scratch || !keep) {
		st = PS_ENOMEM;
		goto done;
	}
	double *risk = scratch, *deaths = scratch + k, *diff = scratch + 2 * k;

	for (size_t s = 0; s < n_strata; s++) {
		const struct ps_surv_table *const *tab = tables + s * k;
		stratum(tab, k, rho, pos, risk, deaths, out->observed_strata + s * k, out->expected_strata + s * k,
			out->variance);
		for (size_t g = 0; g < k; g++) {
			out->n[g] += tab[g] ? tab[g]->n_obs : 0;
			out->observed[g] += out->observed_strata[s * k + g];
			out->expected[g] += out->expected_strata[s * k + g];
		}
	}

	/* survdiff: the groups with expected > 0 take part; the first of them is dropped */
	size_t m = 0;
	for (size_t g = 0; g < k; g++) {
		diff[g] = out->observed[g] - out->expected[g];
		if (out->expected[g] > 0)
			keep[m++] = g;
	}
	out->df = (double)m - 1;
	if (m < 2) {
		/* R prints chisq 0 here (and p 1 or NA); there is no test */
		out->chisq = out->p_value = NAN;
		out->note = NOTE_FEW;
		goto done;
	}
	if (!quadratic_form(out->variance, diff, keep + 1, m - 1, k, &out->chisq)) {
		out->chisq = out->p_value = NAN;
		out->note = NOTE_SINGULAR;
		goto done;
	}
	out->p_value = gsl_cdf_chisq_Q(out->chisq, out->df);
done:
	free(pos);
	free(scratch);
	free(keep);
	if (st != PS_OK)
		ps_logrank_release(out);
	return st;
}
