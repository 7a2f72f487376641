/*
 * peerstat isolation [options] [OUTCOMES]
 *
 * Does isolation fall, and more with peer support? From follow-up assessments in long format
 * (the outcomes kind, read by waves_input.c): for each follow-up wave, per cohort the pairs of
 * baseline and follow-up scores (attrition counted), the change with its interval, paired t
 * and Wilcoxon signed-rank; between cohorts the change compared (the `compare` contract of
 * --paired-with: Welch, Mann-Whitney, Hedges' g), the ANCOVA of follow-up on baseline and
 * cohort, the proportion improved by at least --mcid (a 2x2), and differential attrition (a
 * 2x2). The statistics are the `compare` engine's; the rules are in docs/methods.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "compare_engine.h"
#include "peerstat/describe.h"
#include "peerstat/padjust.h"
#include "peerstat/ttest.h"
#include "partial.h"
#include "waves_input.h"

const char cmd_isolation_usage[] =
	"usage: peerstat isolation [options] [OUTCOMES]\n"
	"\n"
	"Isolation (loneliness) scores over follow-up waves, treatment versus control cohort: per\n"
	"follow-up wave and cohort the pairs with a baseline score, attrition, baseline and\n"
	"follow-up means, the change (follow-up minus baseline; negative = less isolated) with its\n"
	"interval, paired t and Wilcoxon signed-rank; between cohorts Welch t, Mann-Whitney and\n"
	"Hedges' g on the change, ANCOVA of follow-up on baseline + cohort, the proportion improved\n"
	"by at least --mcid, and differential attrition (chi-square, Fisher).\n"
	"\n"
	"  --score COL          the score column (default isolation_score)\n"
	"  --instrument NAME    sets the valid range (higher = more isolated): ucla3 (3-9), ucla20\n"
	"                       (20-80), promis-si-4a (4-20), promis-si-6a (6-30), promis-si-8a\n"
	"                       (8-40) raw sums; for PROMIS T-scores give --range as well\n"
	"  --range MIN:MAX      valid range of the score; a score outside it is a data error\n"
	"                       (without --instrument or --range no range is checked)\n"
	"  --mcid X             minimal important change: the proportion whose score fell by at\n"
	"                       least X, compared between cohorts (default: none, no such block)\n"
	"  --p-adjust holm|bh   adjust each test's p-values across the follow-up waves\n"
	"  --group COL          synonym of --cohort\n"
	"  --conf LEVEL         confidence level (default 0.95)\n"
	"  --partial            write the exact per-participant waves of this input (a shard)\n"
	"                       instead of the result, for `peerstat merge` (docs/scale.md)\n";

enum { OPT_SCORE = 1, OPT_INSTRUMENT, OPT_RANGE, OPT_MCID, OPT_P_ADJUST, OPT_CONF, OPT_PARTIAL };

struct instrument {
	const char *name;
	double min, max;
	const char *scoring;
};

/* docs/methods.md, "Isolation": the published scoring of each instrument (raw sums). */
static const struct instrument instruments[] = {
	{ "ucla3", 3, 9, "UCLA Loneliness Scale, 3-item short form (Hughes et al. 2004): 3 items scored 1-3, sum 3-9" },
	{ "ucla20", 20, 80,
	  "UCLA Loneliness Scale version 3 (Russell 1996): 20 items scored 1-4, 9 of them reverse-scored, sum 20-80" },
	{ "promis-si-4a", 4, 20, "PROMIS Social Isolation short form 4a: 4 items scored 1-5, raw sum 4-20" },
	{ "promis-si-6a", 6, 30, "PROMIS Social Isolation short form 6a: 6 items scored 1-5, raw sum 6-30" },
	{ "promis-si-8a", 8, 40, "PROMIS Social Isolation short form 8a: 8 items scored 1-5, raw sum 8-40" },
};

struct options {
	const char *score;
	const struct instrument *instrument;
	int range_given;
	double min, max;
	double mcid;                  /* NAN: none */
	int p_adjust;
	enum ps_padjust_method method;
	double conf;
};

/* One follow-up wave's pairs and counts. */
struct wave_data {
	struct ps_cmp_outcome change;     /* base, follow, change per group; y, g, cov[0] for ANCOVA */
	struct ps_vec cov;
	unsigned long participants[2], with_baseline[2], pairs[2], no_row[2], no_score[2];
};

static void wave_data_release(struct wave_data *d)
{
	for (int g = 0; g < 2; g++) {
		ps_vec_release(&d->change.base[g]);
		ps_vec_release(&d->change.follow[g]);
		ps_vec_release(&d->change.change[g]);
	}
	ps_vec_release(&d->change.y);
	ps_vec_release(&d->change.g);
	ps_vec_release(&d->cov);
}

/* Collect the pairs (baseline and follow-up score both present) of follow-up label f. */
static enum ps_status collect(const struct ps_waves *w, size_t f, struct wave_data *d)
{
	memset(d, 0, sizeof(*d));
	d->change.cov = &d->cov;
	for (size_t p = 0; p < w->nparticipants; p++) {
		int g = w->group[p];
		double b = ps_waves_value(w, p, w->baseline, 0), y = ps_waves_value(w, p, f, 0);
		d->participants[g]++;
		if (isnan(b))
			continue;
		d->with_baseline[g]++;
		if (isnan(y)) {
			if (w->present[ps_waves_cell(w, p, f)])
				d->no_score[g]++;
			else
				d->no_row[g]++;
			continue;
		}
		d->pairs[g]++;
		struct ps_cmp_outcome *o = &d->change;
		if (ps_vec_push(&o->base[g], b) || ps_vec_push(&o->follow[g], y) || ps_vec_push(&o->change[g], y - b) ||
		    ps_vec_push(&o->y, y) || ps_vec_push(&o->g, g == PS_GROUP_TREATMENT) || ps_vec_push(&d->cov, b))
			return PS_ENOMEM;
	}
	for (int g = 0; g < 2; g++)
		d->change.pair_missing[g] = d->participants[g] - d->pairs[g];
	return PS_OK;
}

/*
 * A fall of at least mcid from b to y. Decimal scores are not exact in binary (53.2 - 50.2 is
 * -3.0000000000000036, 50.2 - 47.2 is -2.9999999999999964), so a change within 1e-9 of the
 * scores' size of the threshold counts as reaching it: no real change is that close.
 */
static int improved(double b, double y, double mcid)
{
	double scale = fabs(b) > fabs(y) ? fabs(b) : fabs(y);
	return y - b <= -mcid + 1e-9 * (scale > 1 ? scale : 1);
}

/* The descriptive block of one cohort at one wave. */
static enum ps_status add_cohort(struct ps_doc *doc, cJSON *cohorts, const char *where, const char *label,
				 const struct wave_data *d, int g, double conf)
{
	const struct ps_cmp_outcome *o = &d->change;
	struct ps_describe_result b, f, c;
	struct ps_ttest_result t;
	enum ps_status st;
	if ((st = ps_describe_array(o->base[g].v, o->base[g].n, &b)) != PS_OK ||
	    (st = ps_describe_array(o->follow[g].v, o->follow[g].n, &f)) != PS_OK ||
	    (st = ps_describe_array(o->change[g].v, o->change[g].n, &c)) != PS_OK ||
	    (st = ps_ttest_one_sample(o->change[g].v, o->change[g].n, 0, conf, &t)) != PS_OK)
		return st;
	ps_doc_where(doc, "%scohorts.%s", where, label);
	cJSON *obj = ps_json_object(doc, cohorts, label);
	ps_json_int(doc, obj, "participants", (int64_t)d->participants[g]);
	ps_json_int(doc, obj, "n_baseline", (int64_t)d->with_baseline[g]);
	ps_json_int(doc, obj, "n_followed", (int64_t)d->pairs[g]);
	ps_json_int(doc, obj, "n_missing", (int64_t)(d->with_baseline[g] - d->pairs[g]));
	ps_json_int(doc, obj, "missing_no_row", (int64_t)d->no_row[g]);
	ps_json_int(doc, obj, "missing_no_score", (int64_t)d->no_score[g]);
	ps_json_int(doc, obj, "no_baseline_score", (int64_t)(d->participants[g] - d->with_baseline[g]));
	ps_json_number(doc, obj, "followed_proportion",
		       d->with_baseline[g] ? (double)d->pairs[g] / (double)d->with_baseline[g] : NAN,
		       "no participant with a baseline score");
	ps_json_number(doc, obj, "baseline_mean", b.mean, b.note);
	ps_json_number(doc, obj, "baseline_sd", b.sd, b.note);
	ps_json_number(doc, obj, "followup_mean", f.mean, f.note);
	ps_json_number(doc, obj, "followup_sd", f.sd, f.note);
	ps_json_number(doc, obj, "change_mean", c.mean, c.note);
	ps_json_number(doc, obj, "change_sd", c.sd, c.note);
	ps_json_number(doc, obj, "change_ci_lower", t.conf_low, t.note);
	ps_json_number(doc, obj, "change_ci_upper", t.conf_high, t.note);
	ps_json_number(doc, obj, "conf_level", conf, NULL);
	return PS_OK;
}

/* The ANCOVA block when no pair exists: the same keys, null. */
static void empty_ancova(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *ctx,
			 double conf)
{
	static const char note[] = "no pairs: the model needs participants with both scores";
	static const char *const figures[] = { "estimate", "std_err", "statistic", "p_value", "ci_lower", "ci_upper" };
	ps_doc_where(doc, "%sancova", where);
	cJSON *obj = ps_json_object(doc, parent, "ancova");
	ps_json_string(doc, obj, "method",
		       "least squares: value ~ covariates + group, group = 1 for treatment (R: lm, summary.lm, confint)");
	for (size_t i = 0; i < 6; i++)
		ps_json_number(doc, obj, figures[i], NAN, note);
	ps_json_number(doc, obj, "df", NAN, note);
	ps_json_number(doc, obj, "conf_level", conf, NULL);
	ps_json_int(doc, obj, "n", 0);
	ps_json_number(doc, obj, "r_squared", NAN, note);
	ps_json_number(doc, obj, "sigma", NAN, note);
	ps_json_string(doc, obj, "note", note);
	cJSON *means = ps_json_object(doc, obj, "adjusted_means");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "%sancova.adjusted_means.%s", where, ctx->label[g]);
		cJSON *m = ps_json_object(doc, means, ctx->label[g]);
		for (size_t i = 0; i < 6; i++)
			if (i != 2 && i != 3)
				ps_json_number(doc, m, figures[i], NAN, note);
	}
	ps_json_array(doc, obj, "terms");
}

/* Everything of one follow-up wave. */
static enum ps_status add_wave(struct ps_doc *doc, cJSON *array, size_t index, const struct ps_waves *w, size_t f,
			       const struct ps_cmp_context *ctx, const struct options *opt, struct wave_data *d)
{
	enum ps_status st;
	char where[96], base[160];
	const char *label = ps_strmap_key(&w->labels, f);
	snprintf(where, sizeof(where), "waves.%zu.", index);
	if ((st = collect(w, f, d)) != PS_OK)
		return st;
	cJSON *item = ps_json_object(doc, array, NULL);
	ps_json_string(doc, item, "wave", label);
	size_t pairs = d->pairs[0] + d->pairs[1];
	ps_json_int(doc, item, "n_pairs", (int64_t)pairs);
	if (pairs == 0) {
		ps_doc_where(doc, "waves.%zu", index);
		ps_doc_warn(doc, "n_pairs", "no participant has both a baseline and a follow-up score at this wave: its figures are null");
	}
	cJSON *cohorts = ps_json_object(doc, item, "cohorts");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--)
		if ((st = add_cohort(doc, cohorts, where, ctx->label[g], d, g, opt->conf)) != PS_OK)
			return st;
	snprintf(base, sizeof(base), "%schange.", where);
	cJSON *change = ps_json_object(doc, item, "change");
	if ((st = ps_cmp_emit_paired(doc, change, base, ctx, &d->change, opt->conf)) != PS_OK)
		return st;
	if (pairs == 0)
		empty_ancova(doc, item, where, ctx, opt->conf);
	else if ((st = ps_cmp_emit_ancova(doc, item, where, ctx, &d->change, opt->conf)) != PS_OK)
		return st;

	if (isnan(opt->mcid)) {
		ps_json_null(doc, item, "mcid");
	} else {
		struct ps_twobytwo t;
		ps_twobytwo_init(&t);
		for (int g = 0; g < 2; g++)
			for (size_t i = 0; i < d->change.change[g].n; i++)
				ps_twobytwo_add(&t, g == PS_GROUP_TREATMENT,
						improved(d->change.base[g].v[i], d->change.follow[g].v[i], opt->mcid));
		cJSON *mcid = ps_json_object(doc, item, "mcid");
		ps_json_number(doc, mcid, "threshold", opt->mcid, NULL);
		ps_json_string(doc, mcid, "event", "improved: change <= -threshold (the score fell by at least the MCID)");
		snprintf(base, sizeof(base), "%smcid.", where);
		if ((st = ps_cmp_emit_table(doc, mcid, base, ctx, &t, d->change.pair_missing, NULL, opt->conf)) != PS_OK)
			return st;
	}

	struct ps_twobytwo t;
	ps_twobytwo_init(&t);
	t.a = d->with_baseline[PS_GROUP_TREATMENT] - d->pairs[PS_GROUP_TREATMENT];
	t.n1 = d->with_baseline[PS_GROUP_TREATMENT];
	t.c = d->with_baseline[PS_GROUP_CONTROL] - d->pairs[PS_GROUP_CONTROL];
	t.n0 = d->with_baseline[PS_GROUP_CONTROL];
	unsigned long no_base[2] = { d->participants[0] - d->with_baseline[0], d->participants[1] - d->with_baseline[1] };
	cJSON *attr = ps_json_object(doc, item, "attrition");
	ps_json_string(doc, attr, "event",
		       "missing: no follow-up score at this wave, among participants with a baseline score");
	snprintf(base, sizeof(base), "%sattrition.", where);
	return ps_cmp_emit_table(doc, attr, base, ctx, &t, no_base, NULL, opt->conf);
}

/* The test objects adjusted as families across waves: paths under each wave's object. */
#define TREATMENT_LABEL "\001"
#define CONTROL_LABEL "\002"
static const char *const families[][6] = {
	{ "change", "paired", "groups", TREATMENT_LABEL, "paired_t", NULL },
	{ "change", "paired", "groups", TREATMENT_LABEL, "wilcoxon_signed_rank", NULL },
	{ "change", "paired", "groups", CONTROL_LABEL, "paired_t", NULL },
	{ "change", "paired", "groups", CONTROL_LABEL, "wilcoxon_signed_rank", NULL },
	{ "change", "paired", "difference", "welch_t", NULL },
	{ "change", "paired", "difference", "mann_whitney", NULL },
	{ "ancova", NULL },
	{ "mcid", "tests", "chi_square", NULL },
	{ "mcid", "tests", "chi_square_yates", NULL },
	{ "mcid", "tests", "fisher_exact", NULL },
	{ "attrition", "tests", "chi_square", NULL },
	{ "attrition", "tests", "chi_square_yates", NULL },
	{ "attrition", "tests", "fisher_exact", NULL },
};

/* The object at a family's path under a wave, and its dotted path for warnings. */
static cJSON *family_object(cJSON *wave, const char *const *path, const struct ps_cmp_context *ctx, char *dotted,
			    size_t size)
{
	cJSON *o = wave;
	size_t len = strlen(dotted);
	for (size_t i = 0; path[i] && o; i++) {
		const char *key = path[i][0] == '\001' ? ctx->label[PS_GROUP_TREATMENT]
				: path[i][0] == '\002' ? ctx->label[PS_GROUP_CONTROL] : path[i];
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		int n = snprintf(dotted + len, size - len, "%s%s", i ? "." : "", key);
		if (n > 0 && (size_t)n < size - len)
			len += (size_t)n;
	}
	return cJSON_IsObject(o) ? o : NULL;
}

/* p_value of a test object as printed (raw number) or NAN (null). */
static double read_p(const cJSON *obj)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "p_value");
	if (!p || !cJSON_IsRaw(p))
		return NAN;
	return strtod(p->valuestring, NULL);
}

static enum ps_status adjust_across_waves(struct ps_doc *doc, cJSON *waves, size_t nwaves, const struct ps_cmp_context *ctx,
					  enum ps_padjust_method method)
{
	double *p = malloc((nwaves ? nwaves : 1) * sizeof(*p)), *adj = malloc((nwaves ? nwaves : 1) * sizeof(*adj));
	cJSON **obj = malloc((nwaves ? nwaves : 1) * sizeof(*obj));
	char (*paths)[256] = malloc((nwaves ? nwaves : 1) * sizeof(*paths));
	enum ps_status st = PS_OK;
	if (!p || !adj || !obj || !paths) {
		st = PS_ENOMEM;
		goto done;
	}
	for (size_t fam = 0; fam < sizeof(families) / sizeof(families[0]) && st == PS_OK; fam++) {
		size_t k = 0;
		cJSON *wave;
		cJSON_ArrayForEach(wave, waves) {
			snprintf(paths[k], sizeof(paths[k]), "waves.%zu.", k);
			obj[k] = family_object(wave, families[fam], ctx, paths[k], sizeof(paths[k]));
			p[k] = obj[k] ? read_p(obj[k]) : NAN;
			k++;
		}
		if ((st = ps_padjust(p, k, method, adj)) != PS_OK)
			break;
		for (size_t i = 0; i < k; i++)
			if (obj[i]) {
				ps_doc_where(doc, "%s", paths[i]);
				ps_json_number(doc, obj[i], "p_value_adjusted", adj[i], "no p-value to adjust");
			}
	}
done:
	free(p);
	free(adj);
	free(obj);
	free(paths);
	return st;
}

static enum ps_status parse_range(const struct ps_common *common, const char *arg, struct options *o)
{
	const char *colon = strchr(arg, ':');
	if (!colon || !ps_parse_double(arg, (size_t)(colon - arg), &o->min, NULL) ||
	    !ps_parse_double(colon + 1, strlen(colon + 1), &o->max, NULL) || !(o->min < o->max) ||
	    o->min < -PS_NUMBER_LIMIT || o->max > PS_NUMBER_LIMIT)
		return ps_usage_error(common, "--range takes MIN:MAX with MIN < MAX within +-%g (e.g. 3:9), not '%s'",
				      PS_NUMBER_LIMIT, arg);
	o->range_given = 1;
	return PS_OK;
}

static void add_options(struct ps_doc *doc, const struct ps_waves *w, const struct options *o)
{
	cJSON *options = ps_json_object(doc, doc->root, "options");
	ps_doc_where(doc, "options");
	ps_json_string(doc, options, "score", o->score);
	ps_json_string(doc, options, "direction", "higher = more isolated; change = follow-up minus baseline (negative = less isolated)");
	ps_json_string(doc, options, "instrument", o->instrument ? o->instrument->name : NULL);
	ps_json_string(doc, options, "instrument_scoring", o->instrument ? o->instrument->scoring : NULL);
	int range = o->range_given || o->instrument;
	static const char no_range[] = "no range check: give --instrument or --range to reject impossible scores";
	ps_json_number(doc, options, "range_min", range ? o->min : NAN, no_range);
	ps_json_number(doc, options, "range_max", range ? o->max : NAN, no_range);
	ps_json_string(doc, options, "range_rule",
		       o->range_given ? "given with --range" : o->instrument ? "the instrument's raw-sum range" : no_range);
	ps_json_number(doc, options, "mcid", o->mcid,
		       "no --mcid: no responder analysis (an MCID must come from the instrument's literature, none is assumed)");
	ps_json_string(doc, options, "treatment", w->groups.label[PS_GROUP_TREATMENT]);
	ps_json_string(doc, options, "control", w->groups.label[PS_GROUP_CONTROL]);
	cJSON *followup = w->followup_labels ? ps_json_array(doc, options, "followup") : NULL;
	if (!followup)
		ps_json_null(doc, options, "followup");
	for (size_t i = 0; followup && i < w->nfollowup_labels; i++)
		ps_json_string(doc, followup, NULL, w->followup_labels[i]);
	cJSON *order = w->order_labels ? ps_json_array(doc, options, "wave_order") : NULL;
	if (!order)
		ps_json_null(doc, options, "wave_order");
	for (size_t i = 0; order && i < w->norder_labels; i++)
		ps_json_string(doc, order, NULL, w->order_labels[i]);
	ps_json_number(doc, options, "conf_level", o->conf, NULL);
	ps_json_string(doc, options, "p_adjust", o->p_adjust ? ps_padjust_name(o->method) : NULL);
}

enum ps_status cmd_isolation(int argc, char **argv)
{
	return ps_isolation_main(argc, argv, NULL);
}

enum ps_status ps_isolation_main(int argc, char **argv, const struct ps_waves_pre *pre)
{
	static const struct option longopts[] = {
		{ "score", required_argument, NULL, OPT_SCORE },
		{ "instrument", required_argument, NULL, OPT_INSTRUMENT },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "mcid", required_argument, NULL, OPT_MCID },
		{ "p-adjust", required_argument, NULL, OPT_P_ADJUST },
		{ "conf", required_argument, NULL, OPT_CONF },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		PS_WAVES_LONG_OPTIONS,
		/* a synonym of --cohort: the same id, so a partial records it as --cohort */
		{ "group", required_argument, NULL, PS_OPT_WAVES_COHORT },
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct ps_waves w;
	struct ps_doc doc = { 0 };
	struct options o = { "isolation_score", NULL, 0, 1, 0, NAN, 0, PS_PADJUST_HOLM, 0.95 };
	struct wave_data d;
	enum ps_status st = PS_OK;

	memset(&d, 0, sizeof(d));
	/* under merge, messages (a write error on -o) name the command the user ran */
	if (ps_common_init(&common, pre ? "merge" : "isolation", cmd_isolation_usage) != PS_OK)
		return PS_ENOMEM;
	ps_waves_init(&w);
	struct ps_partial_options recorded;
	int partial = 0;
	ps_partial_options_init(&recorded);
	optind = 0;
	opterr = 0;
	int opt, handled, longindex;
	while (st == PS_OK && (longindex = -1,
			       opt = getopt_long(argc, argv, "+:" PS_COMMON_SHORT_OPTIONS, longopts, &longindex)) != -1) {
		/* what a partial records: the options that decide the result (not -o, --partial) */
		if (opt != OPT_PARTIAL && opt != PS_OPT_OUTPUT && opt != PS_OPT_HELP && opt != '?' && opt != ':')
			ps_partial_options_note(&recorded, longopts, longindex, opt, optarg);
		switch (opt) {
		case OPT_SCORE: o.score = optarg; break;
		case OPT_INSTRUMENT:
			o.instrument = NULL;
			for (size_t i = 0; i < sizeof(instruments) / sizeof(instruments[0]); i++)
				if (strcmp(instruments[i].name, optarg) == 0)
					o.instrument = &instruments[i];
			if (!o.instrument)
				st = ps_usage_error(&common,
						    "--instrument takes ucla3, ucla20, promis-si-4a, promis-si-6a or promis-si-8a, not "
						    "'%s' (for another scale give --range MIN:MAX)",
						    optarg);
			break;
		case OPT_RANGE: st = parse_range(&common, optarg, &o); break;
		case OPT_MCID:
			if (!ps_parse_double(optarg, strlen(optarg), &o.mcid, NULL) || !(o.mcid > 0))
				st = ps_usage_error(&common, "--mcid takes a positive change in score points, not '%s'", optarg);
			break;
		case OPT_P_ADJUST:
			o.p_adjust = 1;
			if (strcmp(optarg, "holm") == 0)
				o.method = PS_PADJUST_HOLM;
			else if (strcmp(optarg, "bh") == 0)
				o.method = PS_PADJUST_BH;
			else
				st = ps_usage_error(&common, "--p-adjust takes holm or bh, not '%s'", optarg);
			break;
		case OPT_CONF: st = ps_parse_conf(&common, optarg, &o.conf); break;
		case OPT_PARTIAL: partial = 1; break;
		case '?': st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]); break;
		default:
			if ((st = ps_waves_option(&common, &w, opt, optarg, &handled)) == PS_OK && !handled)
				st = ps_common_option(&common, opt, opt == ':' ? argv[optind - 1] : optarg);
		}
	}
	if (st != PS_OK)
		goto done;
	if (common.help) {
		ps_print_usage(&common);
		fputs("\n", stdout);
		fputs(ps_waves_options_help, stdout);
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "isolation reads one outcomes file (or standard input), not %d", argc - optind);
		goto done;
	}
	if (strcmp(w.groups.label[0], w.groups.label[1]) == 0) {
		st = ps_usage_error(&common, "--treatment and --control must differ");
		goto done;
	}
	if (o.instrument && !o.range_given) {
		o.min = o.instrument->min;
		o.max = o.instrument->max;
	}
	int range = o.range_given || o.instrument;
	w.value[0] = (struct ps_field_spec){ "isolation score", o.score, "--score", PS_TYPE_NUMBER, 1, 0,
					     range ? o.min : -PS_NUMBER_LIMIT, range ? o.max : PS_NUMBER_LIMIT };
	w.nvalues = 1;
	if (partial) {
		st = ps_waves_write_partial(&w, &common, optind < argc ? argv[optind] : NULL, &recorded);
		goto done;
	}
	w.pre = pre;
	if ((st = ps_waves_read(&w, &common, optind < argc ? argv[optind] : NULL)) != PS_OK)
		goto done;

	if (ps_doc_init(&doc, "isolation") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	cJSON *input = ps_json_object(&doc, doc.root, "input");
	ps_waves_json_input(&w, &doc, input);
	add_options(&doc, &w, &o);
	static char *adjust[] = { "baseline" };
	const struct ps_cmp_context ctx = { { w.groups.label[0], w.groups.label[1] }, ps_strmap_key(&w.labels, w.baseline),
					    adjust, 1 };
	cJSON *waves = ps_json_array(&doc, doc.root, "waves");
	for (size_t k = 0; k < w.nfollowups && st == PS_OK; k++) {
		st = add_wave(&doc, waves, k, &w, w.followups[k], &ctx, &o, &d);
		wave_data_release(&d);
	}
	if (w.nfollowups == 0) {
		ps_doc_where(&doc, "input");
		ps_doc_warn(&doc, "waves", "no follow-up wave: only the baseline is in the input");
	}
	if (st == PS_OK && o.p_adjust)
		st = adjust_across_waves(&doc, waves, w.nfollowups, &ctx, o.method);
	if (st != PS_OK)
		goto done;
	st = ps_write_doc(&common, &doc);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: isolation: out of memory\n");
	wave_data_release(&d);
	ps_doc_release(&doc);
	ps_partial_options_release(&recorded);
	ps_waves_release(&w);
	ps_common_release(&common);
	return st;
}
