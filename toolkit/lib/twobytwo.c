/*
 * Binary outcomes on a 2x2 table: Wilson intervals, Pearson's chi-square (with and without
 * Yates), Fisher's exact test with the conditional MLE odds ratio, and the risk difference,
 * risk ratio and odds ratio with their large-sample intervals. Each follows one R function;
 * docs/methods.md ("Binary outcomes") gives the formulas and the references.
 */
#include "peerstat/twobytwo.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#define LN_2PI 1.837877066409345483560659472811235279722794947275566825634

static const char M_WILSON[] = "Wilson score interval (R prop.test(x, n, correct = FALSE))";
static const char M_PEARSON[] = "Pearson chi-square test (R chisq.test(correct = FALSE))";
static const char M_YATES[] = "Pearson chi-square test with Yates' continuity correction "
			      "(R chisq.test(correct = TRUE))";
static const char M_FISHER[] = "Fisher's exact test, conditional MLE odds ratio and exact "
			       "conditional interval (R fisher.test)";
static const char M_NEWCOMBE[] = "risk difference, Newcombe hybrid score interval (method 10)";
static const char M_KATZ[] = "risk ratio, Katz log interval (epitools riskratio, method = \"wald\")";
static const char M_WOOLF[] = "odds ratio, Woolf logit interval (epitools oddsratio, method = \"wald\")";

static const char N_EMPTY_GROUP[] = "a group has no subjects";
static const char N_EMPTY_MARGIN[] = "a row or column total is zero: the chi-square test is undefined";
static const char N_SMALL_EXPECTED[] = "an expected count is below 5: the chi-square approximation "
				       "may be poor (R warns); see Fisher's exact test";
static const char N_FISHER_DEGENERATE[] = "a row or column total is zero: the conditional odds ratio "
					  "is not identifiable (R reports 0)";
static const char N_FISHER_ZERO[] = "a zero cell: the conditional MLE odds ratio is 0 and the lower "
				    "bound 0 (as R)";
static const char N_FISHER_INF[] = "a zero cell: the conditional MLE odds ratio is infinite and the "
				   "upper bound infinite (as R)";
static const char N_FISHER_BIG[] = "table too large for the exact test (null standard deviation above "
				   "20000, billions of subjects); see the chi-square test";
static const char N_FISHER_ROOT[] = "the conditional odds ratio equation has no root in range";
static const char N_RR_ZERO[] = "no events in the treatment group: risk ratio 0, the Katz interval "
				"is undefined; see Fisher's exact interval";
static const char N_RR_INF[] = "no events in the control group: the risk ratio is infinite or "
			       "undefined; see Fisher's exact interval";
static const char N_OR_ZERO[] = "a zero cell: odds ratio 0, the Woolf interval is undefined; see "
				"Fisher's exact interval";
static const char N_OR_INF[] = "a zero cell: the odds ratio is infinite or undefined; see Fisher's "
			       "exact interval";

void ps_twobytwo_init(struct ps_twobytwo *t)
{
	t->a = t->n1 = t->c = t->n0 = 0;
}

void ps_twobytwo_add(struct ps_twobytwo *t, int treatment, int event)
{
	if (treatment) {
		t->n1++;
		t->a += event != 0;
	} else {
		t->n0++;
		t->c += event != 0;
	}
}

void ps_twobytwo_merge(struct ps_twobytwo *into, const struct ps_twobytwo *from)
{
	into->a += from->a;
	into->n1 += from->n1;
	into->c += from->c;
	into->n0 += from->n0;
}

enum ps_status ps_twobytwo_check(const struct ps_twobytwo *t)
{
	const uint64_t exact = (uint64_t)1 << 53;
	if (t->a > t->n1 || t->c > t->n0)
		return PS_EDATA;
	if (t->n1 >= exact || t->n0 >= exact || t->n1 + t->n0 >= exact)
		return PS_EDATA;
	return PS_OK;
}

static int conf_ok(double conf_level)
{
	return conf_level > 0 && conf_level < 1;
}

/* the two-sided normal quantile of R's qnorm((1 + conf.level) / 2) */
static double z_two_sided(double conf_level)
{
	return gsl_cdf_ugaussian_Pinv((1 + conf_level) / 2);
}

static void interval_nan(struct ps_interval *out, const char *method, const char *note)
{
	out->estimate = out->lower = out->upper = NAN;
	out->method = method;
	out->note = note;
}

/* ------------------------------------------------------------------------------------ */
/* Wilson */

enum ps_status ps_wilson_interval(uint64_t x, uint64_t n, double conf_level, struct ps_interval *out)
{
	if (x > n)
		return PS_EDATA;
	if (!conf_ok(conf_level))
		return PS_EUSAGE;
	if (n == 0) {
		interval_nan(out, M_WILSON, N_EMPTY_GROUP);
		return PS_OK;
	}
	/* R's prop.test for k == 1 with YATES = 0, term for term */
	double dn = (double)n;
	double p = (double)x / dn;
	double z = z_two_sided(conf_level);
	double z22n = z * z / (2 * dn);
	double root = z * sqrt(p * (1 - p) / dn + z22n / (2 * dn));
	double upper = p >= 1 ? 1 : (p + z22n + root) / (1 + 2 * z22n);
	double lower = p <= 0 ? 0 : (p + z22n - root) / (1 + 2 * z22n);
	out->estimate = p;
	out->lower = lower > 0 ? lower : 0;
	out->upper = upper < 1 ? upper : 1;
	out->method = M_WILSON;
	out->note = NULL;
	return PS_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Pearson chi-square */

enum ps_status ps_chisq_2x2(const struct ps_twobytwo *t, int correct, struct ps_chisq_test *out)
{
	enum ps_status st = ps_twobytwo_check(t);
	if (st != PS_OK)
		return st;
	out->df = 1;
	out->method = correct ? M_YATES : M_PEARSON;
	out->note = NULL;
	out->correction = 0;
	/* cells in R's column-major order of matrix(c(a, c, n1 - a, n0 - c), 2) */
	double x[4] = { (double)t->a, (double)t->c, (double)(t->n1 - t->a), (double)(t->n0 - t->c) };
	double sr[2] = { (double)t->n1, (double)t->n0 };
	double sc[2] = { x[0] + x[1], x[2] + x[3] };
	double n = sr[0] + sr[1];
	if (sr[0] == 0 || sr[1] == 0 || sc[0] == 0 || sc[1] == 0) {
		/* R: an error for an empty table, a NaN statistic for an empty margin */
		out->statistic = out->p = NAN;
		out->note = n == 0 ? N_EMPTY_GROUP : N_EMPTY_MARGIN;
		return PS_OK;
	}
	double e[4], dev[4];
	double yates = 0.5;
	int small = 0;
	for (int j = 0; j < 2; j++)
		for (int i = 0; i < 2; i++) {
			int k = 2 * j + i;
			e[k] = sr[i] * sc[j] / n;
			dev[k] = fabs(x[k] - e[k]);
			if (dev[k] < yates)
				yates = dev[k];
			if (e[k] < 5)
				small = 1;
		}
	if (!correct)
		yates = 0;
	double stat = 0;
	for (int k = 0; k < 4; k++)
		stat += (dev[k] - yates) * (dev[k] - yates) / e[k];
	out->statistic = stat;
	out->correction = yates;
	out->p = gsl_cdf_chisq_Q(stat, 1.0);
	if (small)
		out->note = N_SMALL_EXPECTED;
	return PS_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Fisher's exact test */

/*
 * The hypergeometric log densities by Loader's saddle-point method ("Fast and accurate
 * computation of binomial probabilities", 2000), the method behind R's dhyper: each term is
 * accurate to a few ulps even for counts near 10^7, where differences of lgamma values would
 * lose 8 digits.
 */

/* log(n!) - log(sqrt(2 pi n) (n/e)^n) for whole n; 1..15 computed to 25 digits with Python's
 * decimal module, the asymptotic series (error below 1e-17 from 16 on) above */
static double stirlerr(double n)
{
	static const double table[16] = {
		0.0, /* not used: x == 0 and x == n take the boundary branches */
		0.08106146679532725821967026,
		0.04134069595540929409382208,
		0.02767792568499833914878929,
		0.02079067210376509311152277,
		0.01664469118982119216319487,
		0.01387612882307074799874573,
		0.01189670994589177009505572,
		0.01041126526197209649747857,
		0.009255462182712732917728637,
		0.008330563433362871256469319,
		0.007573675487951840794972024,
		0.006942840107209529865664153,
		0.006408994188004207068439631,
		0.005951370112758847735624416,
		0.005554733551962801371038690,
	};
	if (n <= 15)
		return table[(int)n];
	double nn = n * n;
	/* 1/12n - 1/360n^3 + 1/1260n^5 - 1/1680n^7 + 1/1188n^9 */
	return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / 1188 / nn) / nn) / nn) / nn) / n;
}

/* x log(x/np) + np - x, by its series in v = (x - np)/(x + np) when x is close to np */
static double bd0(double x, double np)
{
	if (fabs(x - np) < 0.1 * (x + np)) {
		double v = (x - np) / (x + np);
		double s = (x - np) * v;
		double ej = 2 * x * v;
		double v2 = v * v;
		for (int j = 1; j < 1000; j++) {
			ej *= v2;
			double s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
		return s;
	}
	return x * log(x / np) + np - x;
}

/* log of the binomial density of x in n trials with success probability p = 1 - q (0 < p < 1) */
static double log_dbinom(double x, double n, double p, double q)
{
	if (x == 0) {
		if (n == 0)
			return 0;
		return p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q);
	}
	if (x == n)
		return q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p);
	double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
	double lf = LN_2PI + log(x) + log1p(-x / n);
	return lc - 0.5 * lf;
}

/*
 * The conditional distribution of the treatment-event cell given the margins: support
 * lo..lo+len-1, observed cell at index ix. logdc(i) is R's dhyper(lo + i, m, n, k, log = TRUE);
 * under odds ratio exp(theta) the log weights are logdc(i) + theta * i (the shift by theta * lo
 * cancels in the normalisation). The log densities are computed when needed and remembered in a
 * bounded window (the memo below): the sums only visit the terms near the mode, so a table of
 * 10^9 subjects needs no more memory than a small one.
 */
struct nchg {
	double m, n, k;         /* R's names: events, non-events, treatment row */
	double lo;
	size_t len;
	size_t ix;
	double p, q;            /* k / (m + n) and its complement, Loader's reference binomial */
	double lnorm;           /* log dbinom(k; m + n, p) */
	double *memo;           /* log densities of [memo_lo, memo_lo + memo_len), NAN until known; */
	size_t memo_lo, memo_len; /* NULL when the memory was not there (then always computed) */
};

/*
 * The memo: the root finding evaluates the sums about a hundred times over much the same terms
 * near the observed cell, and each log density costs two of Loader's binomials (profiles of
 * retention on 250 000 participants showed them at 9% of the run). A window of at most
 * NCHG_MEMO_MAX terms around the observed cell covers every visit unless the null spread is
 * above ~10^4; terms outside it are computed as before.
 */
#define NCHG_MEMO_MAX ((size_t)1 << 18)

static void nchg_memo_init(struct nchg *h)
{
	size_t len = h->len < NCHG_MEMO_MAX ? h->len : NCHG_MEMO_MAX;
	size_t lo = h->ix > len / 2 ? h->ix - len / 2 : 0;
	if (lo + len > h->len)
		lo = h->len - len;
	h->memo = malloc(len * sizeof(*h->memo));
	h->memo_lo = lo;
	h->memo_len = h->memo ? len : 0;
	for (size_t i = 0; i < h->memo_len; i++)
		h->memo[i] = NAN;
}

static void nchg_init(struct nchg *h, uint64_t m, uint64_t n, uint64_t k, uint64_t lo, uint64_t hi,
		      uint64_t x)
{
	h->m = (double)m;
	h->n = (double)n;
	h->k = (double)k;
	h->lo = (double)lo;
	h->len = (size_t)(hi - lo + 1);
	h->ix = (size_t)(x - lo);
	double total = h->m + h->n;
	h->p = h->k / total;
	h->q = (total - h->k) / total;
	h->lnorm = log_dbinom(h->k, total, h->p, h->q);
}

static double nchg_logdc_compute(const struct nchg *h, size_t i)
{
	double s = h->lo + (double)i;
	return log_dbinom(s, h->m, h->p, h->q) + log_dbinom(h->k - s, h->n, h->p, h->q) - h->lnorm;
}

static double nchg_logdc(const struct nchg *h, size_t i)
{
	if (i - h->memo_lo >= h->memo_len) /* unsigned: also i < memo_lo */
		return nchg_logdc_compute(h, i);
	double *slot = &h->memo[i - h->memo_lo];
	if (isnan(*slot))
		*slot = nchg_logdc_compute(h, i);
	return *slot;
}

struct nchg_sums {
	/* weights relative to the largest, d = i - ix the distance from the observed cell */
	double s, d1, d2;       /* sum of w, w d, w d^2 */
	double sle, dle;        /* sum of w, w d over d <= 0 */
	double sge, dge;        /* sum of w, w d over d >= 0 */
};

/* the index of the largest weight at theta: the log weights are concave in i */
static size_t nchg_mode(const struct nchg *h, double theta)
{
	size_t lo = 0, hi = h->len - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nchg_logdc(h, mid + 1) - nchg_logdc(h, mid) + theta > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Weights more than 750 below the largest are below the smallest subnormal double: R's
 * exp(d - max(d)) makes them exact zeros, so the p-value walks from the mode out to there
 * (concavity: everything further is smaller). The root equations need less: weights below
 * exp(-60) of the largest change no sum by more than 1e-24 relative.
 */
#define NCHG_CUTOFF_P 750.0
#define NCHG_CUTOFF_ROOT 60.0

static void nchg_add(struct nchg_sums *s, const struct nchg *h, size_t i, double w)
{
	double d = (double)i - (double)h->ix;
	s->s += w;
	s->d1 += w * d;
	s->d2 += w * d * d;
	if (d <= 0) {
		s->sle += w;
		s->dle += w * d;
	}
	if (d >= 0) {
		s->sge += w;
		s->dge += w * d;
	}
}

static void nchg_sums(const struct nchg *h, double theta, double cutoff, struct nchg_sums *s)
{
	size_t m = nchg_mode(h, theta);
	double top = nchg_logdc(h, m) + theta * (double)m;
	*s = (struct nchg_sums){ 0 };
	for (size_t i = m + 1; i-- > 0;) {
		double l = nchg_logdc(h, i) + theta * (double)i - top;
		if (l < -cutoff)
			break;
		nchg_add(s, h, i, exp(l));
	}
	for (size_t i = m + 1; i < h->len; i++) {
		double l = nchg_logdc(h, i) + theta * (double)i - top;
		if (l < -cutoff)
			break;
		nchg_add(s, h, i, exp(l));
	}
}

enum nchg_equation { EQ_MEAN, EQ_LOWER_TAIL, EQ_UPPER_TAIL };

/*
 * The equation at theta, made increasing, and its derivative: E[X] - x (derivative Var X),
 * P(X >= x) - alpha and alpha - P(X <= x) (derivatives the covariances of the tail indicator
 * with X).
 */
static double nchg_equation(const struct nchg *h, enum nchg_equation eq, double alpha, double theta,
			    double *deriv)
{
	struct nchg_sums s;
	nchg_sums(h, theta, NCHG_CUTOFF_ROOT, &s);
	double mean = s.d1 / s.s;       /* E[X] - x */
	switch (eq) {
	case EQ_MEAN:
		*deriv = s.d2 / s.s - mean * mean;
		return mean;
	case EQ_UPPER_TAIL:
		*deriv = s.dge / s.s - s.sge / s.s * mean;
		return s.sge / s.s - alpha;
	case EQ_LOWER_TAIL:
		*deriv = -(s.dle / s.s - s.sle / s.s * mean);
		return alpha - s.sle / s.s;
	}
	*deriv = NAN;
	return NAN;
}

/*
 * Solve the equation for theta = log(odds ratio): bracket outwards from 0, then Newton steps
 * kept inside the bracket (bisection when a step would leave it or stalls), until a step is
 * below 1e-15 (relative error of the odds ratio). R's uniroot with its default tol stops near
 * 1e-4 instead. Returns the odds ratio, or NAN when no sign change is found (cannot happen for
 * an observed cell strictly inside the support).
 */
static double nchg_solve(const struct nchg *h, enum nchg_equation eq, double alpha)
{
	double df;
	double f0 = nchg_equation(h, eq, alpha, 0, &df);
	if (f0 == 0)
		return 1;
	/* lo: f < 0, hi: f > 0 */
	double dir = f0 < 0 ? 1 : -1;
	double prev = 0, b = 0, fb = f0, step = 1;
	for (;;) {
		prev = b;
		b = dir * step;
		fb = nchg_equation(h, eq, alpha, b, &df);
		if (fb == 0)
			return exp(b);
		if ((fb > 0) != (f0 > 0))
			break;
		if (step > 4096)
			return NAN;
		step *= 2;
	}
	double lo = dir > 0 ? prev : b, hi = dir > 0 ? b : prev;
	double x = b, f = fb;
	for (int it = 0; it < 200; it++) {
		double nx = x - f / df;
		if (!(df > 0) || !(nx > lo && nx < hi))
			nx = lo + (hi - lo) / 2;
		double tol = 1e-15 * (fabs(nx) > 1 ? fabs(nx) : 1);
		if (fabs(nx - x) <= tol || hi - lo <= tol)
			return exp(nx);
		x = nx;
		f = nchg_equation(h, eq, alpha, x, &df);
		if (f == 0)
			return exp(x);
		if (f < 0)
			lo = x;
		else
			hi = x;
	}
	return exp(x);
}

/* R's two-sided rule: the conditional probabilities no larger than the observed one * (1 + 1e-7) */
static double nchg_two_sided_p(const struct nchg *h)
{
	struct nchg_sums sums;
	nchg_sums(h, 0, NCHG_CUTOFF_P, &sums);
	double total = sums.s;
	size_t m = nchg_mode(h, 0);
	double top = nchg_logdc(h, m);
	double lx = nchg_logdc(h, h->ix) - top;
	if (lx < -NCHG_CUTOFF_P)
		return 0;       /* R's normalised density of the observed table underflows to 0 */
	double dx = exp(lx) / total * (1 + 1e-7);
	double p = 0;
	for (size_t i = m + 1; i-- > 0;) {
		double l = nchg_logdc(h, i) - top;
		if (l < -NCHG_CUTOFF_P)
			break;
		double d = exp(l) / total;
		if (d <= dx)
			p += d;
	}
	for (size_t i = m + 1; i < h->len; i++) {
		double l = nchg_logdc(h, i) - top;
		if (l < -NCHG_CUTOFF_P)
			break;
		double d = exp(l) / total;
		if (d <= dx)
			p += d;
	}
	return p < 1 ? p : 1;
}

enum ps_status ps_fisher_2x2(const struct ps_twobytwo *t, double conf_level, struct ps_fisher_test *out)
{
	enum ps_status st = ps_twobytwo_check(t);
	if (st != PS_OK)
		return st;
	if (!conf_ok(conf_level))
		return PS_EUSAGE;
	out->method = M_FISHER;
	out->note = NULL;
	/* R's names: m events, n non-events, k the treatment row, x the treatment events */
	uint64_t m = t->a + t->c;
	uint64_t n = (t->n1 - t->a) + (t->n0 - t->c);
	uint64_t k = t->n1;
	uint64_t lo = k > n ? k - n : 0;
	uint64_t hi = k < m ? k : m;
	uint64_t x = t->a;
	if (lo == hi) {
		/* one table only: nothing to test, nothing to estimate */
		out->p = 1;
		out->estimate = NAN;
		out->lower = 0;
		out->upper = INFINITY;
		out->note = N_FISHER_DEGENERATE;
		return PS_OK;
	}
	/*
	 * The work grows with the spread of the null distribution (each evaluation visits about
	 * 80 standard deviations of support); past PS_FISHER_MAX_SD, billions of subjects, it would
	 * take minutes, and the chi-square test says the same thing there.
	 */
	double dm = (double)m, dn = (double)n, dk = (double)k, dN = dm + dn;
	double sd = sqrt(dk * dm * dn * (dN - dk) / (dN * dN * (dN - 1)));
	if (sd > PS_FISHER_MAX_SD) {
		out->p = out->estimate = out->lower = out->upper = NAN;
		out->note = N_FISHER_BIG;
		return PS_OK;
	}
	struct nchg h;
	nchg_init(&h, m, n, k, lo, hi, x);
	nchg_memo_init(&h);
	out->p = nchg_two_sided_p(&h);
	double alpha = (1 - conf_level) / 2;
	/* R's mle(), ncp.L() and ncp.U(): 0 and Inf at the ends of the support */
	if (x == lo) {
		out->estimate = 0;
		out->note = N_FISHER_ZERO;
	} else if (x == hi) {
		out->estimate = INFINITY;
		out->note = N_FISHER_INF;
	} else {
		out->estimate = nchg_solve(&h, EQ_MEAN, 0);
	}
	out->lower = x == lo ? 0 : nchg_solve(&h, EQ_UPPER_TAIL, alpha);
	out->upper = x == hi ? INFINITY : nchg_solve(&h, EQ_LOWER_TAIL, alpha);
	if (isnan(out->estimate) || isnan(out->lower) || isnan(out->upper))
		out->note = N_FISHER_ROOT;
	free(h.memo);
	return PS_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Risk difference, risk ratio, odds ratio */

/*
 * The checks every effect interval starts with: a valid table and level (else that status in
 * *st), and both groups non-empty (else the interval is NaN with a note). Returns 1 when the
 * caller should go on.
 */
static int effect_ready(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out, const char *method,
			enum ps_status *st)
{
	*st = ps_twobytwo_check(t);
	if (*st != PS_OK)
		return 0;
	if (!conf_ok(conf_level)) {
		*st = PS_EUSAGE;
		return 0;
	}
	if (t->n1 == 0 || t->n0 == 0) {
		interval_nan(out, method, N_EMPTY_GROUP);
		return 0;
	}
	return 1;
}

enum ps_status ps_risk_difference(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out)
{
	enum ps_status st;
	if (!effect_ready(t, conf_level, out, M_NEWCOMBE, &st))
		return st;
	struct ps_interval w1, w0;
	ps_wilson_interval(t->a, t->n1, conf_level, &w1);
	ps_wilson_interval(t->c, t->n0, conf_level, &w0);
	double p1 = w1.estimate, p0 = w0.estimate, d = p1 - p0;
	out->estimate = d;
	out->lower = d - sqrt((p1 - w1.lower) * (p1 - w1.lower) + (w0.upper - p0) * (w0.upper - p0));
	out->upper = d + sqrt((w1.upper - p1) * (w1.upper - p1) + (p0 - w0.lower) * (p0 - w0.lower));
	out->method = M_NEWCOMBE;
	out->note = NULL;
	return PS_OK;
}

enum ps_status ps_risk_ratio(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out)
{
	enum ps_status st;
	if (!effect_ready(t, conf_level, out, M_KATZ, &st))
		return st;
	if (t->c == 0) {
		interval_nan(out, M_KATZ, N_RR_INF);
		return PS_OK;
	}
	if (t->a == 0) {
		interval_nan(out, M_KATZ, N_RR_ZERO);
		out->estimate = 0;
		return PS_OK;
	}
	/* epitools riskratio.wald, term for term */
	double a = (double)t->a, n1 = (double)t->n1, c = (double)t->c, n0 = (double)t->n0;
	double est = (a / n1) / (c / n0);
	double se = sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0);
	double z = z_two_sided(conf_level);
	out->estimate = est;
	out->lower = exp(log(est) - z * se);
	out->upper = exp(log(est) + z * se);
	out->method = M_KATZ;
	out->note = NULL;
	return PS_OK;
}

enum ps_status ps_odds_ratio(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out)
{
	enum ps_status st;
	if (!effect_ready(t, conf_level, out, M_WOOLF, &st))
		return st;
	double a = (double)t->a, b = (double)(t->n1 - t->a);
	double c = (double)t->c, d = (double)(t->n0 - t->c);
	if (b == 0 || c == 0) {
		interval_nan(out, M_WOOLF, N_OR_INF);
		return PS_OK;
	}
	if (a == 0 || d == 0) {
		interval_nan(out, M_WOOLF, N_OR_ZERO);
		out->estimate = 0;
		return PS_OK;
	}
	/* epitools oddsratio.wald, term for term: (b0 * a1) / (a0 * b1) */
	double est = (d * a) / (c * b);
	double se = sqrt(1 / a + 1 / b + 1 / c + 1 / d);
	double z = z_two_sided(conf_level);
	out->estimate = est;
	out->lower = exp(log(est) - z * se);
	out->upper = exp(log(est) + z * se);
	out->method = M_WOOLF;
	out->note = NULL;
	return PS_OK;
}

/* ------------------------------------------------------------------------------------ */

enum ps_status ps_twobytwo_compute(const struct ps_twobytwo *t, double conf_level,
				   struct ps_twobytwo_result *out)
{
	enum ps_status st = ps_twobytwo_check(t);
	if (st != PS_OK)
		return st;
	if (!conf_ok(conf_level))
		return PS_EUSAGE;
	out->conf_level = conf_level;
	if ((st = ps_wilson_interval(t->a, t->n1, conf_level, &out->treatment)) != PS_OK ||
	    (st = ps_wilson_interval(t->c, t->n0, conf_level, &out->control)) != PS_OK ||
	    (st = ps_chisq_2x2(t, 0, &out->pearson)) != PS_OK ||
	    (st = ps_chisq_2x2(t, 1, &out->yates)) != PS_OK ||
	    (st = ps_fisher_2x2(t, conf_level, &out->fisher)) != PS_OK ||
	    (st = ps_risk_difference(t, conf_level, &out->risk_difference)) != PS_OK ||
	    (st = ps_risk_ratio(t, conf_level, &out->risk_ratio)) != PS_OK ||
	    (st = ps_odds_ratio(t, conf_level, &out->odds_ratio)) != PS_OK)
		return st;
	return PS_OK;
}
