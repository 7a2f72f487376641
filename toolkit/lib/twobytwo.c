/*
 * Binary outcomes on a 2x2 table: Wilson intervals, Pearson's chi-square (with and without
 * Yates), Fisher's exact test with the conditional MLE odds ratio, and the risk difference,
 * risk ratio and odds ratio with their large-sample intervals. Each follows one R function;
 * docs/methods.md ("Binary outcomes") gives the formulas and the references.
 */
#include "peerstat/twobytwo.h"

#include <float.h>
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
static const char N_FISHER_BIG[] = "table too large for the exact test (support above 2^24 tables)";
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

enum ps_status ps_chisq_2x2(const struct ps_twobytwo *t, int correct, struct ps_chisq_2x2 *out)
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
 * lo..lo+len-1, log weights logdc[i] (R's dhyper(support, m, n, k, log = TRUE)), observed cell
 * at index ix. Under odds ratio exp(theta) the weights are logdc[i] + theta * i (the shift by
 * theta * lo cancels in the normalisation).
 */
struct nchg {
	double *logdc;
	size_t len;
	size_t ix;
};

struct nchg_sums {
	double total;   /* sum of the weights (relative to the largest) */
	double le;      /* weights of the support at or below the observed cell */
	double ge;      /* at or above */
	double dev;     /* sum of weight * (i - ix): total * (mean - observed) */
};

/* the index of the largest weight at theta: the log weights are concave in i */
static size_t nchg_mode(const struct nchg *h, double theta)
{
	size_t lo = 0, hi = h->len - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->logdc[mid + 1] - h->logdc[mid] + theta > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Weights further than 750 below the largest are below the smallest subnormal double: R's
 * exp(d - max(d)) makes them exact zeros, and the walk from the mode stops there (concavity),
 * which keeps tables of 10^6 subjects fast.
 */
#define NCHG_CUTOFF 750.0

static void nchg_add(struct nchg_sums *s, const struct nchg *h, size_t i, double w)
{
	s->total += w;
	if (i <= h->ix)
		s->le += w;
	if (i >= h->ix)
		s->ge += w;
	s->dev += w * ((double)i - (double)h->ix);
}

static void nchg_sums(const struct nchg *h, double theta, struct nchg_sums *s)
{
	size_t m = nchg_mode(h, theta);
	double top = h->logdc[m] + theta * (double)m;
	s->total = s->le = s->ge = s->dev = 0;
	for (size_t i = m + 1; i-- > 0;) {
		double l = h->logdc[i] + theta * (double)i - top;
		if (l < -NCHG_CUTOFF)
			break;
		nchg_add(s, h, i, exp(l));
	}
	for (size_t i = m + 1; i < h->len; i++) {
		double l = h->logdc[i] + theta * (double)i - top;
		if (l < -NCHG_CUTOFF)
			break;
		nchg_add(s, h, i, exp(l));
	}
}

enum nchg_equation { EQ_MEAN, EQ_LOWER_TAIL, EQ_UPPER_TAIL };

/* increasing in theta for EQ_MEAN and EQ_UPPER_TAIL, decreasing for EQ_LOWER_TAIL */
static double nchg_equation(const struct nchg *h, enum nchg_equation eq, double alpha, double theta)
{
	struct nchg_sums s;
	nchg_sums(h, theta, &s);
	switch (eq) {
	case EQ_MEAN:
		return s.dev / s.total;
	case EQ_LOWER_TAIL:
		return s.le / s.total - alpha;
	case EQ_UPPER_TAIL:
		return s.ge / s.total - alpha;
	}
	return NAN;
}

/*
 * Solve the monotone equation for theta = log(odds ratio) by bracketing outwards from 0 and
 * bisection down to an interval of 1e-14 (relative error of the odds ratio). Bisection needs
 * about 60 evaluations and, unlike R's uniroot with its default tol of 1.2e-4, cannot stop
 * early. Returns the odds ratio, or NAN when no sign change is found (cannot happen for an
 * observed cell strictly inside the support).
 */
static double nchg_solve(const struct nchg *h, enum nchg_equation eq, double alpha)
{
	double sign = eq == EQ_LOWER_TAIL ? -1 : 1;     /* make it increasing */
	double f0 = sign * nchg_equation(h, eq, alpha, 0);
	if (f0 == 0)
		return 1;
	double dir = f0 < 0 ? 1 : -1;
	double a = 0, b = 0, step = 1;
	for (;;) {
		a = b;
		b = dir * step;
		double fb = sign * nchg_equation(h, eq, alpha, b);
		if (fb == 0)
			return exp(b);
		if ((fb > 0) != (f0 > 0))
			break;
		if (step > 4096)
			return NAN;
		step *= 2;
	}
	double lo = a < b ? a : b, hi = a < b ? b : a;
	for (int it = 0; it < 200 && hi - lo > 1e-14 * (fabs(lo) > 1 ? fabs(lo) : 1); it++) {
		double mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		double fm = sign * nchg_equation(h, eq, alpha, mid);
		if (fm == 0)
			return exp(mid);
		if (fm < 0)
			lo = mid;
		else
			hi = mid;
	}
	return exp(lo + (hi - lo) / 2);
}

/* R's two-sided rule: the conditional probabilities no larger than the observed one * (1 + 1e-7) */
static double nchg_two_sided_p(const struct nchg *h)
{
	struct nchg_sums s;
	nchg_sums(h, 0, &s);
	size_t m = nchg_mode(h, 0);
	double top = h->logdc[m];
	double lx = h->logdc[h->ix] - top;
	if (lx < -NCHG_CUTOFF)
		return 0;       /* R's normalised density of the observed table underflows to 0 */
	double dx = exp(lx) / s.total * (1 + 1e-7);
	double p = 0;
	for (size_t i = m + 1; i-- > 0;) {
		double l = h->logdc[i] - top;
		if (l < -NCHG_CUTOFF)
			break;
		double d = exp(l) / s.total;
		if (d <= dx)
			p += d;
	}
	for (size_t i = m + 1; i < h->len; i++) {
		double l = h->logdc[i] - top;
		if (l < -NCHG_CUTOFF)
			break;
		double d = exp(l) / s.total;
		if (d <= dx)
			p += d;
	}
	return p < 1 ? p : 1;
}

enum ps_status ps_fisher_2x2(const struct ps_twobytwo *t, double conf_level, struct ps_fisher_2x2 *out)
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
	if (hi - lo + 1 > PS_FISHER_MAX_SUPPORT) {
		out->p = out->estimate = out->lower = out->upper = NAN;
		out->note = N_FISHER_BIG;
		return PS_OK;
	}
	struct nchg h;
	h.len = (size_t)(hi - lo + 1);
	h.ix = (size_t)(x - lo);
	h.logdc = malloc(h.len * sizeof(*h.logdc));
	if (!h.logdc)
		return PS_ENOMEM;
	/* R's dhyper(x, m, n, k, log = TRUE): p = k/(m + n); 0 < p < 1 as lo < hi */
	double dm = (double)m, dn = (double)n, dk = (double)k, total = dm + dn;
	double p = dk / total, q = (total - dk) / total;
	double lnorm = log_dbinom(dk, total, p, q);
	for (size_t i = 0; i < h.len; i++) {
		double s = (double)(lo + i);
		h.logdc[i] = log_dbinom(s, dm, p, q) + log_dbinom(dk - s, dn, p, q) - lnorm;
	}

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
	free(h.logdc);
	return PS_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Risk difference, risk ratio, odds ratio */

enum ps_status ps_risk_difference(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out)
{
	enum ps_status st = ps_twobytwo_check(t);
	if (st != PS_OK)
		return st;
	if (!conf_ok(conf_level))
		return PS_EUSAGE;
	if (t->n1 == 0 || t->n0 == 0) {
		interval_nan(out, M_NEWCOMBE, N_EMPTY_GROUP);
		return PS_OK;
	}
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
	enum ps_status st = ps_twobytwo_check(t);
	if (st != PS_OK)
		return st;
	if (!conf_ok(conf_level))
		return PS_EUSAGE;
	if (t->n1 == 0 || t->n0 == 0) {
		interval_nan(out, M_KATZ, N_EMPTY_GROUP);
		return PS_OK;
	}
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
	enum ps_status st = ps_twobytwo_check(t);
	if (st != PS_OK)
		return st;
	if (!conf_ok(conf_level))
		return PS_EUSAGE;
	if (t->n1 == 0 || t->n0 == 0) {
		interval_nan(out, M_WOOLF, N_EMPTY_GROUP);
		return PS_OK;
	}
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
