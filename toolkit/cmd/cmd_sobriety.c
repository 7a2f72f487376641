/*
 * peerstat sobriety [options] [OUTCOMES]
 *
 * Do people stay sober? From follow-up assessments in long format (the outcomes kind, read by
 * waves_input): at each follow-up wave the follow-up rate per cohort against a target,
 * abstinence among those assessed (completers) and with a missing follow-up counted as use
 * (missing_as_use), both as the binary `compare` block, and percent days abstinent as the
 * continuous `compare` block; then the time to first relapse of those abstinent at baseline
 * through the `survival` engine. The definitions are in docs/methods.md ("sobriety"): every
 * figure follows them, and scripts/golden_cli_sobriety.R recomputes them from the same text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "compare_engine.h"
#include "peerstat/padjust.h"
#include "survival_engine.h"
#include "partial.h"
#include "waves_input.h"

const char cmd_sobriety_usage[] =
	"usage: peerstat sobriety [options] [OUTCOMES]\n"
	"\n"
	"Compare abstinence between the treatment and control cohorts from follow-up assessments\n"
	"(one row per participant per wave): per follow-up wave the follow-up rate against a target,\n"
	"abstinence among those assessed and with missing follow-ups counted as use (Wilson\n"
	"intervals, chi-square, Fisher, risk difference, risk ratio, odds ratio), percent days\n"
	"abstinent (Welch, Mann-Whitney, Hedges' g); time to first relapse of those abstinent at\n"
	"baseline (Kaplan-Meier, log-rank, Cox hazard ratio).\n"
	"\n"
	"  --abstinent COL      the abstinence flag, yes/no (default abstinent)\n"
	"  --days-used COL      days of use in the recall window (default days_used)\n"
	"  --window DAYS        the recall window of days used (default 30)\n"
	"  --followup-target R  follow-up rate to reach, 0 < R <= 1 (default 0.80)\n"
	"  --p-adjust holm|bh   adjust each test's p-values across the follow-up waves\n"
	"  --strata site        stratify the time-to-relapse log-rank test and Cox model by site\n"
	"  --conf LEVEL         confidence level (default 0.95)\n"
	"  --ci log|log-log|plain  Kaplan-Meier limits (default log)\n"
	"  --tau T              restricted-mean horizon (default: the smaller last observed time)\n"
	"  --no-curve           leave the Kaplan-Meier curves out\n"
	"  --partial            write the exact per-participant waves of this input (a shard)\n"
	"                       instead of the result, for `peerstat merge` (docs/scale.md)\n";

enum { OPT_ABSTINENT = 1, OPT_DAYS_USED, OPT_WINDOW, OPT_TARGET, OPT_P_ADJUST, OPT_STRATA, OPT_CONF, OPT_CI, OPT_TAU, OPT_NO_CURVE, OPT_PARTIAL };

/* The value columns declared to the reader, in this order. */
enum { V_ABSTINENT, V_DAYS_USED, NVALUES };

static const char completers_definition[] =
	"participants with an abstinence value at this wave; missing = the others of the cohort";
static const char missing_as_use_definition[] =
	"participants with a baseline row; abstinent only when assessed at this wave and abstinent, a missing "
	"follow-up (no row or no abstinence value) counts as use; missing = participants without a baseline row";
static const char pda_definition[] =
	"100 * (window - days_used) / window per participant with days_used at this wave; missing = the others "
	"of the cohort";

struct settings {
	int window;
	double target;
	double conf;
	int p_adjust;
	enum ps_padjust_method method;
	const char *strata;
};

/* What one follow-up wave keeps for --p-adjust: one outcome per analysis. */
enum { A_COMPLETERS, A_MISSING_AS_USE, A_PDA, NANALYSES };

struct wave_result {
	struct ps_cmp_outcome a[NANALYSES];
};

/* The value of participant p at label k as a 0/1 flag, or -1 when missing (no row, or NA). */
static int flag_at(const struct ps_waves *w, size_t p, size_t k)
{
	double v = ps_waves_value(w, p, k, V_ABSTINENT);
	return isnan(v) ? -1 : v == 1;
}

/* The follow-up block of one wave: per cohort, assessed among those with a baseline row. */
static void add_followup(struct ps_doc *doc, cJSON *item, size_t index, const unsigned long with_base[2],
			 const unsigned long assessed[2], const struct ps_cmp_context *ctx, double target)
{
	cJSON *f = ps_json_object(doc, item, "followup");
	ps_json_number(doc, f, "target", target, NULL);
	cJSON *cohorts = ps_json_object(doc, f, "cohorts");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		ps_doc_where(doc, "waves.%zu.followup.cohorts.%s", index, ctx->label[g]);
		cJSON *c = ps_json_object(doc, cohorts, ctx->label[g]);
		ps_json_int(doc, c, "n_baseline", (int64_t)with_base[g]);
		ps_json_int(doc, c, "assessed", (int64_t)assessed[g]);
		ps_json_int(doc, c, "missing", (int64_t)(with_base[g] - assessed[g]));
		double rate = with_base[g] ? (double)assessed[g] / (double)with_base[g] : NAN;
		ps_json_number(doc, c, "rate", rate, "no participant of this cohort has a baseline row");
		if (isnan(rate))
			ps_json_null(doc, c, "below_target");
		else
			ps_json_bool(doc, c, "below_target", rate < target);
	}
}

/* One follow-up wave (label index k, the index-th follow-up): followup, abstinence, percent days abstinent. */
static enum ps_status add_wave(struct ps_doc *doc, cJSON *array, const struct ps_waves *w, size_t index, size_t k,
			       const struct ps_cmp_context *ctx, const struct settings *s, struct wave_result *r)
{
	unsigned long people[2] = { 0, 0 }, with_base[2] = { 0, 0 }, assessed[2] = { 0, 0 }, rows = 0;
	struct ps_twobytwo completers, as_use;
	ps_twobytwo_init(&completers);
	ps_twobytwo_init(&as_use);
	struct ps_cmp_outcome *pda = &r->a[A_PDA];
	for (size_t p = 0; p < w->nparticipants; p++) {
		int g = w->group[p];
		int present = w->present[ps_waves_cell(w, p, k)];
		int abstinent = flag_at(w, p, k);
		double days = ps_waves_value(w, p, k, V_DAYS_USED);
		people[g]++;
		rows += (unsigned long)present;
		if (w->present[ps_waves_cell(w, p, w->baseline)]) {
			with_base[g]++;
			assessed[g] += (unsigned long)present;
			ps_twobytwo_add(&as_use, g == PS_GROUP_TREATMENT, abstinent == 1);
		}
		if (abstinent >= 0)
			ps_twobytwo_add(&completers, g == PS_GROUP_TREATMENT, abstinent);
		if (!isnan(days) && ps_vec_push(&pda->values[g], 100.0 * ((double)s->window - days) / (double)s->window) != 0)
			return PS_ENOMEM;
	}
	cJSON *item = ps_json_object(doc, array, NULL);
	ps_json_string(doc, item, "wave", ps_strmap_key(&w->labels, k));
	if (rows == 0) {
		ps_doc_where(doc, "waves.%zu", index);
		ps_doc_warn(doc, "wave", "no participant of either cohort has a row at this wave: its figures are null");
	}
	add_followup(doc, item, index, with_base, assessed, ctx, s->target);

	enum ps_status st;
	char where[96];
	cJSON *abst = ps_json_object(doc, item, "abstinence");
	cJSON *block = ps_json_object(doc, abst, "completers");
	ps_json_string(doc, block, "definition", completers_definition);
	unsigned long missing[2] = { people[0] - (unsigned long)completers.n0, people[1] - (unsigned long)completers.n1 };
	snprintf(where, sizeof(where), "waves.%zu.abstinence.completers.", index);
	if ((st = ps_cmp_emit_table(doc, block, where, ctx, &completers, missing, &r->a[A_COMPLETERS], s->conf)) != PS_OK)
		return st;

	block = ps_json_object(doc, abst, "missing_as_use");
	ps_json_string(doc, block, "definition", missing_as_use_definition);
	missing[0] = people[0] - with_base[0];
	missing[1] = people[1] - with_base[1];
	snprintf(where, sizeof(where), "waves.%zu.abstinence.missing_as_use.", index);
	if ((st = ps_cmp_emit_table(doc, block, where, ctx, &as_use, missing, &r->a[A_MISSING_AS_USE], s->conf)) != PS_OK)
		return st;

	block = ps_json_object(doc, item, "percent_days_abstinent");
	ps_json_string(doc, block, "definition", pda_definition);
	for (int g = 0; g < 2; g++)
		pda->missing[g] = people[g] - pda->values[g].n;
	snprintf(where, sizeof(where), "waves.%zu.percent_days_abstinent.", index);
	return ps_cmp_emit_continuous(doc, block, where, ctx, pda, s->conf);
}

/* --p-adjust: each test of each analysis is one family across the follow-up waves. */
static enum ps_status adjust_p(struct ps_doc *doc, struct wave_result *r, size_t nwaves, enum ps_padjust_method method)
{
	enum ps_status st = PS_OK;
	double *p = malloc(nwaves * sizeof(*p)), *adjusted = malloc(nwaves * sizeof(*adjusted));
	if (!p || !adjusted) {
		free(p);
		free(adjusted);
		return PS_ENOMEM;
	}
	for (int a = 0; a < NANALYSES && st == PS_OK; a++)
		for (int t = 0; t < PS_CMP_NTESTS && st == PS_OK; t++) {
			if (!r[0].a[a].test_obj[t])
				continue;
			for (size_t i = 0; i < nwaves; i++)
				p[i] = r[i].a[a].p[t];
			if ((st = ps_padjust(p, nwaves, method, adjusted)) != PS_OK)
				break;
			for (size_t i = 0; i < nwaves; i++) {
				ps_doc_where(doc, "%s", r[i].a[a].test_path[t]);
				ps_json_number(doc, r[i].a[a].test_obj[t], "p_value_adjusted", adjusted[i], "no p-value to adjust");
			}
		}
	free(p);
	free(adjusted);
	return st;
}

/* Position of label k in wave order. */
static size_t order_of(const struct ps_waves *w, size_t k)
{
	for (size_t i = 0; i < w->nwaves; i++)
		if (w->order[i] == k)
			return i;
	return SIZE_MAX;
}

/*
 * Time to first relapse. Eligible: a baseline row with abstinent = yes. The follow-up waves are
 * walked in order; the first with abstinent = no is the event, at that assessment; without one
 * the participant is censored at the last follow-up with an abstinence value (or at the
 * baseline, time 0, when there is none). Time: days from the baseline assessed_on when the input
 * has dates (a participant missing a date needed is left out and counted), else waves after the
 * baseline in wave order. counts[g]: [0] with a baseline row, [1] abstinent, [2] not abstinent,
 * [3] abstinence missing at baseline.
 */
static enum ps_status collect_relapse(const struct ps_waves *w, int days, struct ps_surv_data *surv,
				      unsigned long counts[2][4])
{
	size_t base_pos = order_of(w, w->baseline);
	for (size_t p = 0; p < w->nparticipants; p++) {
		int g = w->group[p];
		if (!w->present[ps_waves_cell(w, p, w->baseline)])
			continue;
		counts[g][0]++;
		int at_base = flag_at(w, p, w->baseline);
		counts[g][at_base == 1 ? 1 : at_base == 0 ? 2 : 3]++;
		if (at_base != 1)
			continue;
		size_t last = w->baseline;
		int event = 0;
		for (size_t i = 0; i < w->nfollowups; i++) {
			size_t k = w->followups[i];
			int a = flag_at(w, p, k);
			if (a < 0)
				continue;
			last = k;
			if (a == 0) {
				event = 1;
				break;
			}
		}
		double time;
		if (days) {
			int32_t d0 = w->assessed_on[ps_waves_cell(w, p, w->baseline)];
			int32_t d1 = w->assessed_on[ps_waves_cell(w, p, last)];
			if (d0 == PS_WAVES_NO_DAY || d1 == PS_WAVES_NO_DAY) {
				surv->missing[g]++;
				continue;
			}
			time = (double)d1 - (double)d0;
		} else {
			time = (double)order_of(w, last) - (double)base_pos;
		}
		const char *site = w->site[p] != SIZE_MAX ? ps_strmap_key(&w->sites, w->site[p]) : NULL;
		if (surv->strata_name && !site) {
			surv->missing[g]++;
			continue;
		}
		enum ps_status st = ps_surv_data_add(surv, g, time, event, site, site ? strlen(site) : 0, NULL);
		if (st != PS_OK)
			return st;
	}
	return PS_OK;
}

static enum ps_status add_relapse(struct ps_doc *doc, const struct ps_common *common, const struct ps_waves *w,
				  const struct ps_cmp_context *ctx, const struct settings *s, const struct ps_surv_settings *set)
{
	struct ps_surv_data surv;
	struct ps_error err;
	unsigned long counts[2][4];
	enum ps_status st;
	ps_error_clear(&err);
	memset(counts, 0, sizeof(counts));
	if ((st = ps_surv_data_init(&surv, ctx->label[PS_GROUP_CONTROL], ctx->label[PS_GROUP_TREATMENT], s->strata, NULL, 0)) !=
	    PS_OK) {
		ps_surv_data_release(&surv);
		return st;
	}
	/* dates when any row of the two cohorts has one */
	int days = 0;
	for (size_t i = 0; i < w->nparticipants * w->nwaves && !days; i++)
		days = w->present[i] && w->assessed_on[i] != PS_WAVES_NO_DAY;
	if ((st = collect_relapse(w, days, &surv, counts)) != PS_OK) {
		ps_surv_data_release(&surv);
		return st;
	}
	cJSON *ttr = ps_json_object(doc, doc->root, "time_to_relapse");
	cJSON *opts = ps_json_object(doc, ttr, "options");
	ps_json_string(doc, opts, "time_unit", days ? "days" : "waves");
	ps_json_string(doc, opts, "time",
		       days ? "days from the baseline assessed_on to the assessment of the event or censoring"
			    : "waves after the baseline in wave order to the assessment of the event or censoring (no "
			      "assessed_on dates in the input)");
	ps_json_string(doc, opts, "eligible", "participants with a baseline row and abstinent = yes at baseline");
	ps_json_string(doc, opts, "event",
		       "relapse: the first follow-up wave at which abstinent = no; else censored at the last follow-up with "
		       "an abstinence value (at 0 when none)");
	ps_json_bool(doc, opts, "interval_censored", 1);
	ps_json_string(doc, opts, "discrete_time",
		       "relapse is only seen at the assessments: the true time lies between the previous assessment and "
		       "the one recorded here (interval-censored). Kaplan-Meier, log-rank and Cox treat the assessment "
		       "times as exact event times, with Efron's handling of the many ties; a discrete-time model "
		       "(complementary log-log per wave) is the alternative");
	cJSON *base = ps_json_object(doc, ttr, "baseline");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		cJSON *c = ps_json_object(doc, base, ctx->label[g]);
		ps_json_int(doc, c, "n_baseline", (int64_t)counts[g][0]);
		ps_json_int(doc, c, "abstinent", (int64_t)counts[g][1]);
		ps_json_int(doc, c, "not_abstinent", (int64_t)counts[g][2]);
		ps_json_int(doc, c, "abstinence_missing", (int64_t)counts[g][3]);
	}
	/* ps_surv_emit writes options.tau (null without observations) before it names a place for
	 * warnings: name it here */
	ps_doc_where(doc, "time_to_relapse.options");
	st = ps_surv_emit(doc, ttr, "time_to_relapse.", opts, &surv, set, &err);
	if (st != PS_OK && err.message[0])
		ps_report_error(common, &err);
	ps_surv_data_release(&surv);
	return st;
}

/* Rows of the two cohorts where abstinent and days_used disagree (as validate counts them). */
static unsigned long inconsistent_rows(const struct ps_waves *w)
{
	unsigned long n = 0;
	for (size_t p = 0; p < w->nparticipants; p++)
		for (size_t k = 0; k < w->nwaves; k++) {
			int a = flag_at(w, p, k);
			double d = ps_waves_value(w, p, k, V_DAYS_USED);
			if (a >= 0 && !isnan(d) && (a == 1) != (d == 0))
				n++;
		}
	return n;
}

enum ps_status cmd_sobriety(int argc, char **argv)
{
	return ps_sobriety_main(argc, argv, NULL);
}

enum ps_status ps_sobriety_main(int argc, char **argv, const struct ps_waves_pre *pre)
{
	static const struct option longopts[] = {
		{ "abstinent", required_argument, NULL, OPT_ABSTINENT },
		{ "days-used", required_argument, NULL, OPT_DAYS_USED },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "followup-target", required_argument, NULL, OPT_TARGET },
		{ "p-adjust", required_argument, NULL, OPT_P_ADJUST },
		{ "strata", required_argument, NULL, OPT_STRATA },
		{ "conf", required_argument, NULL, OPT_CONF },
		{ "ci", required_argument, NULL, OPT_CI },
		{ "tau", required_argument, NULL, OPT_TAU },
		{ "no-curve", no_argument, NULL, OPT_NO_CURVE },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		PS_WAVES_LONG_OPTIONS,
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct ps_waves w;
	struct ps_surv_settings set;
	struct settings s = { 30, 0.80, 0.95, 0, PS_PADJUST_HOLM, NULL };
	struct wave_result *results = NULL;
	struct ps_doc doc = { 0 };
	enum ps_status st = PS_OK;

	/* under merge, messages (a write error on -o) name the command the user ran */
	if (ps_common_init(&common, pre ? "merge" : "sobriety", cmd_sobriety_usage) != PS_OK)
		return PS_ENOMEM;
	ps_waves_init(&w);
	ps_surv_settings_init(&set);
	w.value[V_ABSTINENT] = (struct ps_field_spec){ "abstinence flag", "abstinent", "--abstinent", PS_TYPE_BOOL, 1, 0, 1, 0 };
	w.value[V_DAYS_USED] = (struct ps_field_spec){ "days used in the recall window", "days_used", "--days-used", PS_TYPE_INT, 1, 0, 0, 30 };
	w.nvalues = NVALUES;
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
		int64_t n;
		switch (opt) {
		case OPT_ABSTINENT: w.value[V_ABSTINENT].name = optarg; break;
		case OPT_DAYS_USED: w.value[V_DAYS_USED].name = optarg; break;
		case OPT_WINDOW:
			if (!ps_parse_int(optarg, strlen(optarg), &n, NULL) || n < 1 || n > 3660)
				st = ps_usage_error(&common, "--window takes a whole number of days from 1 to 3660, not '%s'", optarg);
			else
				s.window = (int)n;
			break;
		case OPT_TARGET:
			if (!ps_parse_double(optarg, strlen(optarg), &s.target, NULL) || !(s.target > 0 && s.target <= 1))
				st = ps_usage_error(&common, "--followup-target takes a rate above 0 and at most 1, not '%s'", optarg);
			break;
		case OPT_P_ADJUST:
			s.p_adjust = 1;
			if (strcmp(optarg, "holm") == 0)
				s.method = PS_PADJUST_HOLM;
			else if (strcmp(optarg, "bh") == 0)
				s.method = PS_PADJUST_BH;
			else
				st = ps_usage_error(&common, "--p-adjust takes holm or bh, not '%s'", optarg);
			break;
		case OPT_STRATA:
			if (strcmp(optarg, "site") != 0)
				st = ps_usage_error(&common, "--strata takes 'site' here (sobriety knows cohort and site)");
			s.strata = "site";
			break;
		case OPT_CONF: st = ps_parse_conf(&common, optarg, &set.conf); break;
		case OPT_CI: st = ps_surv_parse_ci(&common, optarg, &set); break;
		case OPT_TAU: st = ps_surv_parse_tau(&common, optarg, &set); break;
		case OPT_NO_CURVE: set.curve = 0; break;
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
		fputs(ps_waves_options_help, stdout);
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "sobriety reads one outcomes file (or standard input), not %d", argc - optind);
		goto done;
	}
	s.conf = set.conf;
	w.value[V_DAYS_USED].max = s.window;
	if (partial) {
		st = ps_waves_write_partial(&w, &common, optind < argc ? argv[optind] : NULL, &recorded);
		goto done;
	}
	w.pre = pre;
	if ((st = ps_waves_read(&w, &common, optind < argc ? argv[optind] : NULL)) != PS_OK)
		goto done;
	if (!(results = calloc(w.nfollowups ? w.nfollowups : 1, sizeof(*results)))) {
		st = PS_ENOMEM;
		goto done;
	}

	if (ps_doc_init(&doc, "sobriety") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	const struct ps_cmp_context ctx = { { w.groups.label[0], w.groups.label[1] }, NULL, NULL, 0 };
	cJSON *input = ps_json_object(&doc, doc.root, "input");
	ps_waves_json_input(&w, &doc, input);
	unsigned long without_base = 0;
	for (size_t p = 0; p < w.nparticipants; p++)
		without_base += !w.present[ps_waves_cell(&w, p, w.baseline)];
	ps_json_int(&doc, input, "participants_without_baseline", (int64_t)without_base);
	unsigned long inconsistent = inconsistent_rows(&w);
	ps_json_int(&doc, input, "inconsistent_abstinence", (int64_t)inconsistent);
	if (inconsistent) {
		ps_doc_where(&doc, "input");
		ps_doc_warn(&doc, "inconsistent_abstinence",
			    "rows where abstinent and days_used disagree (abstinent with days used, or not abstinent with "
			    "0 days): each column is analysed as given");
	}

	cJSON *options = ps_json_object(&doc, doc.root, "options");
	ps_json_string(&doc, options, "abstinent", w.value[V_ABSTINENT].name);
	ps_json_string(&doc, options, "days_used", w.value[V_DAYS_USED].name);
	ps_json_int(&doc, options, "window", s.window);
	ps_json_number(&doc, options, "followup_target", s.target, NULL);
	ps_json_string(&doc, options, "treatment", w.groups.label[PS_GROUP_TREATMENT]);
	ps_json_string(&doc, options, "control", w.groups.label[PS_GROUP_CONTROL]);
	ps_json_number(&doc, options, "conf_level", s.conf, NULL);
	ps_json_string(&doc, options, "p_adjust", s.p_adjust ? ps_padjust_name(s.method) : NULL);

	cJSON *waves = ps_json_array(&doc, doc.root, "waves");
	if (w.nfollowups == 0) {
		ps_doc_where(&doc, "%s", "");
		ps_doc_warn(&doc, "waves", "no follow-up wave in the input: only the baseline was read");
	}
	for (size_t i = 0; i < w.nfollowups && st == PS_OK; i++)
		st = add_wave(&doc, waves, &w, i, w.followups[i], &ctx, &s, &results[i]);
	if (st == PS_OK && s.p_adjust && w.nfollowups)
		st = adjust_p(&doc, results, w.nfollowups, s.method);
	if (st == PS_OK)
		st = add_relapse(&doc, &common, &w, &ctx, &s, &set);
	if (st == PS_OK)
		st = ps_write_doc(&common, &doc);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: sobriety: out of memory\n");
	ps_doc_release(&doc);
	for (size_t i = 0; results && i < w.nfollowups; i++)
		for (int a = 0; a < NANALYSES; a++)
			for (int g = 0; g < 2; g++)
				ps_vec_release(&results[i].a[a].values[g]);
	free(results);
	ps_partial_options_release(&recorded);
	ps_waves_release(&w);
	ps_common_release(&common);
	return st;
}
