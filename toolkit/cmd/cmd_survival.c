/*
 * peerstat survival --time COL --event COL [options] [FILE]
 *
 * Time-to-event comparison of a treatment group with a control group over a table with one
 * row per participant: Kaplan-Meier curves with confidence limits, survival at given times,
 * median and other quantiles, restricted mean survival time and its difference, the log-rank
 * (or Peto-Peto) test, optionally stratified, and a Cox model for the group indicator,
 * optionally adjusted for numeric covariates, with the Grambsch-Therneau test of
 * proportional hazards. Every figure follows R's survival package (docs/methods.md).
 *
 * Rows stream into per-(stratum, group) count tables (memory grows with distinct times) and a
 * Cox row store (memory grows with participants, the Cox likelihood needs every row).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "peerstat/cox.h"
#include "peerstat/km.h"
#include "peerstat/logrank.h"
#include "peerstat/strmap.h"

const char cmd_survival_usage[] =
	"usage: peerstat survival --time COL --event COL [options] [FILE]\n"
	"\n"
	"Compare time to an event between two groups (one row per participant): Kaplan-Meier\n"
	"curves, median and quantiles, restricted mean survival time, log-rank test and Cox\n"
	"hazard ratio (treatment versus control), as R's survival package computes them.\n"
	"\n"
	"  --time COL           follow-up time (a number >= 0, e.g. days)\n"
	"  --event COL          1/yes when the event happened, 0/no when censored\n"
	"  --group COL          group column (default cohort)\n"
	"  --treatment LABEL    treatment group (default peer)\n"
	"  --control LABEL      control group (default therapy_only)\n"
	"  --ignore-other-groups  leave out rows of other groups (default: an error)\n"
	"  --strata COL         stratify the log-rank test and the Cox model (e.g. site)\n"
	"  --covariates C1,...  adjust the Cox model for numeric covariates\n"
	"  --at T1,...          survival at these times\n"
	"  --quantiles P1,...   survival-time quantiles besides the median (e.g. 0.25,0.75)\n"
	"  --tau T              horizon of the restricted mean (default: the smaller of the two\n"
	"                       groups' last observed times)\n"
	"  --conf LEVEL         confidence level (default 0.95)\n"
	"  --ci log|log-log|plain  Kaplan-Meier confidence limits (default log, as R)\n"
	"  --rho 0|1            0: log-rank (default); 1: Peto-Peto (R's survdiff rho)\n"
	"  --ties efron|breslow Cox tie handling (default efron, as R)\n"
	"  --no-curve           leave the full curves out of the output\n";

enum {
	OPT_TIME = 1, OPT_EVENT, OPT_GROUP, OPT_TREATMENT, OPT_CONTROL, OPT_IGNORE_OTHER, OPT_STRATA, OPT_COVARIATES,
	OPT_AT, OPT_QUANTILES, OPT_TAU, OPT_CONF, OPT_CI, OPT_RHO, OPT_TIES, OPT_NO_CURVE
};

struct survival {
	struct ps_common *common;
	struct ps_groups groups;
	const char *time_col, *event_col, *strata_col;
	char **covariates;
	size_t ncov;
	struct ps_field_spec time_spec, event_spec, strata_spec, *cov_specs;
	long time_index, event_index, group_index, strata_index, *cov_index;
	struct ps_cell_options cells;
	const char *display;
	struct ps_rejects rejects;

	struct ps_strmap strata;                /* stratum labels -> ids */
	struct ps_surv_table *tables;           /* [stratum * 2 + group] */
	size_t tables_cap;                      /* strata allocated */
	struct ps_surv_table overall[2];        /* per group, all strata */
	unsigned long missing[2];               /* rows excluded per group for missing values */
	struct ps_cox_data cox;
	double *xrow;                           /* scratch: group indicator + covariates */
};

static enum ps_status on_header(void *ctx, size_t ncolumns, const char *const *names, struct ps_error *err)
{
	struct survival *s = ctx;
	enum ps_status st = ps_check_identifiers(s->common, names, ncolumns, err);
	if (st != PS_OK)
		return st;
	struct ps_field_spec group_spec = { "group", s->groups.column, "--group", PS_TYPE_LABEL, 1, 0, 1, 0 };
	const struct ps_field_spec fixed[3] = { s->time_spec, s->event_spec, group_spec };
	long index[3];
	if ((st = ps_schema_resolve(names, ncolumns, fixed, 3, index, err)) != PS_OK)
		return st;
	s->time_index = index[0];
	s->event_index = index[1];
	s->group_index = index[2];
	s->strata_index = -1;
	if (s->strata_col && (st = ps_schema_resolve(names, ncolumns, &s->strata_spec, 1, &s->strata_index, err)) != PS_OK)
		return st;
	if (s->ncov && (st = ps_schema_resolve(names, ncolumns, s->cov_specs, s->ncov, s->cov_index, err)) != PS_OK)
		return st;
	return PS_OK;
}

static int grow_tables(struct survival *s, size_t nstrata)
{
	if (nstrata <= s->tables_cap)
		return 0;
	size_t cap = s->tables_cap ? s->tables_cap * 2 : 4;
	while (cap < nstrata)
		cap *= 2;
	struct ps_surv_table *t = realloc(s->tables, cap * 2 * sizeof(*t));
	if (!t)
		return -1;
	for (size_t i = s->tables_cap * 2; i < cap * 2; i++)
		ps_surv_table_init(&t[i]);
	s->tables = t;
	s->tables_cap = cap;
	return 0;
}

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	struct survival *s = ctx;
	enum ps_status st;
	int g = ps_groups_classify(&s->groups, s->cells.na, row->fields[s->group_index], row->lens[s->group_index], &st, err);
	if (st != PS_OK) {
		err->column = (unsigned long)s->group_index + 1;
		return ps_reject_row(&s->rejects, err, s->display, row->line);
	}
	if (g == PS_GROUP_NONE)
		return PS_OK;

	struct ps_value time, event, stratum;
	if (ps_cell_parse(&s->time_spec, &s->cells, row->fields[s->time_index], row->lens[s->time_index],
			  (size_t)s->time_index, &time, err) != PS_OK ||
	    ps_cell_parse(&s->event_spec, &s->cells, row->fields[s->event_index], row->lens[s->event_index],
			  (size_t)s->event_index, &event, err) != PS_OK)
		return ps_reject_row(&s->rejects, err, s->display, row->line);
	int missing = time.missing || event.missing;
	size_t stratum_id = 0;
	if (s->strata_index >= 0) {
		if (ps_cell_parse(&s->strata_spec, &s->cells, row->fields[s->strata_index], row->lens[s->strata_index],
				  (size_t)s->strata_index, &stratum, err) != PS_OK)
			return ps_reject_row(&s->rejects, err, s->display, row->line);
		missing |= stratum.missing;
	}
	/* every cell is parsed even after a missing one: a bad value must be an error, not
	 * pass as "missing" because an earlier cell of its row was empty */
	for (size_t k = 0; k < s->ncov; k++) {
		struct ps_value v;
		long c = s->cov_index[k];
		if (ps_cell_parse(&s->cov_specs[k], &s->cells, row->fields[c], row->lens[c], (size_t)c, &v, err) != PS_OK)
			return ps_reject_row(&s->rejects, err, s->display, row->line);
		missing |= v.missing;
		s->xrow[1 + k] = v.d;
	}
	if (missing) {
		/* complete cases only, as R's default na.action; counted, never silent */
		s->missing[g]++;
		return PS_OK;
	}
	if (s->strata_index >= 0) {
		if (ps_strmap_intern(&s->strata, stratum.s, stratum.len, &stratum_id, NULL) != 0 ||
		    grow_tables(s, s->strata.count) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	s->xrow[0] = g == PS_GROUP_TREATMENT;
	if (ps_surv_table_add(&s->tables[stratum_id * 2 + (size_t)g], time.d, event.d) != PS_OK ||
	    ps_surv_table_add(&s->overall[g], time.d, event.d) != PS_OK ||
	    ps_cox_data_add(&s->cox, time.d, (int)event.i, s->xrow, (int)stratum_id) != PS_OK)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	return PS_OK;
}

struct settings {
	double conf;
	enum ps_km_ci ci;
	double *at;
	long nat;
	double *quantiles;
	long nquantiles;
	double tau;
	int tau_set;
	double rho;
	enum ps_cox_ties ties;
	int curve;
};

static const char *ci_name(enum ps_km_ci ci)
{
	return ci == PS_KM_CI_LOG ? "log" : ci == PS_KM_CI_LOGLOG ? "log-log" : "plain";
}

static void add_curve(struct ps_doc *doc, cJSON *group, const char *label, const struct ps_km *km)
{
	cJSON *curve = ps_json_array(doc, group, "curve");
	for (size_t i = 0; i < km->n_rows; i++) {
		const struct ps_km_row *r = &km->rows[i];
		ps_doc_where(doc, "groups.%s.curve.%zu", label, i);
		cJSON *point = ps_json_object(doc, curve, NULL);
		ps_json_number(doc, point, "time", r->time, NULL);
		ps_json_int(doc, point, "at_risk", (int64_t)r->at_risk);
		ps_json_int(doc, point, "events", (int64_t)r->events);
		ps_json_int(doc, point, "censored", (int64_t)r->censored);
		ps_json_number(doc, point, "survival", r->survival, km->note);
		ps_json_number(doc, point, "std_err", r->std_err, "survival reached 0: no standard error (as R)");
		ps_json_number(doc, point, "ci_lower", r->ci_lower, "no confidence limit here (as R)");
		ps_json_number(doc, point, "ci_upper", r->ci_upper, "no confidence limit here (as R)");
	}
}

static void add_quantile(struct ps_doc *doc, cJSON *obj, const struct ps_km_quantile *q)
{
	ps_json_number(doc, obj, "estimate", q->time, q->note ? q->note : "not reached");
	ps_json_number(doc, obj, "ci_lower", q->lower, q->note ? q->note : "confidence limit not reached");
	ps_json_number(doc, obj, "ci_upper", q->upper, q->note ? q->note : "confidence limit not reached");
}

/* One group's block; returns its RMST through *rmst. */
static enum ps_status add_group(struct ps_doc *doc, cJSON *groups, const char *label, const struct survival *s, int g,
				const struct ps_km *km, const struct settings *set, double tau, struct ps_rmst *rmst)
{
	cJSON *group = ps_json_object(doc, groups, label);
	ps_doc_where(doc, "groups.%s", label);
	ps_json_int(doc, group, "n", (int64_t)km->n);
	ps_json_int(doc, group, "missing", (int64_t)s->missing[g]);
	ps_json_int(doc, group, "events", (int64_t)km->n_events);
	struct ps_km_quantile q;
	enum ps_status st = ps_km_median(km, &q);
	if (st != PS_OK)
		return st;
	ps_doc_where(doc, "groups.%s.median", label);
	add_quantile(doc, ps_json_object(doc, group, "median"), &q);
	cJSON *quantiles = ps_json_array(doc, group, "quantiles");
	for (long i = 0; i < set->nquantiles; i++) {
		if ((st = ps_km_quantile(km, set->quantiles[i], &q)) != PS_OK)
			return st;
		ps_doc_where(doc, "groups.%s.quantiles.%ld", label, i);
		cJSON *item = ps_json_object(doc, quantiles, NULL);
		ps_json_number(doc, item, "p", set->quantiles[i], NULL);
		add_quantile(doc, item, &q);
	}
	cJSON *at = ps_json_array(doc, group, "at");
	if (set->nat > 0) {
		struct ps_km_point *points = calloc((size_t)set->nat, sizeof(*points));
		if (!points)
			return PS_ENOMEM;
		st = ps_km_at(km, set->at, (size_t)set->nat, points);
		for (long i = 0; st == PS_OK && i < set->nat; i++) {
			ps_doc_where(doc, "groups.%s.at.%ld", label, i);
			cJSON *item = ps_json_object(doc, at, NULL);
			ps_json_number(doc, item, "time", set->at[i], NULL);
			ps_json_int(doc, item, "at_risk", (int64_t)points[i].at_risk);
			ps_json_number(doc, item, "survival", points[i].survival, points[i].note);
			ps_json_number(doc, item, "std_err", points[i].std_err, points[i].note);
			ps_json_number(doc, item, "ci_lower", points[i].ci_lower, points[i].note);
			ps_json_number(doc, item, "ci_upper", points[i].ci_upper, points[i].note);
		}
		free(points);
		if (st != PS_OK)
			return st;
	}
	ps_doc_where(doc, "groups.%s.rmst", label);
	cJSON *r = ps_json_object(doc, group, "rmst");
	if (isfinite(tau)) {
		if ((st = ps_km_rmst(km, tau, rmst)) != PS_OK)
			return st;
	} else {
		rmst->tau = tau;
		rmst->rmst = rmst->se = NAN;
		rmst->note = "no observations in a group: no horizon for the restricted mean";
	}
	ps_json_number(doc, r, "tau", tau, rmst->note);
	ps_json_number(doc, r, "estimate", rmst->rmst, rmst->note);
	ps_json_number(doc, r, "std_err", rmst->se, rmst->note);
	if (rmst->note && isfinite(rmst->rmst))
		ps_doc_warn(doc, NULL, rmst->note);
	if (set->curve) {
		add_curve(doc, group, label, km);
	}
	return PS_OK;
}

static void add_test(struct ps_doc *doc, cJSON *obj, const char *prefix, const struct ps_cox_test *t, const char *note)
{
	char key[64];
	snprintf(key, sizeof(key), "%s_statistic", prefix);
	ps_json_number(doc, obj, key, t->statistic, note);
	snprintf(key, sizeof(key), "%s_df", prefix);
	ps_json_number(doc, obj, key, t->df, note);
	snprintf(key, sizeof(key), "%s_p_value", prefix);
	ps_json_number(doc, obj, key, t->p, note);
}

static const char *coef_note(const struct ps_cox_coef *c, const struct ps_cox_fit *fit)
{
	switch (c->state) {
	case PS_COX_COEF_ALIASED:
		return "covariate is constant or collinear with others: no coefficient (R prints NA)";
	case PS_COX_COEF_INFINITE:
		return "monotone likelihood (separation): the coefficient may be infinite and is not reported";
	case PS_COX_COEF_NOT_CONVERGED:
		return "the fit did not converge: no coefficient reported";
	default:
		return fit->note;
	}
}

static void add_coef(struct ps_doc *doc, cJSON *obj, const struct ps_cox_coef *c, const struct ps_cox_fit *fit)
{
	const char *note = coef_note(c, fit);
	ps_json_number(doc, obj, "coefficient", c->coef, note);
	ps_json_number(doc, obj, "std_err", c->se, note);
	ps_json_number(doc, obj, "hazard_ratio", c->hr, note);
	ps_json_number(doc, obj, "ci_lower", c->ci_lower, note);
	ps_json_number(doc, obj, "ci_upper", c->ci_upper, note);
	ps_json_number(doc, obj, "z", c->z, note);
	ps_json_number(doc, obj, "p_value", c->p, note);
}

static enum ps_status add_cox(struct ps_doc *doc, struct survival *s, const struct settings *set, struct ps_error *err)
{
	cJSON *cox = ps_json_object(doc, doc->root, "cox");
	ps_doc_where(doc, "cox");
	char method[256];
	snprintf(method, sizeof(method), "Cox proportional hazards, %s ties, Newton-Raphson from 0%s%s (R: coxph)",
		 set->ties == PS_COX_EFRON ? "Efron" : "Breslow", s->strata_col ? ", stratified by " : "",
		 s->strata_col ? s->strata_col : "");
	ps_json_string(doc, cox, "method", method);
	ps_json_string(doc, cox, "ties", set->ties == PS_COX_EFRON ? "efron" : "breslow");
	ps_json_number(doc, cox, "conf_level", set->conf, NULL);
	struct ps_cox_options opt;
	ps_cox_options_init(&opt);
	opt.ties = set->ties;
	opt.conf_level = set->conf;
	struct ps_cox_fit fit;
	memset(&fit, 0, sizeof(fit));
	size_t p = 1 + s->ncov;
	const int *strata = s->strata_col ? s->cox.strata : NULL;
	enum ps_status st = PS_OK;
	if (s->cox.n == 0) {
		ps_json_null(doc, cox, "coefficient");
		ps_doc_warn(doc, "coefficient", "no observations: no Cox model");
		return PS_OK;
	}
	st = ps_cox_fit(s->cox.time, s->cox.event, s->cox.x, s->cox.n, p, strata, &opt, &fit, err);
	if (st != PS_OK)
		return st;
	add_coef(doc, cox, &fit.coef[0], &fit);
	const char *fit_note = fit.converged ? NULL : (fit.note ? fit.note : "the fit did not converge");
	add_test(doc, cox, "lr", &fit.lr, fit_note ? fit_note : fit.note);
	add_test(doc, cox, "score", &fit.score, fit.note);
	add_test(doc, cox, "wald", &fit.wald, fit_note ? fit_note : fit.note);
	ps_json_int(doc, cox, "n", (int64_t)fit.n);
	ps_json_int(doc, cox, "events", (int64_t)fit.nevent);
	ps_json_bool(doc, cox, "converged", fit.converged);
	ps_json_int(doc, cox, "iterations", fit.iterations);
	ps_json_bool(doc, cox, "separation", fit.infinite);
	ps_json_number(doc, cox, "loglik_null", fit.loglik_null, fit.note);
	ps_json_number(doc, cox, "loglik", fit.loglik, fit.note);
	ps_json_string(doc, cox, "note", fit.note);
	if (fit.note)
		ps_doc_warn(doc, NULL, fit.note);
	cJSON *covs = ps_json_array(doc, cox, "covariates");
	for (size_t k = 0; k < s->ncov; k++) {
		ps_doc_where(doc, "cox.covariates.%zu", k);
		cJSON *item = ps_json_object(doc, covs, NULL);
		ps_json_string(doc, item, "name", s->covariates[k]);
		add_coef(doc, item, &fit.coef[1 + k], &fit);
	}

	ps_doc_where(doc, "cox.proportional_hazards");
	cJSON *ph = ps_json_object(doc, cox, "proportional_hazards");
	ps_json_string(doc, ph, "method", "Grambsch-Therneau score test, Kaplan-Meier time transform (R: cox.zph)");
	struct ps_cox_zph zph;
	memset(&zph, 0, sizeof(zph));
	st = ps_cox_zph(s->cox.time, s->cox.event, s->cox.x, s->cox.n, p, strata, &opt, &fit, &zph, err);
	if (st == PS_OK) {
		ps_doc_where(doc, "cox.proportional_hazards.group");
		cJSON *term = ps_json_object(doc, ph, "group");
		ps_json_number(doc, term, "statistic", zph.term[0].statistic, zph.note);
		ps_json_number(doc, term, "df", zph.term[0].df, zph.note);
		ps_json_number(doc, term, "p_value", zph.term[0].p, zph.note);
		ps_doc_where(doc, "cox.proportional_hazards.global");
		cJSON *global = ps_json_object(doc, ph, "global");
		ps_json_number(doc, global, "statistic", zph.global.statistic, zph.note);
		ps_json_number(doc, global, "df", zph.global.df, zph.note);
		ps_json_number(doc, global, "p_value", zph.global.p, zph.note);
		ps_cox_zph_release(&zph);
	}
	ps_cox_fit_release(&fit);
	return st;
}

static enum ps_status add_logrank(struct ps_doc *doc, struct survival *s, const struct settings *set)
{
	size_t nstrata = s->strata_col ? s->strata.count : 1;
	const struct ps_surv_table **tables = calloc(nstrata * 2 > 0 ? nstrata * 2 : 1, sizeof(*tables));
	if (!tables)
		return PS_ENOMEM;
	/* the engine's group order is [control, treatment]: observed/expected are printed by label */
	for (size_t k = 0; k < nstrata; k++)
		for (int g = 0; g < 2; g++)
			tables[k * 2 + (size_t)g] = s->strata_col ? &s->tables[k * 2 + (size_t)g] : &s->overall[g];
	struct ps_logrank lr;
	memset(&lr, 0, sizeof(lr));
	enum ps_status st = nstrata ? ps_logrank(tables, nstrata, 2, set->rho, &lr) : PS_OK;
	free(tables);
	if (st != PS_OK)
		return st;
	cJSON *tests = ps_json_object(doc, doc->root, "tests");
	cJSON *t = ps_json_object(doc, tests, "logrank");
	ps_doc_where(doc, "tests.logrank");
	char method[200];
	snprintf(method, sizeof(method), "%s%s%s (R: survdiff, rho = %g)",
		 set->rho == 0 ? "log-rank test" : set->rho == 1 ? "Peto-Peto test (G-rho, rho = 1)" : "G-rho test",
		 s->strata_col ? ", stratified by " : "", s->strata_col ? s->strata_col : "", set->rho);
	ps_json_string(doc, t, "method", method);
	ps_json_number(doc, t, "rho", set->rho, NULL);
	ps_json_string(doc, t, "strata", s->strata_col);
	const char *note = nstrata ? lr.note : "no observations";
	ps_json_number(doc, t, "statistic", nstrata ? lr.chisq : NAN, note);
	ps_json_number(doc, t, "df", nstrata ? lr.df : NAN, note);
	ps_json_number(doc, t, "p_value", nstrata ? lr.p_value : NAN, note);
	cJSON *observed = ps_json_object(doc, t, "observed");
	cJSON *expected = ps_json_object(doc, t, "expected");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_json_number(doc, observed, s->groups.label[g], nstrata ? lr.observed[g] : NAN, note);
		ps_json_number(doc, expected, s->groups.label[g], nstrata ? lr.expected[g] : NAN, note);
	}
	if (nstrata)
		ps_logrank_release(&lr);
	return PS_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static enum ps_status analyse(struct survival *s, const struct settings *set, struct ps_doc *doc, struct ps_reader *reader,
			      struct ps_error *err)
{
	enum ps_status st;
	struct ps_km km[2];
	memset(km, 0, sizeof(km));
	cJSON *input = ps_json_object(doc, doc->root, "input");
	ps_json_string(doc, input, "file", s->display);
	ps_json_int(doc, input, "rows", (int64_t)(ps_reader_rows(reader) - s->rejects.rejected_rows));
	ps_groups_json(doc, input, &s->groups);
	ps_json_add_rejects(doc, input, &s->rejects);

	cJSON *options = ps_json_object(doc, doc->root, "options");
	ps_json_string(doc, options, "time", s->time_col);
	ps_json_string(doc, options, "event", s->event_col);
	ps_json_string(doc, options, "group", s->groups.column);
	ps_json_string(doc, options, "treatment", s->groups.label[PS_GROUP_TREATMENT]);
	ps_json_string(doc, options, "control", s->groups.label[PS_GROUP_CONTROL]);
	ps_json_string(doc, options, "strata", s->strata_col);
	ps_json_number(doc, options, "conf_level", set->conf, NULL);
	ps_json_string(doc, options, "ci", ci_name(set->ci));
	ps_json_string(doc, options, "ci_method", "Greenwood variance; limits as R's survfit conf.type");

	for (int g = 0; g < 2; g++) {
		if ((st = ps_surv_table_finish(&s->overall[g])) != PS_OK ||
		    (st = ps_km_fit(&s->overall[g], set->ci, set->conf, &km[g])) != PS_OK)
			goto out;
	}
	for (size_t k = 0; s->strata_col && k < s->strata.count; k++)
		for (int g = 0; g < 2; g++)
			if ((st = ps_surv_table_finish(&s->tables[k * 2 + (size_t)g])) != PS_OK)
				goto out;
	double tau = set->tau_set ? set->tau
		   : (km[0].n && km[1].n) ? ps_rmst_default_tau(&km[PS_GROUP_TREATMENT], &km[PS_GROUP_CONTROL]) : NAN;
	ps_json_number(doc, options, "tau", tau, "no horizon for the restricted mean: a group has no observations");
	ps_json_string(doc, options, "tau_rule", set->tau_set ? "given with --tau" :
		       "the smaller of the two groups' last observed times (survRM2's default)");

	cJSON *groups = ps_json_object(doc, doc->root, "groups");
	struct ps_rmst rmst[2];
	memset(rmst, 0, sizeof(rmst));
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--)
		if ((st = add_group(doc, groups, s->groups.label[g], s, g, &km[g], set, tau, &rmst[g])) != PS_OK)
			goto out;

	struct ps_rmst_diff diff;
	memset(&diff, 0, sizeof(diff));
	if (isfinite(rmst[0].rmst) && isfinite(rmst[1].rmst)) {
		if ((st = ps_rmst_diff(&rmst[PS_GROUP_TREATMENT], &rmst[PS_GROUP_CONTROL], set->conf, &diff)) != PS_OK)
			goto out;
	} else {
		diff.diff = diff.se = diff.ci_lower = diff.ci_upper = diff.z = diff.p_value = NAN;
		diff.note = "restricted mean not available in both groups";
	}
	ps_doc_where(doc, "rmst_difference");
	cJSON *d = ps_json_object(doc, doc->root, "rmst_difference");
	ps_json_string(doc, d, "method", "treatment minus control; se = sqrt(se1^2 + se0^2), normal interval");
	ps_json_number(doc, d, "tau", tau, diff.note);
	ps_json_number(doc, d, "estimate", diff.diff, diff.note);
	ps_json_number(doc, d, "std_err", diff.se, diff.note);
	ps_json_number(doc, d, "ci_lower", diff.ci_lower, diff.note);
	ps_json_number(doc, d, "ci_upper", diff.ci_upper, diff.note);
	ps_json_number(doc, d, "conf_level", set->conf, NULL);
	ps_json_number(doc, d, "z", diff.z, diff.note);
	ps_json_number(doc, d, "p_value", diff.p_value, diff.note);

	if ((st = add_logrank(doc, s, set)) != PS_OK)
		goto out;
	st = add_cox(doc, s, set, err);
out:
	ps_km_release(&km[0]);
	ps_km_release(&km[1]);
	return st;
}

enum ps_status cmd_survival(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "time", required_argument, NULL, OPT_TIME },
		{ "event", required_argument, NULL, OPT_EVENT },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "treatment", required_argument, NULL, OPT_TREATMENT },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "ignore-other-groups", no_argument, NULL, OPT_IGNORE_OTHER },
		{ "strata", required_argument, NULL, OPT_STRATA },
		{ "covariates", required_argument, NULL, OPT_COVARIATES },
		{ "at", required_argument, NULL, OPT_AT },
		{ "quantiles", required_argument, NULL, OPT_QUANTILES },
		{ "tau", required_argument, NULL, OPT_TAU },
		{ "conf", required_argument, NULL, OPT_CONF },
		{ "ci", required_argument, NULL, OPT_CI },
		{ "rho", required_argument, NULL, OPT_RHO },
		{ "ties", required_argument, NULL, OPT_TIES },
		{ "no-curve", no_argument, NULL, OPT_NO_CURVE },
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct survival s;
	struct settings set = { 0.95, PS_KM_CI_LOG, NULL, 0, NULL, 0, 0, 0, 0, PS_COX_EFRON, 1 };
	struct ps_doc doc = { 0 };
	struct ps_reader *reader = NULL;
	FILE *fp = NULL;
	char *cov_storage = NULL;
	struct ps_error err;
	enum ps_status st = PS_OK;

	memset(&s, 0, sizeof(s));
	ps_error_clear(&err);
	if (ps_common_init(&common, "survival", cmd_survival_usage) != PS_OK)
		return PS_ENOMEM;
	ps_groups_init(&s.groups);
	ps_strmap_init(&s.strata);
	ps_surv_table_init(&s.overall[0]);
	ps_surv_table_init(&s.overall[1]);
	optind = 0;
	opterr = 0;
	int opt;
	while (st == PS_OK && (opt = getopt_long(argc, argv, "+" PS_COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_TIME: s.time_col = optarg; break;
		case OPT_EVENT: s.event_col = optarg; break;
		case OPT_GROUP: s.groups.column = optarg; break;
		case OPT_TREATMENT: s.groups.label[PS_GROUP_TREATMENT] = optarg; break;
		case OPT_CONTROL: s.groups.label[PS_GROUP_CONTROL] = optarg; break;
		case OPT_IGNORE_OTHER: s.groups.ignore_other = 1; break;
		case OPT_STRATA: s.strata_col = optarg; break;
		case OPT_NO_CURVE: set.curve = 0; break;
		case OPT_COVARIATES: {
			long n = ps_split_names(&common, "--covariates", optarg, &s.covariates, &cov_storage);
			if (n < 0)
				st = PS_EUSAGE;
			else
				s.ncov = (size_t)n;
			break;
		}
		case OPT_AT:
			set.nat = ps_parse_number_list(&common, "--at", optarg, &set.at);
			if (set.nat < 0) {
				st = PS_EUSAGE;
				break;
			}
			qsort(set.at, (size_t)set.nat, sizeof(double), cmp_double);
			for (long i = 0; i < set.nat; i++)
				if (set.at[i] < 0)
					st = ps_usage_error(&common, "--at times must be >= 0");
			break;
		case OPT_QUANTILES:
			set.nquantiles = ps_parse_number_list(&common, "--quantiles", optarg, &set.quantiles);
			if (set.nquantiles < 0) {
				st = PS_EUSAGE;
				break;
			}
			for (long i = 0; i < set.nquantiles; i++)
				if (!(set.quantiles[i] > 0 && set.quantiles[i] < 1))
					st = ps_usage_error(&common, "--quantiles takes probabilities between 0 and 1");
			break;
		case OPT_TAU:
			if (!ps_parse_double(optarg, strlen(optarg), &set.tau, NULL) || set.tau <= 0)
				st = ps_usage_error(&common, "--tau takes a time > 0, not '%s'", optarg);
			set.tau_set = 1;
			break;
		case OPT_CONF: st = ps_parse_conf(&common, optarg, &set.conf); break;
		case OPT_CI:
			if (strcmp(optarg, "log") == 0)
				set.ci = PS_KM_CI_LOG;
			else if (strcmp(optarg, "log-log") == 0)
				set.ci = PS_KM_CI_LOGLOG;
			else if (strcmp(optarg, "plain") == 0)
				set.ci = PS_KM_CI_PLAIN;
			else
				st = ps_usage_error(&common, "--ci takes log, log-log or plain, not '%s'", optarg);
			break;
		case OPT_RHO:
			if (!ps_parse_double(optarg, strlen(optarg), &set.rho, NULL) || set.rho < 0)
				st = ps_usage_error(&common, "--rho takes a number >= 0 (0 log-rank, 1 Peto-Peto), not '%s'", optarg);
			break;
		case OPT_TIES:
			if (strcmp(optarg, "efron") == 0)
				set.ties = PS_COX_EFRON;
			else if (strcmp(optarg, "breslow") == 0)
				set.ties = PS_COX_BRESLOW;
			else
				st = ps_usage_error(&common, "--ties takes efron or breslow, not '%s'", optarg);
			break;
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
	if (!s.time_col || !s.event_col) {
		st = ps_usage_error(&common, "--time and --event are required");
		goto done;
	}
	if (strcmp(s.groups.label[0], s.groups.label[1]) == 0) {
		st = ps_usage_error(&common, "--treatment and --control must differ");
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "survival reads one file (or standard input), not %d", argc - optind);
		goto done;
	}

	ps_rejects_init(&s.rejects, common.policy);
	s.common = &common;
	s.cells = ps_common_cell_options(&common);
	s.time_spec = (struct ps_field_spec){ "follow-up time", s.time_col, "--time", PS_TYPE_NUMBER, 1, 0, 0, 1e300 };
	s.event_spec = (struct ps_field_spec){ "event indicator", s.event_col, "--event", PS_TYPE_BOOL, 1, 0, 1, 0 };
	s.strata_spec = (struct ps_field_spec){ "stratum", s.strata_col, "--strata", PS_TYPE_LABEL, 1, 0, 1, 0 };
	s.cov_specs = calloc(s.ncov + 1, sizeof(*s.cov_specs));
	s.cov_index = calloc(s.ncov + 1, sizeof(*s.cov_index));
	s.xrow = calloc(s.ncov + 1, sizeof(*s.xrow));
	if (!s.cov_specs || !s.cov_index || !s.xrow || grow_tables(&s, 1) != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < s.ncov; k++)
		s.cov_specs[k] = (struct ps_field_spec){ "covariate", s.covariates[k], "--covariates", PS_TYPE_NUMBER, 1, 0, 1, 0 };
	ps_cox_data_init(&s.cox, 1 + s.ncov);

	if ((st = ps_open_input(optind < argc ? argv[optind] : NULL, &fp, &s.display, &err)) != PS_OK) {
		ps_report_error(&common, &err);
		goto done;
	}
	struct ps_reader_options ropt = ps_common_reader_options(&common, s.display);
	if (!(reader = ps_reader_new(&ropt, on_row, &s, &s.rejects))) {
		st = PS_ENOMEM;
		goto done;
	}
	ps_reader_on_header(reader, on_header);
	if ((st = ps_reader_read_stream(reader, fp, &err)) != PS_OK) {
		ps_report_error(&common, &err);
		goto done;
	}
	if (ps_doc_init(&doc, "survival") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	if ((st = analyse(&s, &set, &doc, reader, &err)) != PS_OK) {
		if (err.message[0])
			ps_report_error(&common, &err);
		goto done;
	}
	st = ps_write_doc(&common, &doc);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: survival: out of memory\n");
	ps_doc_release(&doc);
	ps_reader_free(reader);
	if (fp && fp != stdin)
		fclose(fp);
	for (size_t i = 0; i < s.tables_cap * 2; i++)
		ps_surv_table_release(&s.tables[i]);
	free(s.tables);
	ps_surv_table_release(&s.overall[0]);
	ps_surv_table_release(&s.overall[1]);
	if (s.cov_specs)
		ps_cox_data_release(&s.cox);
	ps_strmap_release(&s.strata);
	free(s.cov_specs);
	free(s.cov_index);
	free(s.xrow);
	free(s.covariates);
	free(cov_storage);
	free(set.at);
	free(set.quantiles);
	ps_common_release(&common);
	return st;
}
