/*
 * peerstat retention [options] [ATTENDANCE]
 *
 * Do people stay? From an attendance roll: per cohort the descriptive block (participants,
 * sessions, attendance rates, engagement, completed, dropped out), retention at checkpoint days
 * with Wilson intervals and the treatment-versus-control 2x2 comparison, time to dropout
 * (Kaplan-Meier, median, restricted mean, log-rank, Cox: the `survival` contract) and the dose
 * of sessions attended (the `compare` contract). The per-participant facts are those of
 * `peerstat participants` (docs/methods.md); the statistics are the same engines `survival` and
 * `compare` use.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "attendance_input.h"
#include "commands.h"
#include "compare_engine.h"
#include "partial.h"
#include "survival_engine.h"

const char cmd_retention_usage[] =
	"usage: peerstat retention [options] [ATTENDANCE]\n"
	"\n"
	"Compare retention between the treatment and control cohorts of an attendance roll: per\n"
	"cohort participants, sessions, attendance rate, engagement, completed and dropped out;\n"
	"retention at checkpoint days with Wilson intervals and 2x2 tests; time to dropout\n"
	"(Kaplan-Meier, median, restricted mean, log-rank, Cox hazard ratio); sessions attended\n"
	"(Welch, Mann-Whitney, Hedges' g).\n"
	"\n"
	"  --at D1,D2,...       checkpoint days (default 30,60,90,180)\n"
	"  --strata site        stratify the log-rank test and the Cox model by site\n"
	"  --group COL          synonym of --cohort (the cohort column)\n"
	"  --treatment LABEL    treatment cohort (default peer)\n"
	"  --control LABEL      control cohort (default therapy_only)\n"
	"  --ignore-other-groups  leave other cohorts out of the comparisons\n"
	"  --conf LEVEL         confidence level (default 0.95)\n"
	"  --ci log|log-log|plain  Kaplan-Meier limits (default log)\n"
	"  --tau DAYS           restricted-mean horizon (default: the smaller last observed time)\n"
	"  --no-curve           leave the Kaplan-Meier curves out\n"
	"  --partial            write the exact per-participant aggregates of this input (a shard)\n"
	"                       instead of the result, for `peerstat merge` (docs/scale.md)\n";

enum { OPT_AT = 1, OPT_STRATA, OPT_TREATMENT, OPT_CONTROL, OPT_IGNORE_OTHER, OPT_CONF, OPT_CI, OPT_TAU, OPT_NO_CURVE, OPT_PARTIAL };

/*
 * The sessions block (descriptives, t tests, Mann-Whitney with the Hodges-Lehmann interval,
 * effect sizes: the largest part of the analysis on a large roll) is built in a second thread
 * while the checkpoints and the time-to-dropout block are built in the first. Each block is a
 * part of its own (ps_doc_init_part), put into the document in document order, warnings
 * included, so the output is the one a single thread gives.
 */
struct sessions_job {
	const struct ps_cmp_context *ctx;
	struct ps_cmp_outcome *sessions;
	double conf;
	struct ps_doc part;
	enum ps_status st;
};

static void *sessions_block(void *arg)
{
	struct sessions_job *job = arg;
	if (ps_doc_init_part(&job->part) != 0) {
		job->st = PS_ENOMEM;
		return NULL;
	}
	cJSON *sess = ps_json_object(&job->part, job->part.root, "sessions");
	ps_json_string(&job->part, sess, "value", "sessions_attended per participant");
	job->st = ps_cmp_emit_continuous(&job->part, sess, "sessions.", job->ctx, job->sessions, job->conf);
	return NULL;
}

/* The time-to-dropout block (the `survival` contract), as a part of its own. */
static enum ps_status dropout_block(struct ps_doc *part, struct ps_surv_data *surv, const struct ps_surv_settings *set,
				    struct ps_error *err)
{
	if (ps_doc_init_part(part) != 0)
		return PS_ENOMEM;
	cJSON *ttd = ps_json_object(part, part->root, "time_to_dropout");
	cJSON *ttd_options = ps_json_object(part, ttd, "options");
	ps_json_string(part, ttd_options, "time", "retention_days: last attended session - enrolment, in days");
	ps_json_string(part, ttd_options, "event", "dropped_out (else censored: completed or still active)");
	return ps_surv_emit(part, ttd, "time_to_dropout.", ttd_options, surv, set, err);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The group of a cohort label: treatment, control, or PS_GROUP_NONE for another cohort. */
static int group_of(const struct ps_groups *groups, const char *label)
{
	for (int g = 0; g < 2; g++)
		if (strcmp(groups->label[g], label) == 0)
			return g;
	return PS_GROUP_NONE;
}

/*
 * Put facts in the given order in place (facts[k] becomes the old facts[order[k]]), following
 * each cycle once; order ends as the identity. Every later pass then reads the facts in
 * sequence instead of jumping through 16 MB at random (250 000 participants).
 */
static void permute_facts(struct ps_participant_facts *facts, size_t *order, size_t n)
{
	for (size_t start = 0; start < n; start++) {
		if (order[start] == start)
			continue;
		struct ps_participant_facts first = facts[start];
		size_t k = start;
		for (;;) {
			size_t from = order[k];
			order[k] = k;
			if (from == start) {
				facts[k] = first;
				break;
			}
			facts[k] = facts[from];
			k = from;
		}
	}
}

struct hashed_index {
	uint64_t hash;
	size_t index;
};

/*
 * The participants in order of their id hashes (facts[i].id_hash, computed with the facts in
 * two threads), ties (colliding hashes) in index order: *order receives a malloc'ed
 * permutation (caller frees). SipHash values are uniform, so one counting pass and one
 * scatter by the top bits (about two participants a bucket) and an insertion sort of each
 * bucket on the whole hash do what four radix passes did. Returns PS_OK or PS_ENOMEM.
 */
static enum ps_status order_by_id_hash(const struct ps_participant_facts *facts, size_t n, size_t **order)
{
	unsigned bits = 1;
	while (bits < 24 && ((size_t)1 << (bits + 1)) <= n)
		bits++;
	size_t buckets = (size_t)1 << bits;
	struct hashed_index *k = malloc((n ? n : 1) * sizeof(*k));
	size_t *start = calloc(buckets + 1, sizeof(*start));
	*order = malloc((n ? n : 1) * sizeof(**order));
	if (!k || !start || !*order) {
		free(k);
		free(start);
		free(*order);
		*order = NULL;
		return PS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		start[(facts[i].id_hash >> (64 - bits)) + 1]++;
	for (size_t b = 0; b < buckets; b++)
		start[b + 1] += start[b];
	for (size_t i = 0; i < n; i++) { /* in index order: each bucket holds its members by index */
		size_t b = (size_t)(facts[i].id_hash >> (64 - bits));
		k[start[b]++] = (struct hashed_index){ facts[i].id_hash, i };
	}
	/* start[b] is now where bucket b + 1 begins: sort each bucket, stably */
	for (size_t b = 0, from = 0; b < buckets; from = start[b++]) {
		for (size_t i = from + 1; i < start[b]; i++) {
			struct hashed_index x = k[i];
			size_t j = i;
			for (; j > from && k[j - 1].hash > x.hash; j--)
				k[j] = k[j - 1];
			k[j] = x;
		}
	}
	for (size_t i = 0; i < n; i++)
		(*order)[i] = k[i].index;
	free(k);
	free(start);
	return PS_OK;
}

/* The descriptive block of one cohort. */
static void add_cohort(struct ps_doc *doc, cJSON *cohorts, const char *label, const struct ps_participant_facts *facts,
		       const size_t *order, size_t n, size_t cohort)
{
	unsigned long people = 0, never = 0, engaged = 0, completed = 0, dropped = 0, active = 0;
	unsigned long long scheduled = 0, attended = 0;
	double rate_sum = 0;
	for (size_t k = 0; k < n; k++) {
		const struct ps_participant_facts *f = &facts[order[k]];
		if (f->cohort != cohort)
			continue;
		people++;
		never += f->never_attended;
		engaged += f->engaged;
		completed += f->completed;
		dropped += f->dropped_out;
		active += f->active;
		scheduled += f->sessions_scheduled;
		attended += f->sessions_attended;
		rate_sum += f->attendance_rate; /* a floating sum: in the fixed order, so always the same */
	}
	ps_doc_where(doc, "cohorts.%s", label);
	cJSON *c = ps_json_object(doc, cohorts, label);
	ps_json_int(doc, c, "participants", (int64_t)people);
	ps_json_int(doc, c, "never_attended", (int64_t)never);
	ps_json_int(doc, c, "sessions_scheduled", (int64_t)scheduled);
	ps_json_int(doc, c, "sessions_attended", (int64_t)attended);
	ps_json_number(doc, c, "attendance_rate_mean", people ? rate_sum / (double)people : NAN, "no participants");
	ps_json_number(doc, c, "attendance_rate_pooled", scheduled ? (double)attended / (double)scheduled : NAN,
		       "no sessions scheduled");
	ps_json_int(doc, c, "engaged", (int64_t)engaged);
	ps_json_number(doc, c, "engaged_proportion", people ? (double)engaged / (double)people : NAN, "no participants");
	ps_json_int(doc, c, "completed", (int64_t)completed);
	ps_json_int(doc, c, "dropped_out", (int64_t)dropped);
	ps_json_int(doc, c, "active", (int64_t)active);
}

/*
 * One checkpoint: eligible are the participants observable to day d (enrolled at least d days
 * before as_of, or dropped out before d), less those still active whose attendance so far does
 * not reach d: their status at d is not known yet (censored before d, as Kaplan-Meier treats
 * them). Retained are those whose retention reaches d, and those who completed the programme.
 */
static enum ps_status add_checkpoint(struct ps_doc *doc, cJSON *array, int32_t day, const struct ps_participant_facts *f,
				     size_t n, const int *group, const struct ps_cmp_context *ctx, double conf, size_t index)
{
	struct ps_twobytwo table;
	unsigned long eligible[2] = { 0, 0 }, retained[2] = { 0, 0 }, not_yet[2] = { 0, 0 };
	ps_twobytwo_init(&table);
	for (size_t i = 0; i < n; i++) {
		int g = group[f[i].cohort];
		if (g == PS_GROUP_NONE)
			continue;
		int is_eligible = (f[i].observed_days >= day || (f[i].dropped_out && f[i].retention_days < day)) &&
				  !(f[i].active && f[i].retention_days < day);
		if (!is_eligible) {
			not_yet[g]++;
			continue;
		}
		int is_retained = f[i].completed || f[i].retention_days >= day;
		eligible[g]++;
		retained[g] += is_retained;
		ps_twobytwo_add(&table, g == PS_GROUP_TREATMENT, is_retained);
	}
	cJSON *item = ps_json_object(doc, array, NULL);
	ps_json_int(doc, item, "day", day);
	cJSON *cohorts = ps_json_object(doc, item, "cohorts");
	for (int g = PS_GROUP_TREATMENT; g >= PS_GROUP_CONTROL; g--) {
		cJSON *c = ps_json_object(doc, cohorts, ctx->label[g]);
		ps_json_int(doc, c, "eligible", (int64_t)eligible[g]);
		ps_json_int(doc, c, "retained", (int64_t)retained[g]);
		ps_json_int(doc, c, "not_yet_observable", (int64_t)not_yet[g]);
	}
	char where[64];
	snprintf(where, sizeof(where), "checkpoints.%zu.comparison.", index);
	cJSON *comparison = ps_json_object(doc, item, "comparison");
	return ps_cmp_emit_table(doc, comparison, where, ctx, &table, not_yet, NULL, conf);
}

/*
 * The order of the cohorts in "cohorts": the control, the treatment, then other cohorts in byte
 * order of their labels, whatever the order of rows or shards.
 */
static int cohort_rank(const struct ps_groups *groups, const char *label)
{
	return strcmp(label, groups->label[PS_GROUP_CONTROL]) == 0 ? 0 : strcmp(label, groups->label[PS_GROUP_TREATMENT]) == 0 ? 1 : 2;
}

static const struct ps_groups *sort_groups;
static const struct ps_strmap *sort_cohorts;

static int cmp_cohort(const void *a, const void *b)
{
	const char *x = ps_strmap_key(sort_cohorts, *(const size_t *)a), *y = ps_strmap_key(sort_cohorts, *(const size_t *)b);
	int rx = cohort_rank(sort_groups, x), ry = cohort_rank(sort_groups, y);
	return rx != ry ? rx - ry : strcmp(x, y);
}

enum ps_status cmd_retention(int argc, char **argv)
{
	return ps_retention_main(argc, argv, NULL);
}

enum ps_status ps_retention_main(int argc, char **argv, struct ps_partial_input *pre)
{
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, OPT_AT },
		{ "strata", required_argument, NULL, OPT_STRATA },
		{ "treatment", required_argument, NULL, OPT_TREATMENT },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "ignore-other-groups", no_argument, NULL, OPT_IGNORE_OTHER },
		{ "conf", required_argument, NULL, OPT_CONF },
		{ "ci", required_argument, NULL, OPT_CI },
		{ "tau", required_argument, NULL, OPT_TAU },
		{ "no-curve", no_argument, NULL, OPT_NO_CURVE },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		PS_ROSTER_LONG_OPTIONS,
		PS_ATTENDANCE_LONG_OPTIONS,
		/* a synonym of --cohort: the same id, so a partial records it as --cohort */
		{ "group", required_argument, NULL, PS_OPT_ATT_BASE + PS_ATT_COHORT },
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct ps_attendance att;
	struct ps_groups groups;
	struct ps_roster_rules rules = ps_roster_rules_default();
	struct ps_surv_settings set;
	struct ps_surv_data surv;
	struct ps_cmp_outcome sessions;
	struct ps_participant_facts *facts = NULL;
	struct ps_doc doc = { 0 }, dropout_part = { 0 };
	struct sessions_job sessions_job = { 0 };
	pthread_t sessions_thread;
	int sessions_started = 0;
	double *at = NULL;
	long nat = 0;
	int *group = NULL;
	size_t *order = NULL, *cohort_order = NULL;
	struct ps_partial_options recorded;
	int partial = 0;
	const char *as_of_arg = NULL, *strata = NULL;
	size_t n = 0;
	struct ps_error err;
	enum ps_status st = PS_OK;
	int surv_ready = 0;

	ps_error_clear(&err);
	memset(&sessions, 0, sizeof(sessions));
	memset(&surv, 0, sizeof(surv));
	/* under merge, messages (a write error on -o) name the command the user ran */
	if (ps_common_init(&common, pre ? "merge" : "retention", cmd_retention_usage) != PS_OK)
		return PS_ENOMEM;
	ps_attendance_init(&att);
	ps_groups_init(&groups);
	ps_surv_settings_init(&set);
	ps_partial_options_init(&recorded);
	optind = 0;
	opterr = 0;
	int opt, handled, longindex;
	while (st == PS_OK && (longindex = -1,
			       opt = getopt_long(argc, argv, "+:" PS_COMMON_SHORT_OPTIONS, longopts, &longindex)) != -1) {
		/* what a partial records: the options that decide the result (not -o, --threads, --partial) */
		if (opt != OPT_PARTIAL && opt != PS_OPT_OUTPUT && opt != PS_OPT_THREADS && opt != PS_OPT_HELP && opt != '?' &&
		    opt != ':')
			ps_partial_options_note(&recorded, longopts, longindex, opt, optarg);
		if (ps_attendance_option(&att, opt, optarg))
			continue;
		switch (opt) {
		case OPT_AT:
			free(at);
			if ((nat = ps_parse_number_list(&common, "--at", optarg, &at)) < 0) {
				st = PS_EUSAGE;
				break;
			}
			for (long i = 0; i < nat; i++)
				if (at[i] < 1 || at[i] != floor(at[i]) || at[i] > 100000)
					st = ps_usage_error(&common, "--at takes whole numbers of days >= 1");
			qsort(at, (size_t)nat, sizeof(double), cmp_double);
			break;
		case OPT_STRATA:
			if (strcmp(optarg, "site") != 0)
				st = ps_usage_error(&common, "--strata takes 'site' here (retention knows cohort and site)");
			strata = "site";
			break;
		case OPT_TREATMENT: groups.label[PS_GROUP_TREATMENT] = optarg; break;
		case OPT_CONTROL: groups.label[PS_GROUP_CONTROL] = optarg; break;
		case OPT_IGNORE_OTHER: groups.ignore_other = 1; break;
		case OPT_CONF: st = ps_parse_conf(&common, optarg, &set.conf); break;
		case OPT_CI: st = ps_surv_parse_ci(&common, optarg, &set); break;
		case OPT_TAU: st = ps_surv_parse_tau(&common, optarg, &set); break;
		case OPT_NO_CURVE: set.curve = 0; break;
		case OPT_PARTIAL: partial = 1; break;
		case PS_OPT_AS_OF: as_of_arg = optarg; break;
		case '?': st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]); break;
		default:
			if ((st = ps_roster_option(&common, &att, &rules, opt, optarg, &handled)) == PS_OK && !handled)
				st = ps_common_option(&common, opt, opt == ':' ? argv[optind - 1] : optarg);
		}
	}
	if (st == PS_OK && as_of_arg)
		st = ps_roster_option(&common, &att, &rules, PS_OPT_AS_OF, as_of_arg, &handled);
	if (st != PS_OK)
		goto done;
	if (common.help) {
		ps_print_usage(&common);
		fputs(ps_roster_options_help, stdout);
		fputs(ps_attendance_options_help, stdout);
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "retention reads one attendance file (or standard input), not %d", argc - optind);
		goto done;
	}
	if (strcmp(groups.label[0], groups.label[1]) == 0) {
		st = ps_usage_error(&common, "--treatment and --control must differ");
		goto done;
	}
	if (!at) {
		static const double default_at[] = { 30, 60, 90, 180 };
		nat = 4;
		if (!(at = malloc(sizeof(default_at)))) {
			st = PS_ENOMEM;
			goto done;
		}
		memcpy(at, default_at, sizeof(default_at));
	}
	if (pre) {
		/* merge: the merged roster of the partials stands for the input (it is ours now) */
		att.roster = pre->roster;
		memset(&pre->roster, 0, sizeof(pre->roster));
		att.display = pre->display;
		att.rows = pre->rows;
		att.blank_lines = pre->blank_lines;
		att.threads_used = pre->threads;
		att.rejects = pre->rejects;
	} else if ((att.keep_halves = !partial), /* a partial writes the merged roster */
		   (st = ps_attendance_read(&att, &common, optind < argc ? argv[optind] : NULL)) != PS_OK) {
		goto done;
	}
	if (partial) {
		st = ps_partial_write_roster(&common, &recorded, &att);
		goto done;
	}
	int32_t as_of;
	if ((st = ps_attendance_finish(&att, &rules, &facts, &n, &as_of, &err)) != PS_OK) {
		ps_report_error(&common, &err);
		goto done;
	}
	/* cohorts: treatment and control compared; another cohort is an error unless ignored */
	size_t ncohorts = att.roster.cohorts.count;
	if (!(group = malloc((ncohorts ? ncohorts : 1) * sizeof(*group)))) {
		st = PS_ENOMEM;
		goto done;
	}
	/* participants in the order of their id hashes: the result depends on the participants only */
	if ((st = order_by_id_hash(facts, n, &order)) != PS_OK ||
	    !(cohort_order = malloc((ncohorts ? ncohorts : 1) * sizeof(*cohort_order)))) {
		st = PS_ENOMEM;
		goto done;
	}
	permute_facts(facts, order, n);
	for (size_t k = 0; k < ncohorts; k++)
		cohort_order[k] = k;
	sort_groups = &groups;
	sort_cohorts = &att.roster.cohorts;
	qsort(cohort_order, ncohorts, sizeof(*cohort_order), cmp_cohort);
	unsigned long other = 0;
	for (size_t j = 0; j < ncohorts; j++) {
		size_t k = cohort_order[j];
		group[k] = group_of(&groups, ps_strmap_key(&att.roster.cohorts, k));
		if (group[k] == PS_GROUP_NONE && !groups.ignore_other) {
			ps_error_set(&err, PS_EDATA,
				     "cohort '%s' is neither treatment '%s' nor control '%s' (set them with --treatment and "
				     "--control, or pass --ignore-other-groups)",
				     ps_strmap_key(&att.roster.cohorts, k), groups.label[PS_GROUP_TREATMENT],
				     groups.label[PS_GROUP_CONTROL]);
			ps_error_copy(err.file, sizeof(err.file), att.display, strlen(att.display));
			ps_report_error(&common, &err);
			st = PS_EDATA;
			goto done;
		}
	}
	if ((st = ps_surv_data_init(&surv, groups.label[PS_GROUP_CONTROL], groups.label[PS_GROUP_TREATMENT], strata, NULL,
				    0)) != PS_OK)
		goto done;
	surv_ready = 1;
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		int g = group[facts[i].cohort];
		if (g == PS_GROUP_NONE) {
			other++;
			continue;
		}
		const char *site = facts[i].site >= 0 ? ps_strmap_key(&att.roster.sites, (size_t)facts[i].site) : NULL;
		if (strata && !site) {
			surv.missing[g]++; /* no site: left out of the stratified analysis, counted */
		} else if ((st = ps_surv_data_add(&surv, g, facts[i].retention_days, facts[i].dropped_out, site,
						  site ? strlen(site) : 0, NULL)) != PS_OK) {
			goto done;
		}
		if (ps_vec_push(&sessions.values[g], facts[i].sessions_attended) != 0) {
			st = PS_ENOMEM;
			goto done;
		}
	}

	const struct ps_cmp_context ctx = { { groups.label[0], groups.label[1] }, NULL, NULL, 0 };
	sessions_job.ctx = &ctx;
	sessions_job.sessions = &sessions;
	sessions_job.conf = set.conf;
	sessions_started = pthread_create(&sessions_thread, NULL, sessions_block, &sessions_job) == 0;
	if (!sessions_started)
		sessions_block(&sessions_job); /* no second thread to be had: the same work in this one */
	if (ps_doc_init(&doc, "retention") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	char buf[16];
	cJSON *input = ps_json_object(&doc, doc.root, "input");
	ps_json_string(&doc, input, "file", att.display);
	ps_json_int(&doc, input, "rows", (int64_t)att.rows);
	ps_json_int(&doc, input, "blank_lines", (int64_t)att.blank_lines);
	ps_json_int(&doc, input, "participants", (int64_t)n);
	ps_json_int(&doc, input, "participants_other_cohorts", (int64_t)other);
	ps_json_int(&doc, input, "threads", att.threads_used);
	ps_json_add_rejects(&doc, input, &att.rejects);

	cJSON *options = ps_json_object(&doc, doc.root, "options");
	ps_json_string(&doc, options, "as_of", ps_format_date(as_of, buf));
	ps_json_string(&doc, options, "as_of_rule", as_of_arg ? "given with --as-of" : "the latest session date in the roll");
	ps_json_int(&doc, options, "dropout_gap_days", rules.dropout_gap_days);
	ps_json_int(&doc, options, "engaged_min", rules.engaged_min);
	ps_json_int(&doc, options, "engaged_window_days", rules.engaged_window_days);
	ps_json_string(&doc, options, "treatment", groups.label[PS_GROUP_TREATMENT]);
	ps_json_string(&doc, options, "control", groups.label[PS_GROUP_CONTROL]);
	ps_json_number(&doc, options, "conf_level", set.conf, NULL);

	cJSON *cohorts = ps_json_object(&doc, doc.root, "cohorts");
	for (size_t k = 0; k < ncohorts; k++)
		add_cohort(&doc, cohorts, ps_strmap_key(&att.roster.cohorts, cohort_order[k]), facts, order, n, cohort_order[k]);

	cJSON *checkpoints = ps_json_array(&doc, doc.root, "checkpoints");
	for (long i = 0; i < nat && st == PS_OK; i++)
		st = add_checkpoint(&doc, checkpoints, (int32_t)at[i], facts, n, group, &ctx, set.conf, (size_t)i);
	if (st != PS_OK)
		goto done;

	if ((st = dropout_block(&dropout_part, &surv, &set, &err)) != PS_OK) {
		if (err.message[0])
			ps_report_error(&common, &err);
		goto done;
	}
	if (sessions_started) {
		pthread_join(sessions_thread, NULL);
		sessions_started = 0;
	}
	if ((st = sessions_job.st) != PS_OK)
		goto done;
	ps_doc_adopt(&doc, doc.root, &dropout_part, "time_to_dropout");
	ps_doc_adopt(&doc, doc.root, &sessions_job.part, "sessions");
	st = ps_write_doc(&common, &doc);
done:
	if (sessions_started)
		pthread_join(sessions_thread, NULL);
	ps_doc_release(&dropout_part);
	ps_doc_release(&sessions_job.part);
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: retention: out of memory\n");
	ps_doc_release(&doc);
	if (surv_ready)
		ps_surv_data_release(&surv);
	ps_vec_release(&sessions.values[0]);
	ps_vec_release(&sessions.values[1]);
	free(group);
	free(order);
	free(cohort_order);
	ps_partial_options_release(&recorded);
	free(facts);
	free(at);
	ps_attendance_release(&att);
	ps_common_release(&common);
	return st;
}
