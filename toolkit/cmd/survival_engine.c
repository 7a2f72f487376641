/*
 * The survival analysis behind `peerstat survival` and the time-to-event parts of the domain
 * commands (retention's time to dropout, sobriety's time to relapse): a streaming store of
 * (group, stratum, time, event, covariates) and one function that computes Kaplan-Meier,
 * quantiles, restricted mean, log-rank and Cox and writes them as the documented JSON blocks
 * (docs/json.md, "survival"). One engine, so every command prints the same contract.
 */
#include "survival_engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ps_surv_settings_init(struct ps_surv_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->conf = 0.95;
	set->ci = PS_KM_CI_LOG;
	set->ties = PS_COX_EFRON;
	set->curve = 1;
}

enum ps_status ps_surv_parse_ci(const struct ps_common *common, const char *arg, struct ps_surv_settings *set)
{
	if (strcmp(arg, "log") == 0)
		set->ci = PS_KM_CI_LOG;
	else if (strcmp(arg, "log-log") == 0)
		set->ci = PS_KM_CI_LOGLOG;
	else if (strcmp(arg, "plain") == 0)
		set->ci = PS_KM_CI_PLAIN;
	else
		return ps_usage_error(common, "--ci takes log, log-log or plain, not '%s'", arg);
	return PS_OK;
}

enum ps_status ps_surv_parse_tau(const struct ps_common *common, const char *arg, struct ps_surv_settings *set)
{
	if (!ps_parse_double(arg, strlen(arg), &set->tau, NULL) || !(set->tau > 0))
		return ps_usage_error(common, "--tau takes a time > 0, not '%s'", arg);
	set->tau_set = 1;
	return PS_OK;
}

static int grow_tables(struct ps_surv_data *d, size_t nstrata);

enum ps_status ps_surv_data_init(struct ps_surv_data *d, const char *control, const char *treatment,
				 const char *strata_name, char **covariates, size_t ncov)
{
	memset(d, 0, sizeof(*d));
	d->label[PS_GROUP_CONTROL] = control;
	d->label[PS_GROUP_TREATMENT] = treatment;
	d->strata_name = strata_name;
	d->covariates = covariates;
	d->ncov = ncov;
	ps_strmap_init(&d->strata);
	ps_surv_table_init(&d->overall[0]);
	ps_surv_table_init(&d->overall[1]);
	ps_cox_data_init(&d->cox, 1 + ncov);
	d->xrow = calloc(ncov + 1, sizeof(*d->xrow));
	if (!d->xrow || grow_tables(d, 1) != 0)
		return PS_ENOMEM;
	return PS_OK;
}

static int grow_tables(struct ps_surv_data *d, size_t nstrata)
{
	if (nstrata <= d->tables_cap)
		return 0;
	size_t cap = d->tables_cap ? d->tables_cap * 2 : 4;
	while (cap < nstrata)
		cap *= 2;
	struct ps_surv_table *t = realloc(d->tables, cap * 2 * sizeof(*t));
	if (!t)
		return -1;
	for (size_t i = d->tables_cap * 2; i < cap * 2; i++)
		ps_surv_table_init(&t[i]);
	d->tables = t;
	d->tables_cap = cap;
	return 0;
}

enum ps_status ps_surv_data_add(struct ps_surv_data *d, int group, double time, int event, const char *stratum,
				size_t stratum_len, const double *covariates)
{
	size_t id = 0;
	if (d->strata_name) {
		if (ps_strmap_intern(&d->strata, stratum, stratum_len, &id, NULL) != 0 || grow_tables(d, d->strata.count) != 0)
			return PS_ENOMEM;
		d->nstrata = d->strata.count;
	}
	d->xrow[0] = group == PS_GROUP_TREATMENT;
	for (size_t k = 0; k < d->ncov; k++)
		d->xrow[1 + k] = covariates[k];
	enum ps_status st;
	if ((st = ps_surv_table_add(&d->tables[id * 2 + (size_t)group], time, event)) != PS_OK ||
	    (st = ps_surv_table_add(&d->overall[group], time, event)) != PS_OK ||
	    (st = ps_cox_data_add(&d->cox, time, event, d->xrow, (int)id)) != PS_OK)
		return st;
	return PS_OK;
}

void ps_surv_data_release(struct ps_surv_data *d)
{
	for (size_t i = 0; i < d->tables_cap * 2; i++)
		ps_surv_table_release(&d->tables[i]);
	free(d->tables);
	ps_surv_table_release(&d->overall[0]);
	ps_surv_table_release(&d->overall[1]);
	ps_cox_data_release(&d->cox);
	ps_strmap_release(&d->strata);
	free(d->xrow);
	memset(d, 0, sizeof(*d));
}

static const char *ci_name(enum ps_km_ci ci)
{
	return ci == PS_KM_CI_LOG ? "log" : ci == PS_KM_CI_LOGLOG ? "log-log" : "plain";
}

static void add_curve(struct ps_doc *doc, const char *prefix, cJSON *group, const char *label, const struct ps_km *km)
{
	cJSON *curve = ps_json_array(doc, group, "curve");
	for (size_t i = 0; i < km->n_rows; i++) {
		const struct ps_km_row *r = &km->rows[i];
		ps_doc_where(doc, "%sgroups.%s.curve.%zu", prefix, label, i);
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

static void add_quantile(struct ps_doc *doc, cJSON *obj, const struct ps_km_quantile *q, double conf)
{
	ps_json_number(doc, obj, "estimate", q->time, q->note ? q->note : "not reached");
	ps_json_number(doc, obj, "ci_lower", q->lower, q->note ? q->note : "confidence limit not reached");
	ps_json_number(doc, obj, "ci_upper", q->upper, q->note ? q->note : "confidence limit not reached");
	ps_json_number(doc, obj, "conf_level", conf, NULL);
}

/* One group's block; returns its RMST through *rmst. */
static enum ps_status add_group(struct ps_doc *doc, const char *prefix, cJSON *groups, const char *label, const struct ps_surv_data *s, int g,
				const struct ps_km *km, const struct ps_surv_settings *set, double tau, struct ps_rmst *rmst)
{
	cJSON *group = ps_json_object(doc, groups, label);
	ps_doc_where(doc, "%sgroups.%s", prefix, label);
	ps_json_int(doc, group, "n", (int64_t)km->n);
	ps_json_int(doc, group, "missing", (int64_t)s->missing[g]);
	ps_json_int(doc, group, "events", (int64_t)km->n_events);
	struct ps_km_quantile q;
	enum ps_status st = ps_km_median(km, &q);
	if (st != PS_OK)
		return st;
	ps_doc_where(doc, "%sgroups.%s.median", prefix, label);
	add_quantile(doc, ps_json_object(doc, group, "median"), &q, set->conf);
	cJSON *quantiles = ps_json_array(doc, group, "quantiles");
	for (long i = 0; i < set->nquantiles; i++) {
		if ((st = ps_km_quantile(km, set->quantiles[i], &q)) != PS_OK)
			return st;
		ps_doc_where(doc, "%sgroups.%s.quantiles.%ld", prefix, label, i);
		cJSON *item = ps_json_object(doc, quantiles, NULL);
		ps_json_number(doc, item, "p", set->quantiles[i], NULL);
		add_quantile(doc, item, &q, set->conf);
	}
	cJSON *at = ps_json_array(doc, group, "at");
	if (set->nat > 0) {
		struct ps_km_point *points = calloc((size_t)set->nat, sizeof(*points));
		if (!points)
			return PS_ENOMEM;
		st = ps_km_at(km, set->at, (size_t)set->nat, points);
		for (long i = 0; st == PS_OK && i < set->nat; i++) {
			ps_doc_where(doc, "%sgroups.%s.at.%ld", prefix, label, i);
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
	ps_doc_where(doc, "%sgroups.%s.rmst", prefix, label);
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
		add_curve(doc, prefix, group, label, km);
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
	if (fit->nevent == 0)
		return "no events: no Cox model";
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

static enum ps_status add_cox(struct ps_doc *doc, const char *prefix, cJSON *parent, struct ps_surv_data *s, const struct ps_surv_settings *set, struct ps_error *err)
{
	cJSON *cox = ps_json_object(doc, parent, "cox");
	ps_doc_where(doc, "%scox", prefix);
	char method[256];
	snprintf(method, sizeof(method), "Cox proportional hazards, %s ties, Newton-Raphson from 0%s%s (R: coxph)",
		 set->ties == PS_COX_EFRON ? "Efron" : "Breslow", s->strata_name ? ", stratified by " : "",
		 s->strata_name ? s->strata_name : "");
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
	const int *strata = s->strata_name ? s->cox.strata : NULL;
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
		ps_doc_where(doc, "%scox.covariates.%zu", prefix, k);
		cJSON *item = ps_json_object(doc, covs, NULL);
		ps_json_string(doc, item, "name", s->covariates[k]);
		add_coef(doc, item, &fit.coef[1 + k], &fit);
	}

	ps_doc_where(doc, "%scox.proportional_hazards", prefix);
	cJSON *ph = ps_json_object(doc, cox, "proportional_hazards");
	ps_json_string(doc, ph, "method", "Grambsch-Therneau score test, Kaplan-Meier time transform (R: cox.zph)");
	struct ps_cox_zph zph;
	memset(&zph, 0, sizeof(zph));
	st = ps_cox_zph(s->cox.time, s->cox.event, s->cox.x, s->cox.n, p, strata, &opt, &fit, &zph, err);
	if (st == PS_OK) {
		ps_doc_where(doc, "%scox.proportional_hazards.group", prefix);
		cJSON *term = ps_json_object(doc, ph, "group");
		ps_json_number(doc, term, "statistic", zph.term[0].statistic, zph.note);
		ps_json_number(doc, term, "df", zph.term[0].df, zph.note);
		ps_json_number(doc, term, "p_value", zph.term[0].p, zph.note);
		ps_doc_where(doc, "%scox.proportional_hazards.global", prefix);
		cJSON *global = ps_json_object(doc, ph, "global");
		ps_json_number(doc, global, "statistic", zph.global.statistic, zph.note);
		ps_json_number(doc, global, "df", zph.global.df, zph.note);
		ps_json_number(doc, global, "p_value", zph.global.p, zph.note);
		ps_cox_zph_release(&zph);
	}
	ps_cox_fit_release(&fit);
	return st;
}

static enum ps_status add_logrank(struct ps_doc *doc, const char *prefix, cJSON *parent, struct ps_surv_data *s, const struct ps_surv_settings *set)
{
	size_t nstrata = s->strata_name ? s->nstrata : 1;
	const struct ps_surv_table **tables = calloc(nstrata * 2 > 0 ? nstrata * 2 : 1, sizeof(*tables));
	if (!tables)
		return PS_ENOMEM;
	/* the engine's group order is [control, treatment]: observed/expected are printed by label */
	for (size_t k = 0; k < nstrata; k++)
		for (int g = 0; g < 2; g++)
			tables[k * 2 + (size_t)g] = s->strata_name ? &s->tables[k * 2 + (size_t)g] : &s->overall[g];
	struct ps_logrank lr;
	memset(&lr, 0, sizeof(lr));
	enum ps_status st = nstrata ? ps_logrank(tables, nstrata, 2, set->rho, &lr) : PS_OK;
	free(tables);
	if (st != PS_OK)
		return st;
	cJSON *tests = ps_json_object(doc, parent, "tests");
	cJSON *t = ps_json_object(doc, tests, "logrank");
	ps_doc_where(doc, "%stests.logrank", prefix);
	char method[200];
	snprintf(method, sizeof(method), "%s%s%s (R: survdiff, rho = %g)",
		 set->rho == 0 ? "log-rank test" : set->rho == 1 ? "Peto-Peto test (G-rho, rho = 1)" : "G-rho test",
		 s->strata_name ? ", stratified by " : "", s->strata_name ? s->strata_name : "", set->rho);
	ps_json_string(doc, t, "method", method);
	ps_json_number(doc, t, "rho", set->rho, NULL);
	ps_json_string(doc, t, "strata", s->strata_name);
	const char *note = nstrata ? lr.note : "no observations";
	ps_json_number(doc, t, "statistic", nstrata ? lr.chisq : NAN, note);
	/* R prints df = -1 or 0 when fewer than two groups have expected events: no test then */
	ps_json_number(doc, t, "df", nstrata && lr.df >= 1 ? lr.df : NAN, note ? note : "fewer than two groups with events: no test");
	ps_json_number(doc, t, "p_value", nstrata ? lr.p_value : NAN, note);
	cJSON *observed = ps_json_object(doc, t, "observed");
	cJSON *expected = ps_json_object(doc, t, "expected");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_json_number(doc, observed, s->label[g], nstrata ? lr.observed[g] : NAN, note);
		ps_json_number(doc, expected, s->label[g], nstrata ? lr.expected[g] : NAN, note);
	}
	if (nstrata)
		ps_logrank_release(&lr);
	return PS_OK;
}


enum ps_status ps_surv_emit(struct ps_doc *doc, cJSON *parent, const char *prefix, cJSON *options,
			    struct ps_surv_data *s, const struct ps_surv_settings *set, struct ps_error *err)
{
	enum ps_status st;
	struct ps_km km[2];
	memset(km, 0, sizeof(km));
	ps_json_string(doc, options, "strata", s->strata_name);
	ps_json_number(doc, options, "conf_level", set->conf, NULL);
	ps_json_string(doc, options, "ci", ci_name(set->ci));
	ps_json_string(doc, options, "ci_method", "Greenwood variance; limits as R's survfit conf.type");

	for (int g = 0; g < 2; g++) {
		if ((st = ps_surv_table_finish(&s->overall[g])) != PS_OK ||
		    (st = ps_km_fit(&s->overall[g], set->ci, set->conf, &km[g])) != PS_OK)
			goto out;
	}
	for (size_t k = 0; s->strata_name && k < s->nstrata; k++)
		for (int g = 0; g < 2; g++)
			if ((st = ps_surv_table_finish(&s->tables[k * 2 + (size_t)g])) != PS_OK)
				goto out;
	double tau = set->tau_set ? set->tau
		   : (km[0].n && km[1].n) ? ps_rmst_default_tau(&km[PS_GROUP_TREATMENT], &km[PS_GROUP_CONTROL]) : NAN;
	ps_json_number(doc, options, "tau", tau, "no horizon for the restricted mean: a group has no observations");
	ps_json_string(doc, options, "tau_rule", set->tau_set ? "given with --tau" :
		       "the smaller of the two groups' last observed times (survRM2's default)");

	cJSON *groups = ps_json_object(doc, parent, "groups");
	struct ps_rmst rmst[2];
	memset(rmst, 0, sizeof(rmst));
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--)
		if ((st = add_group(doc, prefix, groups, s->label[g], s, g, &km[g], set, tau, &rmst[g])) != PS_OK)
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
	ps_doc_where(doc, "%srmst_difference", prefix);
	cJSON *d = ps_json_object(doc, parent, "rmst_difference");
	ps_json_string(doc, d, "method", "treatment minus control; se = sqrt(se1^2 + se0^2), normal interval");
	ps_json_number(doc, d, "tau", tau, diff.note);
	ps_json_number(doc, d, "estimate", diff.diff, diff.note);
	ps_json_number(doc, d, "std_err", diff.se, diff.note);
	ps_json_number(doc, d, "ci_lower", diff.ci_lower, diff.note);
	ps_json_number(doc, d, "ci_upper", diff.ci_upper, diff.note);
	ps_json_number(doc, d, "conf_level", set->conf, NULL);
	ps_json_number(doc, d, "z", diff.z, diff.note);
	ps_json_number(doc, d, "p_value", diff.p_value, diff.note);

	if ((st = add_logrank(doc, prefix, parent, s, set)) != PS_OK)
		goto out;
	st = add_cox(doc, prefix, parent, s, set, err);
out:
	ps_km_release(&km[0]);
	ps_km_release(&km[1]);
	return st;
}

