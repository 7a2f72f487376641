/*
 * peerstat compare --value COL [--value COL ...] [options] [FILE]
 *
 * Two-group comparison of one or more outcome columns over a table with one row per
 * participant, treatment versus control: descriptives, Welch and Student t, Mann-Whitney,
 * Cohen's d and Hedges' g; with --paired-with, change from a baseline column within each
 * group and the difference in change between groups; with --adjust-for, ANCOVA; for a 0/1
 * outcome, proportions with Wilson limits, chi-square, Fisher's exact test and risk
 * difference, risk ratio and odds ratio. Every figure follows R (docs/methods.md).
 *
 * The values are kept (ranks and exact quantiles need every one): memory grows with
 * participants times outcome columns, never with anything else.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "peerstat/ancova.h"
#include "peerstat/describe.h"
#include "peerstat/effectsize.h"
#include "peerstat/padjust.h"
#include "peerstat/ranktest.h"
#include "peerstat/ttest.h"
#include "peerstat/twobytwo.h"

const char cmd_compare_usage[] =
	"usage: peerstat compare --value COL [--value COL ...] [options] [FILE]\n"
	"\n"
	"Compare an outcome between two groups (one row per participant), treatment versus\n"
	"control, as R's stats package does: descriptives, Welch and Student t, Mann-Whitney,\n"
	"Cohen's d and Hedges' g; for 0/1 outcomes, proportions, chi-square, Fisher's exact test,\n"
	"risk difference, risk ratio and odds ratio.\n"
	"\n"
	"  --value COL          the outcome column (repeat for several outcomes)\n"
	"  --paired-with COL    baseline column: change = value - baseline within participant,\n"
	"                       paired t and Wilcoxon signed-rank per group, and the difference\n"
	"                       in change between groups\n"
	"  --adjust-for C1,...  ANCOVA: value ~ covariates + group by least squares\n"
	"  --binary             treat the values as yes/no outcomes (0/1 values are binary anyway)\n"
	"  --continuous         treat 0/1 values as numbers, not as a binary outcome\n"
	"  --p-adjust holm|bh   with several --value columns, adjust each test's p-values across\n"
	"                       them (Holm or Benjamini-Hochberg)\n"
	"  --group COL          group column (default cohort)\n"
	"  --treatment LABEL    treatment group (default peer)\n"
	"  --control LABEL      control group (default therapy_only)\n"
	"  --ignore-other-groups  leave out rows of other groups (default: an error)\n"
	"  --conf LEVEL         confidence level (default 0.95)\n";

enum {
	OPT_VALUE = 1, OPT_PAIRED, OPT_ADJUST, OPT_BINARY, OPT_CONTINUOUS, OPT_P_ADJUST, OPT_GROUP, OPT_TREATMENT,
	OPT_CONTROL, OPT_IGNORE_OTHER, OPT_CONF
};

/* The tests whose p-values --p-adjust adjusts, each family across the outcome columns. */
enum test_id {
	T_WELCH, T_STUDENT, T_MANN_WHITNEY, T_ANCOVA, T_CHANGE_WELCH, T_CHANGE_MANN_WHITNEY, T_CHI, T_CHI_YATES, T_FISHER,
	NTESTS
};

/* A growing array of doubles. */
struct vec {
	double *v;
	size_t n, cap;
};

static int vec_push(struct vec *a, double x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		double *v = realloc(a->v, cap * sizeof(*v));
		if (!v)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

static void vec_release(struct vec *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* Everything kept for one outcome column. */
struct outcome {
	const char *name;
	long index;
	struct vec values[2];         /* non-missing values per group */
	unsigned long missing[2];
	int saw_words;                /* yes/no tokens: binary whatever the numbers */
	int not_01;                   /* a value other than 0 or 1: cannot be binary */
	/* --paired-with */
	struct vec base[2], follow[2], change[2];
	unsigned long pair_missing[2];
	/* --adjust-for: complete cases of value and every covariate */
	struct vec y, g;
	struct vec *cov;              /* [ncov] */
	/* results kept for --p-adjust */
	double p[NTESTS];
	cJSON *test_obj[NTESTS];
};

struct compare {
	struct ps_common *common;
	struct ps_groups groups;
	struct outcome *outcomes;
	size_t noutcomes;
	const char *paired_with;
	long paired_index;
	char **adjust;
	size_t nadjust;
	long *adjust_index;
	int force_binary, force_continuous;
	struct ps_cell_options cells;
	const char *display;
	struct ps_rejects rejects;
	long group_index;
	double *covrow;
};

static enum ps_status on_header(void *ctx, size_t ncolumns, const char *const *names, struct ps_error *err)
{
	struct compare *c = ctx;
	enum ps_status st = ps_check_identifiers(c->common, names, ncolumns, err);
	if (st != PS_OK)
		return st;
	struct ps_field_spec spec = { "group", c->groups.column, "--group", PS_TYPE_LABEL, 1, 0, 1, 0 };
	if ((st = ps_schema_resolve(names, ncolumns, &spec, 1, &c->group_index, err)) != PS_OK)
		return st;
	for (size_t k = 0; k < c->noutcomes; k++) {
		spec = (struct ps_field_spec){ "outcome", c->outcomes[k].name, "--value", PS_TYPE_NUMBER, 1, 0, 1, 0 };
		if ((st = ps_schema_resolve(names, ncolumns, &spec, 1, &c->outcomes[k].index, err)) != PS_OK)
			return st;
	}
	if (c->paired_with) {
		spec = (struct ps_field_spec){ "baseline", c->paired_with, "--paired-with", PS_TYPE_NUMBER, 1, 0, 1, 0 };
		if ((st = ps_schema_resolve(names, ncolumns, &spec, 1, &c->paired_index, err)) != PS_OK)
			return st;
	}
	for (size_t j = 0; j < c->nadjust; j++) {
		spec = (struct ps_field_spec){ "covariate", c->adjust[j], "--adjust-for", PS_TYPE_NUMBER, 1, 0, 1, 0 };
		if ((st = ps_schema_resolve(names, ncolumns, &spec, 1, &c->adjust_index[j], err)) != PS_OK)
			return st;
	}
	return PS_OK;
}

/*
 * An outcome cell: a number, or a yes/no word (then the outcome is binary). *missing is set
 * for a missing-value token. Returns PS_EDATA with err filled for anything else.
 */
static enum ps_status parse_outcome(struct compare *c, struct outcome *o, const char *s, size_t len, double *x,
				    int *missing, struct ps_error *err)
{
	const char *why = NULL;
	int b;
	*missing = 0;
	if (ps_na_set_has(c->cells.na, s, len)) {
		*missing = 1;
		return PS_OK;
	}
	if (!c->force_binary && ps_parse_double(s, len, x, &why)) {
		if (*x != 0 && *x != 1)
			o->not_01 = 1;
		return PS_OK;
	}
	if (!c->force_continuous && ps_parse_bool(s, len, &b, NULL)) {
		*x = b;
		o->saw_words |= !(len == 1 && (s[0] == '0' || s[0] == '1'));
		return PS_OK;
	}
	err->column = (unsigned long)o->index + 1;
	ps_error_copy(err->column_name, sizeof(err->column_name), o->name, strlen(o->name));
	ps_error_copy(err->value, sizeof(err->value), s, len);
	snprintf(err->expected, sizeof(err->expected), "%s",
		 c->force_binary ? "yes/no, 1/0, true/false, y/n or present/absent" :
		 c->force_continuous ? "a number" : "a number, or yes/no for a binary outcome");
	return ps_error_set(err, PS_EDATA, "%s", c->force_binary ? "not a yes/no value" : why ? why : "not a number");
}

static enum ps_status parse_number(struct compare *c, long index, const char *name, const char *flag,
				   const struct ps_row *row, double *x, int *missing, struct ps_error *err)
{
	struct ps_field_spec spec = { "number", name, flag, PS_TYPE_NUMBER, 1, 0, 1, 0 };
	struct ps_value v;
	enum ps_status st = ps_cell_parse(&spec, &c->cells, row->fields[index], row->lens[index], (size_t)index, &v, err);
	*x = v.d;
	*missing = v.missing;
	return st;
}

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	struct compare *c = ctx;
	enum ps_status st;
	int g = ps_groups_classify(&c->groups, c->cells.na, row->fields[c->group_index], row->lens[c->group_index], &st, err);
	if (st != PS_OK) {
		err->column = (unsigned long)c->group_index + 1;
		return ps_reject_row(&c->rejects, err, c->display, row->line);
	}
	if (g == PS_GROUP_NONE)
		return PS_OK;

	/* parse the whole row first, so that a bad cell rejects it before anything is kept */
	double base = 0;
	int base_missing = 1, cov_missing = 0;
	if (c->paired_with &&
	    parse_number(c, c->paired_index, c->paired_with, "--paired-with", row, &base, &base_missing, err) != PS_OK)
		return ps_reject_row(&c->rejects, err, c->display, row->line);
	for (size_t j = 0; j < c->nadjust; j++) {
		int m;
		if (parse_number(c, c->adjust_index[j], c->adjust[j], "--adjust-for", row, &c->covrow[j], &m, err) != PS_OK)
			return ps_reject_row(&c->rejects, err, c->display, row->line);
		cov_missing |= m;
	}
	double x[64];
	int missing[64];
	double *xs = c->noutcomes <= 64 ? x : malloc(c->noutcomes * sizeof(double));
	int *ms = c->noutcomes <= 64 ? missing : malloc(c->noutcomes * sizeof(int));
	if (!xs || !ms) {
		if (xs != x)
			free(xs);
		if (ms != missing)
			free(ms);
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	st = PS_OK;
	for (size_t k = 0; k < c->noutcomes && st == PS_OK; k++) {
		struct outcome *o = &c->outcomes[k];
		st = parse_outcome(c, o, row->fields[o->index], row->lens[o->index], &xs[k], &ms[k], err);
	}
	if (st != PS_OK) {
		st = ps_reject_row(&c->rejects, err, c->display, row->line);
		goto out;
	}
	for (size_t k = 0; k < c->noutcomes; k++) {
		struct outcome *o = &c->outcomes[k];
		int oom = 0;
		if (ms[k]) {
			o->missing[g]++;
		} else {
			oom |= vec_push(&o->values[g], xs[k]);
		}
		if (c->paired_with) {
			if (ms[k] || base_missing) {
				o->pair_missing[g]++;
			} else {
				oom |= vec_push(&o->base[g], base) | vec_push(&o->follow[g], xs[k]) |
				       vec_push(&o->change[g], xs[k] - base);
			}
		}
		if (c->nadjust && !ms[k] && !cov_missing) {
			oom |= vec_push(&o->y, xs[k]) | vec_push(&o->g, g == PS_GROUP_TREATMENT);
			for (size_t j = 0; j < c->nadjust; j++)
				oom |= vec_push(&o->cov[j], c->covrow[j]);
		}
		if (oom) {
			st = ps_error_set(err, PS_ENOMEM, "out of memory");
			goto out;
		}
	}
out:
	if (xs != x)
		free(xs);
	if (ms != missing)
		free(ms);
	return st;
}

/* ---- JSON pieces ---------------------------------------------------------------------- */

static void add_ttest(struct ps_doc *doc, cJSON *tests, const char *key, const char *method,
		      const struct ps_ttest_result *t, struct outcome *o, enum test_id id)
{
	cJSON *obj = ps_json_object(doc, tests, key);
	ps_json_string(doc, obj, "method", method);
	ps_json_number(doc, obj, "statistic", t->statistic, t->note);
	ps_json_number(doc, obj, "df", t->df, t->note);
	ps_json_number(doc, obj, "p_value", t->p_value, t->note);
	ps_json_number(doc, obj, "estimate", t->estimate, t->note);
	ps_json_number(doc, obj, "std_err", t->stderr_, t->note);
	ps_json_number(doc, obj, "ci_lower", t->conf_low, t->note);
	ps_json_number(doc, obj, "ci_upper", t->conf_high, t->note);
	ps_json_number(doc, obj, "conf_level", t->conf_level, NULL);
	if (o) {
		o->p[id] = t->p_value;
		o->test_obj[id] = obj;
	}
}

static void add_rank(struct ps_doc *doc, cJSON *tests, const char *key, const struct ps_rank_result *r,
		     struct outcome *o, enum test_id id)
{
	cJSON *obj = ps_json_object(doc, tests, key);
	ps_json_string(doc, obj, "method", r->method);
	ps_json_number(doc, obj, "statistic", r->statistic, r->note);
	ps_json_number(doc, obj, "p_value", r->p_value, r->note);
	ps_json_bool(doc, obj, "exact", r->exact);
	ps_json_number(doc, obj, "z", r->z, r->exact ? "exact test: no normal approximation" : r->note);
	ps_json_number(doc, obj, "estimate", r->estimate, r->note);
	ps_json_number(doc, obj, "ci_lower", r->conf_low, r->note);
	ps_json_number(doc, obj, "ci_upper", r->conf_high, r->note);
	ps_json_number(doc, obj, "conf_level", r->conf_level, NULL);
	ps_json_string(doc, obj, "estimate_method", "Hodges-Lehmann (R: wilcox.test, conf.int = TRUE)");
	if (o) {
		o->p[id] = r->p_value;
		o->test_obj[id] = obj;
	}
}

static void add_effect(struct ps_doc *doc, cJSON *effects, const char *key, const char *method,
		       const struct ps_effect_size *e)
{
	cJSON *obj = ps_json_object(doc, effects, key);
	ps_json_string(doc, obj, "method", method);
	ps_json_number(doc, obj, "estimate", e->estimate, e->note);
	ps_json_number(doc, obj, "ci_lower", e->conf_low, e->note);
	ps_json_number(doc, obj, "ci_upper", e->conf_high, e->note);
	ps_json_number(doc, obj, "conf_level", e->conf_level, NULL);
}

static void add_describe(struct ps_doc *doc, cJSON *obj, const struct ps_describe_result *d)
{
	ps_json_number(doc, obj, "mean", d->mean, d->note);
	ps_json_number(doc, obj, "sd", d->sd, d->note);
	ps_json_number(doc, obj, "se", d->se, d->note);
	ps_json_number(doc, obj, "median", d->median, d->note);
	ps_json_number(doc, obj, "q1", d->q1, d->note);
	ps_json_number(doc, obj, "q3", d->q3, d->note);
	ps_json_number(doc, obj, "min", d->min, d->note);
	ps_json_number(doc, obj, "max", d->max, d->note);
}

static const char welch_method[] = "Welch two-sample t test, treatment minus control (R: t.test)";
static const char student_method[] = "Student two-sample t test, pooled variance (R: t.test, var.equal = TRUE)";
static const char d_method[] = "Cohen's d, pooled SD, noncentral t interval (R: effectsize::cohens_d)";
static const char g_method[] = "Hedges' g, exact small-sample correction, noncentral t interval (R: effectsize::hedges_g)";

/* Welch, Student, Mann-Whitney and the two effect sizes of x (treatment) against y (control). */
static enum ps_status two_sample(struct ps_doc *doc, cJSON *tests, cJSON *effects, const struct vec *x, const struct vec *y,
				 double conf, struct outcome *o, enum test_id welch_id, enum test_id mw_id, int student)
{
	struct ps_ttest_result t;
	enum ps_status st = ps_ttest_two_sample(x->v, x->n, y->v, y->n, 0, conf, &t);
	if (st != PS_OK)
		return st;
	add_ttest(doc, tests, "welch_t", welch_method, &t, o, welch_id);
	if (student) {
		if ((st = ps_ttest_two_sample(x->v, x->n, y->v, y->n, 1, conf, &t)) != PS_OK)
			return st;
		add_ttest(doc, tests, "student_t", student_method, &t, o, T_STUDENT);
	}
	struct ps_rank_options ropt = { PS_RANK_TWO_SIDED, 1, conf };
	struct ps_rank_result r;
	if ((st = ps_rank_sum_test(x->v, x->n, y->v, y->n, &ropt, &r)) != PS_OK)
		return st;
	add_rank(doc, tests, "mann_whitney", &r, o, mw_id);
	struct ps_effect_size e;
	if (student) {
		if ((st = ps_cohens_d(x->v, x->n, y->v, y->n, conf, &e)) != PS_OK)
			return st;
		add_effect(doc, effects, "cohens_d", d_method, &e);
	}
	if ((st = ps_hedges_g(x->v, x->n, y->v, y->n, conf, &e)) != PS_OK)
		return st;
	add_effect(doc, effects, "hedges_g", g_method, &e);
	return PS_OK;
}

static enum ps_status add_continuous(struct ps_doc *doc, cJSON *parent, const char *where, struct compare *c,
				     struct outcome *o, double conf)
{
	enum ps_status st;
	cJSON *groups = ps_json_object(doc, parent, "groups");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%sgroups.%s", where, c->groups.label[g]);
		cJSON *obj = ps_json_object(doc, groups, c->groups.label[g]);
		struct ps_describe_result d;
		if ((st = ps_describe_array(o->values[g].v, o->values[g].n, &d)) != PS_OK)
			return st;
		ps_json_int(doc, obj, "n", (int64_t)o->values[g].n);
		ps_json_int(doc, obj, "missing", (int64_t)o->missing[g]);
		add_describe(doc, obj, &d);
	}
	ps_doc_where(doc, "%stests", where);
	cJSON *tests = ps_json_object(doc, parent, "tests");
	cJSON *effects = ps_json_object(doc, parent, "effects");
	return two_sample(doc, tests, effects, &o->values[PS_GROUP_TREATMENT], &o->values[PS_GROUP_CONTROL], conf, o,
			  T_WELCH, T_MANN_WHITNEY, 1);
}

static enum ps_status add_paired(struct ps_doc *doc, cJSON *parent, const char *where, struct compare *c, struct outcome *o,
				 double conf)
{
	enum ps_status st;
	cJSON *paired = ps_json_object(doc, parent, "paired");
	ps_json_string(doc, paired, "baseline", c->paired_with);
	ps_json_string(doc, paired, "change", "value minus baseline, within participant");
	cJSON *groups = ps_json_object(doc, paired, "groups");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%spaired.groups.%s", where, c->groups.label[g]);
		cJSON *obj = ps_json_object(doc, groups, c->groups.label[g]);
		struct ps_describe_result b, f, d;
		if ((st = ps_describe_array(o->base[g].v, o->base[g].n, &b)) != PS_OK ||
		    (st = ps_describe_array(o->follow[g].v, o->follow[g].n, &f)) != PS_OK ||
		    (st = ps_describe_array(o->change[g].v, o->change[g].n, &d)) != PS_OK)
			return st;
		ps_json_int(doc, obj, "n_pairs", (int64_t)o->change[g].n);
		ps_json_int(doc, obj, "missing", (int64_t)o->pair_missing[g]);
		ps_json_number(doc, obj, "baseline_mean", b.mean, b.note);
		ps_json_number(doc, obj, "baseline_sd", b.sd, b.note);
		ps_json_number(doc, obj, "followup_mean", f.mean, f.note);
		ps_json_number(doc, obj, "followup_sd", f.sd, f.note);
		ps_json_number(doc, obj, "change_mean", d.mean, d.note);
		ps_json_number(doc, obj, "change_sd", d.sd, d.note);
		ps_json_number(doc, obj, "change_median", d.median, d.note);
		struct ps_ttest_result t;
		if ((st = ps_ttest_one_sample(o->change[g].v, o->change[g].n, 0, conf, &t)) != PS_OK)
			return st;
		add_ttest(doc, obj, "paired_t", "paired t test on the changes: mean change with its interval (R: t.test(paired = TRUE))",
			  &t, NULL, T_WELCH);
		struct ps_rank_options ropt = { PS_RANK_TWO_SIDED, 1, conf };
		struct ps_rank_result r;
		if ((st = ps_signed_rank_test(o->change[g].v, o->change[g].n, &ropt, &r)) != PS_OK)
			return st;
		add_rank(doc, obj, "wilcoxon_signed_rank", &r, NULL, T_WELCH);
		struct ps_effect_size e;
		if ((st = ps_cohens_dz(o->change[g].v, o->change[g].n, conf, &e)) != PS_OK)
			return st;
		add_effect(doc, obj, "cohens_dz",
			   "mean change / SD of change, noncentral t interval (R: effectsize::cohens_d(paired = TRUE))", &e);
	}
	ps_doc_where(doc, "%spaired.difference", where);
	cJSON *diff = ps_json_object(doc, paired, "difference");
	ps_json_string(doc, diff, "compares", "change in treatment minus change in control");
	return two_sample(doc, diff, diff, &o->change[PS_GROUP_TREATMENT], &o->change[PS_GROUP_CONTROL], conf, o,
			  T_CHANGE_WELCH, T_CHANGE_MANN_WHITNEY, 0);
}

static void add_ancova_term(struct ps_doc *doc, cJSON *obj, const struct ps_ancova_term *t, const char *note)
{
	const char *why = t->aliased ? "term is linearly dependent on earlier terms: not estimable (R prints NA)" : note;
	ps_json_number(doc, obj, "estimate", t->estimate, why);
	ps_json_number(doc, obj, "std_err", t->std_error, why);
	ps_json_number(doc, obj, "statistic", t->statistic, why);
	ps_json_number(doc, obj, "p_value", t->p_value, why);
	ps_json_number(doc, obj, "ci_lower", t->conf_low, why);
	ps_json_number(doc, obj, "ci_upper", t->conf_high, why);
}

static enum ps_status add_ancova(struct ps_doc *doc, cJSON *parent, const char *where, struct compare *c, struct outcome *o,
				 double conf)
{
	const double **covs = malloc(c->nadjust * sizeof(*covs));
	if (!covs)
		return PS_ENOMEM;
	for (size_t j = 0; j < c->nadjust; j++)
		covs[j] = o->cov[j].v;
	struct ps_ancova_result a;
	memset(&a, 0, sizeof(a));
	enum ps_status st = ps_ancova_fit(o->y.v, o->g.v, covs, c->nadjust, o->y.n, conf, &a);
	free(covs);
	if (st != PS_OK)
		return st;
	ps_doc_where(doc, "%sancova", where);
	cJSON *obj = ps_json_object(doc, parent, "ancova");
	ps_json_string(doc, obj, "method",
		       "least squares: value ~ covariates + group, group = 1 for treatment (R: lm, summary.lm, confint)");
	const struct ps_ancova_term *group = &a.terms[a.n_terms - 1];
	add_ancova_term(doc, obj, group, a.note);
	ps_json_number(doc, obj, "df", a.df_residual, a.note);
	ps_json_number(doc, obj, "conf_level", conf, NULL);
	ps_json_int(doc, obj, "n", (int64_t)a.n);
	ps_json_number(doc, obj, "r_squared", a.r_squared, a.note);
	ps_json_number(doc, obj, "sigma", a.sigma, a.note);
	ps_json_string(doc, obj, "note", a.note);
	o->p[T_ANCOVA] = group->p_value;
	o->test_obj[T_ANCOVA] = obj;
	cJSON *means = ps_json_object(doc, obj, "adjusted_means");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%sancova.adjusted_means.%s", where, c->groups.label[g]);
		cJSON *m = ps_json_object(doc, means, c->groups.label[g]);
		ps_json_number(doc, m, "estimate", a.adjusted_mean[g], a.note);
		ps_json_number(doc, m, "std_err", a.adjusted_mean_se[g], a.note);
		ps_json_number(doc, m, "ci_lower", a.adjusted_mean_low[g], a.note);
		ps_json_number(doc, m, "ci_upper", a.adjusted_mean_high[g], a.note);
	}
	cJSON *terms = ps_json_array(doc, obj, "terms");
	for (size_t i = 0; i < a.n_terms; i++) {
		ps_doc_where(doc, "%sancova.terms.%zu", where, i);
		cJSON *t = ps_json_object(doc, terms, NULL);
		ps_json_string(doc, t, "term", i == 0 ? "(intercept)" : i == a.n_terms - 1 ? "group" : c->adjust[i - 1]);
		ps_json_bool(doc, t, "aliased", a.terms[i].aliased);
		add_ancova_term(doc, t, &a.terms[i], a.note);
	}
	ps_ancova_result_release(&a);
	return PS_OK;
}

static void add_interval(struct ps_doc *doc, cJSON *parent, const char *key, const struct ps_interval *i, double conf)
{
	cJSON *obj = ps_json_object(doc, parent, key);
	ps_json_string(doc, obj, "method", i->method);
	ps_json_number(doc, obj, "estimate", i->estimate, i->note);
	ps_json_number(doc, obj, "ci_lower", i->lower, i->note);
	ps_json_number(doc, obj, "ci_upper", i->upper, i->note);
	ps_json_number(doc, obj, "conf_level", conf, NULL);
}

static void add_chisq(struct ps_doc *doc, cJSON *tests, const char *key, const struct ps_chisq_test *t, struct outcome *o,
		      enum test_id id)
{
	cJSON *obj = ps_json_object(doc, tests, key);
	ps_json_string(doc, obj, "method", t->method);
	ps_json_number(doc, obj, "statistic", t->statistic, t->note);
	ps_json_number(doc, obj, "df", t->df, t->note);
	ps_json_number(doc, obj, "p_value", t->p, t->note);
	ps_json_number(doc, obj, "correction", t->correction, NULL);
	ps_json_string(doc, obj, "note", t->note);
	o->p[id] = t->p;
	o->test_obj[id] = obj;
}

static enum ps_status add_binary(struct ps_doc *doc, cJSON *parent, const char *where, struct compare *c, struct outcome *o,
				 double conf)
{
	struct ps_twobytwo table;
	ps_twobytwo_init(&table);
	for (int g = 0; g < 2; g++)
		for (size_t i = 0; i < o->values[g].n; i++)
			ps_twobytwo_add(&table, g == PS_GROUP_TREATMENT, o->values[g].v[i] == 1);
	struct ps_twobytwo_result r;
	enum ps_status st = ps_twobytwo_compute(&table, conf, &r);
	if (st != PS_OK)
		return st;
	cJSON *groups = ps_json_object(doc, parent, "groups");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%sgroups.%s", where, c->groups.label[g]);
		const struct ps_interval *p = g == PS_GROUP_TREATMENT ? &r.treatment : &r.control;
		cJSON *obj = ps_json_object(doc, groups, c->groups.label[g]);
		ps_json_int(doc, obj, "n", (int64_t)o->values[g].n);
		ps_json_int(doc, obj, "missing", (int64_t)o->missing[g]);
		ps_json_int(doc, obj, "events", (int64_t)(g == PS_GROUP_TREATMENT ? table.a : table.c));
		ps_json_number(doc, obj, "proportion", p->estimate, p->note);
		ps_json_number(doc, obj, "ci_lower", p->lower, p->note);
		ps_json_number(doc, obj, "ci_upper", p->upper, p->note);
		ps_json_string(doc, obj, "ci_method", p->method);
	}
	ps_doc_where(doc, "%stests", where);
	cJSON *tests = ps_json_object(doc, parent, "tests");
	add_chisq(doc, tests, "chi_square", &r.pearson, o, T_CHI);
	add_chisq(doc, tests, "chi_square_yates", &r.yates, o, T_CHI_YATES);
	cJSON *f = ps_json_object(doc, tests, "fisher_exact");
	ps_doc_where(doc, "%stests.fisher_exact", where);
	ps_json_string(doc, f, "method", r.fisher.method);
	ps_json_number(doc, f, "p_value", r.fisher.p, r.fisher.note);
	ps_json_number(doc, f, "odds_ratio", r.fisher.estimate, r.fisher.note);
	ps_json_number(doc, f, "ci_lower", r.fisher.lower, r.fisher.note);
	ps_json_number(doc, f, "ci_upper", r.fisher.upper, r.fisher.note);
	ps_json_number(doc, f, "conf_level", conf, NULL);
	o->p[T_FISHER] = r.fisher.p;
	o->test_obj[T_FISHER] = f;
	cJSON *effects = ps_json_object(doc, parent, "effects");
	ps_doc_where(doc, "%seffects.risk_difference", where);
	add_interval(doc, effects, "risk_difference", &r.risk_difference, conf);
	ps_doc_where(doc, "%seffects.risk_ratio", where);
	add_interval(doc, effects, "risk_ratio", &r.risk_ratio, conf);
	ps_doc_where(doc, "%seffects.odds_ratio", where);
	add_interval(doc, effects, "odds_ratio", &r.odds_ratio, conf);
	return PS_OK;
}

static int is_binary(const struct compare *c, const struct outcome *o)
{
	if (c->force_continuous)
		return 0;
	return c->force_binary || o->saw_words || (!o->not_01 && (o->values[0].n + o->values[1].n) > 0);
}

static enum ps_status analyse(struct compare *c, struct ps_doc *doc, double conf, int p_adjust,
			      enum ps_padjust_method method, struct ps_reader *reader, struct ps_error *err)
{
	enum ps_status st = PS_OK;
	cJSON *input = ps_json_object(doc, doc->root, "input");
	ps_json_string(doc, input, "file", c->display);
	ps_json_int(doc, input, "rows", (int64_t)(ps_reader_rows(reader) - c->rejects.rejected_rows));
	ps_groups_json(doc, input, &c->groups);
	ps_json_add_rejects(doc, input, &c->rejects);

	cJSON *options = ps_json_object(doc, doc->root, "options");
	cJSON *values = ps_json_array(doc, options, "values");
	for (size_t k = 0; k < c->noutcomes; k++)
		ps_json_string(doc, values, NULL, c->outcomes[k].name);
	ps_json_string(doc, options, "group", c->groups.column);
	ps_json_string(doc, options, "treatment", c->groups.label[PS_GROUP_TREATMENT]);
	ps_json_string(doc, options, "control", c->groups.label[PS_GROUP_CONTROL]);
	ps_json_string(doc, options, "paired_with", c->paired_with);
	cJSON *adjust = ps_json_array(doc, options, "adjust_for");
	for (size_t j = 0; j < c->nadjust; j++)
		ps_json_string(doc, adjust, NULL, c->adjust[j]);
	ps_json_number(doc, options, "conf_level", conf, NULL);
	ps_json_string(doc, options, "p_adjust", p_adjust ? ps_padjust_name(method) : NULL);

	/* one outcome: its blocks at the top level; several: under values.<column> */
	cJSON *by_value = c->noutcomes > 1 ? ps_json_object(doc, doc->root, "values") : NULL;
	for (size_t k = 0; k < c->noutcomes && st == PS_OK; k++) {
		struct outcome *o = &c->outcomes[k];
		for (int i = 0; i < NTESTS; i++)
			o->p[i] = NAN;
		char where[160];
		snprintf(where, sizeof(where), "%s%s", by_value ? "values." : "", by_value ? o->name : "");
		if (by_value)
			strncat(where, ".", sizeof(where) - strlen(where) - 1);
		cJSON *parent = by_value ? ps_json_object(doc, by_value, o->name) : doc->root;
		int binary = is_binary(c, o);
		ps_json_string(doc, parent, "kind", binary ? "binary" : "continuous");
		if (binary && o->not_01) {
			err->column = (unsigned long)o->index + 1;
			ps_error_copy(err->column_name, sizeof(err->column_name), o->name, strlen(o->name));
			ps_error_copy(err->file, sizeof(err->file), c->display, strlen(c->display));
			return ps_error_set(err, PS_EDATA, "a binary outcome has values other than 0 and 1 (yes/no words with numbers)");
		}
		st = binary ? add_binary(doc, parent, where, c, o, conf) : add_continuous(doc, parent, where, c, o, conf);
		if (st == PS_OK && c->paired_with && !binary)
			st = add_paired(doc, parent, where, c, o, conf);
		if (st == PS_OK && c->nadjust)
			st = add_ancova(doc, parent, where, c, o, conf);
	}
	if (st != PS_OK || !p_adjust)
		return st;
	/* each test's p-values are one family across the outcome columns */
	double *p = malloc(c->noutcomes * sizeof(*p)), *adjusted = malloc(c->noutcomes * sizeof(*adjusted));
	if (!p || !adjusted) {
		free(p);
		free(adjusted);
		return PS_ENOMEM;
	}
	for (int t = 0; t < NTESTS && st == PS_OK; t++) {
		for (size_t k = 0; k < c->noutcomes; k++)
			p[k] = c->outcomes[k].test_obj[t] ? c->outcomes[k].p[t] : NAN;
		if ((st = ps_padjust(p, c->noutcomes, method, adjusted)) != PS_OK)
			break;
		for (size_t k = 0; k < c->noutcomes; k++)
			if (c->outcomes[k].test_obj[t]) {
				ps_doc_where(doc, "values.%s", c->outcomes[k].name);
				ps_json_number(doc, c->outcomes[k].test_obj[t], "p_value_adjusted", adjusted[k],
					       "no p-value to adjust");
			}
	}
	free(p);
	free(adjusted);
	return st;
}

enum ps_status cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "value", required_argument, NULL, OPT_VALUE },
		{ "paired-with", required_argument, NULL, OPT_PAIRED },
		{ "adjust-for", required_argument, NULL, OPT_ADJUST },
		{ "binary", no_argument, NULL, OPT_BINARY },
		{ "continuous", no_argument, NULL, OPT_CONTINUOUS },
		{ "p-adjust", required_argument, NULL, OPT_P_ADJUST },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "treatment", required_argument, NULL, OPT_TREATMENT },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "ignore-other-groups", no_argument, NULL, OPT_IGNORE_OTHER },
		{ "conf", required_argument, NULL, OPT_CONF },
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct compare c;
	struct ps_doc doc = { 0 };
	struct ps_reader *reader = NULL;
	FILE *fp = NULL;
	char *adjust_storage = NULL;
	struct ps_error err;
	enum ps_status st = PS_OK;
	double conf = 0.95;
	int p_adjust = 0;
	enum ps_padjust_method method = PS_PADJUST_HOLM;

	memset(&c, 0, sizeof(c));
	ps_error_clear(&err);
	if (ps_common_init(&common, "compare", cmd_compare_usage) != PS_OK)
		return PS_ENOMEM;
	ps_groups_init(&c.groups);
	c.outcomes = calloc((size_t)argc + 1, sizeof(*c.outcomes)); /* at most one per argument */
	if (!c.outcomes) {
		ps_common_release(&common);
		return PS_ENOMEM;
	}
	optind = 0;
	opterr = 0;
	int opt;
	while (st == PS_OK && (opt = getopt_long(argc, argv, "+" PS_COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_VALUE:
			for (size_t k = 0; k < c.noutcomes; k++)
				if (strcmp(c.outcomes[k].name, optarg) == 0)
					st = ps_usage_error(&common, "--value %s is given twice", optarg);
			c.outcomes[c.noutcomes++].name = optarg;
			break;
		case OPT_PAIRED: c.paired_with = optarg; break;
		case OPT_ADJUST: {
			long n = ps_split_names(&common, "--adjust-for", optarg, &c.adjust, &adjust_storage);
			if (n < 0)
				st = PS_EUSAGE;
			else
				c.nadjust = (size_t)n;
			break;
		}
		case OPT_BINARY: c.force_binary = 1; break;
		case OPT_CONTINUOUS: c.force_continuous = 1; break;
		case OPT_P_ADJUST:
			p_adjust = 1;
			if (strcmp(optarg, "holm") == 0)
				method = PS_PADJUST_HOLM;
			else if (strcmp(optarg, "bh") == 0)
				method = PS_PADJUST_BH;
			else
				st = ps_usage_error(&common, "--p-adjust takes holm or bh, not '%s'", optarg);
			break;
		case OPT_GROUP: c.groups.column = optarg; break;
		case OPT_TREATMENT: c.groups.label[PS_GROUP_TREATMENT] = optarg; break;
		case OPT_CONTROL: c.groups.label[PS_GROUP_CONTROL] = optarg; break;
		case OPT_IGNORE_OTHER: c.groups.ignore_other = 1; break;
		case OPT_CONF: st = ps_parse_conf(&common, optarg, &conf); break;
		case '?':
			st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]);
			break;
		default:
			st = ps_common_option(&common, opt, opt == ':' ? argv[optind - 1] : optarg);
		}
	}
	if (st != PS_OK)
		goto done;
	if (common.help) {
		ps_print_usage(&common);
		goto done;
	}
	if (c.noutcomes == 0) {
		st = ps_usage_error(&common, "--value is required");
		goto done;
	}
	if (c.force_binary && c.force_continuous) {
		st = ps_usage_error(&common, "--binary and --continuous exclude each other");
		goto done;
	}
	if (p_adjust && c.noutcomes < 2) {
		st = ps_usage_error(&common, "--p-adjust needs several --value columns");
		goto done;
	}
	if (c.paired_with && c.force_binary) {
		st = ps_usage_error(&common, "--paired-with compares changes of a continuous outcome, not --binary ones");
		goto done;
	}
	if (strcmp(c.groups.label[0], c.groups.label[1]) == 0) {
		st = ps_usage_error(&common, "--treatment and --control must differ");
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "compare reads one file (or standard input), not %d", argc - optind);
		goto done;
	}
	ps_rejects_init(&c.rejects, common.policy);
	c.common = &common;
	c.cells = ps_common_cell_options(&common);
	c.adjust_index = calloc(c.nadjust + 1, sizeof(*c.adjust_index));
	c.covrow = calloc(c.nadjust + 1, sizeof(*c.covrow));
	if (!c.adjust_index || !c.covrow) {
		st = PS_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < c.noutcomes; k++)
		if (c.nadjust && !(c.outcomes[k].cov = calloc(c.nadjust, sizeof(struct vec)))) {
			st = PS_ENOMEM;
			goto done;
		}

	if ((st = ps_open_input(optind < argc ? argv[optind] : NULL, &fp, &c.display, &err)) != PS_OK) {
		ps_report_error(&common, &err);
		goto done;
	}
	struct ps_reader_options ropt = ps_common_reader_options(&common, c.display);
	if (!(reader = ps_reader_new(&ropt, on_row, &c, &c.rejects))) {
		st = PS_ENOMEM;
		goto done;
	}
	ps_reader_on_header(reader, on_header);
	if ((st = ps_reader_read_stream(reader, fp, &err)) != PS_OK) {
		ps_report_error(&common, &err);
		goto done;
	}
	if (ps_doc_init(&doc, "compare") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	if ((st = analyse(&c, &doc, conf, p_adjust, method, reader, &err)) != PS_OK) {
		if (err.message[0])
			ps_report_error(&common, &err);
		goto done;
	}
	st = ps_write_doc(&common, &doc);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: compare: out of memory\n");
	ps_doc_release(&doc);
	ps_reader_free(reader);
	if (fp && fp != stdin)
		fclose(fp);
	for (size_t k = 0; k < c.noutcomes; k++) {
		struct outcome *o = &c.outcomes[k];
		for (int g = 0; g < 2; g++) {
			vec_release(&o->values[g]);
			vec_release(&o->base[g]);
			vec_release(&o->follow[g]);
			vec_release(&o->change[g]);
		}
		vec_release(&o->y);
		vec_release(&o->g);
		for (size_t j = 0; o->cov && j < c.nadjust; j++)
			vec_release(&o->cov[j]);
		free(o->cov);
	}
	free(c.outcomes);
	free(c.adjust);
	free(adjust_storage);
	free(c.adjust_index);
	free(c.covrow);
	ps_common_release(&common);
	return st;
}
