/*
 * The two-group comparisons behind `peerstat compare` and the comparison blocks of the domain
 * commands (retention's sessions and checkpoints, isolation, sobriety): one place that runs the
 * tests and writes the documented "compare" contract (docs/json.md), so every command prints
 * the same keys with the same methods.
 */
#include "compare_engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/ancova.h"
#include "peerstat/describe.h"
#include "peerstat/effectsize.h"
#include "peerstat/ranktest.h"
#include "peerstat/ttest.h"

int ps_vec_push(struct ps_vec *a, double x)
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

void ps_vec_release(struct ps_vec *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}



static void add_ttest(struct ps_doc *doc, const char *base, cJSON *tests, const char *key, const char *method,
		      const struct ps_ttest_result *t, struct ps_cmp_outcome *o, enum ps_cmp_test id)
{
	ps_doc_where(doc, "%s%s", base, key);
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
		snprintf(o->test_path[id], sizeof(o->test_path[id]), "%s%s", base, key);
	}
}

static void add_rank(struct ps_doc *doc, const char *base, cJSON *tests, const char *key, const struct ps_rank_result *r,
		     struct ps_cmp_outcome *o, enum ps_cmp_test id)
{
	ps_doc_where(doc, "%s%s", base, key);
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
		snprintf(o->test_path[id], sizeof(o->test_path[id]), "%s%s", base, key);
	}
}

static void add_effect(struct ps_doc *doc, const char *base, cJSON *effects, const char *key, const char *method,
		       const struct ps_effect_size *e)
{
	ps_doc_where(doc, "%s%s", base, key);
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
static enum ps_status two_sample(struct ps_doc *doc, const char *tests_base, const char *effects_base, cJSON *tests, cJSON *effects, const struct ps_vec *x, const struct ps_vec *y,
				 double conf, struct ps_cmp_outcome *o, enum ps_cmp_test welch_id, enum ps_cmp_test mw_id, int student)
{
	struct ps_ttest_result t;
	enum ps_status st = ps_ttest_two_sample(x->v, x->n, y->v, y->n, 0, conf, &t);
	if (st != PS_OK)
		return st;
	add_ttest(doc, tests_base, tests, "welch_t", welch_method, &t, o, welch_id);
	if (student) {
		if ((st = ps_ttest_two_sample(x->v, x->n, y->v, y->n, 1, conf, &t)) != PS_OK)
			return st;
		add_ttest(doc, tests_base, tests, "student_t", student_method, &t, o, PS_CMP_STUDENT);
	}
	struct ps_rank_options ropt = { PS_RANK_TWO_SIDED, 1, conf };
	struct ps_rank_result r;
	if ((st = ps_rank_sum_test(x->v, x->n, y->v, y->n, &ropt, &r)) != PS_OK)
		return st;
	add_rank(doc, tests_base, tests, "mann_whitney", &r, o, mw_id);
	struct ps_effect_size e;
	if (student) {
		if ((st = ps_cohens_d(x->v, x->n, y->v, y->n, conf, &e)) != PS_OK)
			return st;
		add_effect(doc, effects_base, effects, "cohens_d", d_method, &e);
	}
	if ((st = ps_hedges_g(x->v, x->n, y->v, y->n, conf, &e)) != PS_OK)
		return st;
	add_effect(doc, effects_base, effects, "hedges_g", g_method, &e);
	return PS_OK;
}

enum ps_status ps_cmp_emit_continuous(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				     struct ps_cmp_outcome *o, double conf)
{
	enum ps_status st;
	cJSON *groups = ps_json_object(doc, parent, "groups");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%sgroups.%s", where, c->label[g]);
		cJSON *obj = ps_json_object(doc, groups, c->label[g]);
		struct ps_describe_result d;
		if ((st = ps_describe_array(o->values[g].v, o->values[g].n, &d)) != PS_OK)
			return st;
		ps_json_int(doc, obj, "n", (int64_t)o->values[g].n);
		ps_json_int(doc, obj, "missing", (int64_t)o->missing[g]);
		add_describe(doc, obj, &d);
	}
	char tests_base[192], effects_base[192];
	snprintf(tests_base, sizeof(tests_base), "%stests.", where);
	snprintf(effects_base, sizeof(effects_base), "%seffects.", where);
	cJSON *tests = ps_json_object(doc, parent, "tests");
	cJSON *effects = ps_json_object(doc, parent, "effects");
	return two_sample(doc, tests_base, effects_base, tests, effects, &o->values[PS_GROUP_TREATMENT], &o->values[PS_GROUP_CONTROL], conf, o,
			  PS_CMP_WELCH, PS_CMP_MANN_WHITNEY, 1);
}

enum ps_status ps_cmp_emit_paired(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c, struct ps_cmp_outcome *o,
				 double conf)
{
	enum ps_status st;
	cJSON *paired = ps_json_object(doc, parent, "paired");
	ps_json_string(doc, paired, "baseline", c->paired_with);
	ps_json_string(doc, paired, "change", "value minus baseline, within participant");
	cJSON *groups = ps_json_object(doc, paired, "groups");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		char base[192];
		snprintf(base, sizeof(base), "%spaired.groups.%s.", where, c->label[g]);
		ps_doc_where(doc, "%spaired.groups.%s", where, c->label[g]);
		cJSON *obj = ps_json_object(doc, groups, c->label[g]);
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
		add_ttest(doc, base, obj, "paired_t", "paired t test on the changes: mean change with its interval (R: t.test(paired = TRUE))",
			  &t, NULL, PS_CMP_WELCH);
		struct ps_rank_options ropt = { PS_RANK_TWO_SIDED, 1, conf };
		struct ps_rank_result r;
		if ((st = ps_signed_rank_test(o->change[g].v, o->change[g].n, &ropt, &r)) != PS_OK)
			return st;
		add_rank(doc, base, obj, "wilcoxon_signed_rank", &r, NULL, PS_CMP_WELCH);
		struct ps_effect_size e;
		if ((st = ps_cohens_dz(o->change[g].v, o->change[g].n, conf, &e)) != PS_OK)
			return st;
		add_effect(doc, base, obj, "cohens_dz",
			   "mean change / SD of change, noncentral t interval (R: effectsize::cohens_d(paired = TRUE))", &e);
	}
	char diff_base[192];
	snprintf(diff_base, sizeof(diff_base), "%spaired.difference.", where);
	cJSON *diff = ps_json_object(doc, paired, "difference");
	ps_json_string(doc, diff, "compares", "change in treatment minus change in control");
	return two_sample(doc, diff_base, diff_base, diff, diff, &o->change[PS_GROUP_TREATMENT], &o->change[PS_GROUP_CONTROL], conf, o,
			  PS_CMP_CHANGE_WELCH, PS_CMP_CHANGE_MANN_WHITNEY, 0);
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

enum ps_status ps_cmp_emit_ancova(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c, struct ps_cmp_outcome *o,
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
	o->p[PS_CMP_ANCOVA] = group->p_value;
	o->test_obj[PS_CMP_ANCOVA] = obj;
	cJSON *means = ps_json_object(doc, obj, "adjusted_means");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%sancova.adjusted_means.%s", where, c->label[g]);
		cJSON *m = ps_json_object(doc, means, c->label[g]);
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

static void add_interval(struct ps_doc *doc, const char *base, cJSON *parent, const char *key, const struct ps_interval *i, double conf)
{
	ps_doc_where(doc, "%s%s", base, key);
	cJSON *obj = ps_json_object(doc, parent, key);
	ps_json_string(doc, obj, "method", i->method);
	ps_json_number(doc, obj, "estimate", i->estimate, i->note);
	ps_json_number(doc, obj, "ci_lower", i->lower, i->note);
	ps_json_number(doc, obj, "ci_upper", i->upper, i->note);
	ps_json_number(doc, obj, "conf_level", conf, NULL);
}

static void add_chisq(struct ps_doc *doc, const char *base, cJSON *tests, const char *key, const struct ps_chisq_test *t, struct ps_cmp_outcome *o,
		      enum ps_cmp_test id)
{
	ps_doc_where(doc, "%s%s", base, key);
	cJSON *obj = ps_json_object(doc, tests, key);
	ps_json_string(doc, obj, "method", t->method);
	ps_json_number(doc, obj, "statistic", t->statistic, t->note);
	ps_json_number(doc, obj, "df", t->df, t->note);
	ps_json_number(doc, obj, "p_value", t->p, t->note);
	ps_json_number(doc, obj, "correction", t->correction, NULL);
	ps_json_string(doc, obj, "note", t->note);
	if (o) {
		o->p[id] = t->p;
		o->test_obj[id] = obj;
		snprintf(o->test_path[id], sizeof(o->test_path[id]), "%s%s", base, key);
	}
}

enum ps_status ps_cmp_emit_binary(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				  struct ps_cmp_outcome *o, double conf)
{
	struct ps_twobytwo table;
	ps_twobytwo_init(&table);
	for (int g = 0; g < 2; g++)
		for (size_t i = 0; i < o->values[g].n; i++)
			ps_twobytwo_add(&table, g == PS_GROUP_TREATMENT, o->values[g].v[i] == 1);
	return ps_cmp_emit_table(doc, parent, where, c, &table, o->missing, o, conf);
}

enum ps_status ps_cmp_emit_table(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				 const struct ps_twobytwo *counts, const unsigned long missing[2], struct ps_cmp_outcome *o,
				 double conf)
{
	struct ps_twobytwo table = *counts;
	struct ps_twobytwo_result r;
	enum ps_status st = ps_twobytwo_compute(&table, conf, &r);
	if (st != PS_OK)
		return st;
	cJSON *groups = ps_json_object(doc, parent, "groups");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%sgroups.%s", where, c->label[g]);
		const struct ps_interval *p = g == PS_GROUP_TREATMENT ? &r.treatment : &r.control;
		cJSON *obj = ps_json_object(doc, groups, c->label[g]);
		ps_json_int(doc, obj, "n", (int64_t)(g == PS_GROUP_TREATMENT ? table.n1 : table.n0));
		ps_json_int(doc, obj, "missing", (int64_t)missing[g]);
		ps_json_int(doc, obj, "events", (int64_t)(g == PS_GROUP_TREATMENT ? table.a : table.c));
		ps_json_number(doc, obj, "proportion", p->estimate, p->note);
		ps_json_number(doc, obj, "ci_lower", p->lower, p->note);
		ps_json_number(doc, obj, "ci_upper", p->upper, p->note);
		ps_json_string(doc, obj, "ci_method", p->method);
		ps_json_number(doc, obj, "conf_level", conf, NULL);
	}
	char tests_base[192], effects_base[192];
	snprintf(tests_base, sizeof(tests_base), "%stests.", where);
	snprintf(effects_base, sizeof(effects_base), "%seffects.", where);
	cJSON *tests = ps_json_object(doc, parent, "tests");
	add_chisq(doc, tests_base, tests, "chi_square", &r.pearson, o, PS_CMP_CHI);
	add_chisq(doc, tests_base, tests, "chi_square_yates", &r.yates, o, PS_CMP_CHI_YATES);
	cJSON *f = ps_json_object(doc, tests, "fisher_exact");
	ps_doc_where(doc, "%stests.fisher_exact", where);
	ps_json_string(doc, f, "method", r.fisher.method);
	ps_json_number(doc, f, "p_value", r.fisher.p, r.fisher.note);
	ps_json_number(doc, f, "odds_ratio", r.fisher.estimate, r.fisher.note);
	ps_json_number(doc, f, "ci_lower", r.fisher.lower, r.fisher.note);
	ps_json_number(doc, f, "ci_upper", r.fisher.upper, r.fisher.note);
	ps_json_number(doc, f, "conf_level", conf, NULL);
	if (o) {
		o->p[PS_CMP_FISHER] = r.fisher.p;
		o->test_obj[PS_CMP_FISHER] = f;
		snprintf(o->test_path[PS_CMP_FISHER], sizeof(o->test_path[PS_CMP_FISHER]), "%stests.fisher_exact", where);
	}
	cJSON *effects = ps_json_object(doc, parent, "effects");
	add_interval(doc, effects_base, effects, "risk_difference", &r.risk_difference, conf);
	add_interval(doc, effects_base, effects, "risk_ratio", &r.risk_ratio, conf);
	add_interval(doc, effects_base, effects, "odds_ratio", &r.odds_ratio, conf);
	return PS_OK;
}

