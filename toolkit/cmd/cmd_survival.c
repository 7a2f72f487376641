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
 * The complete rows are kept (memory grows with participants: the Cox likelihood needs every
 * row) and handed to the engine in an order of their values, not of the input (sort_rows), so
 * that the output depends on the rows only: a shuffled input and a merge of partials
 * (--partial, docs/scale.md) give the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "partial.h"
#include "partial_table.h"
#include "peerstat/sort.h"
#include "survival_engine.h"

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
	"  --no-curve           leave the full curves out of the output\n"
	"  --partial            write the exact cells this input's rows give the analysis (a\n"
	"                       shard), for peerstat merge (docs/scale.md)\n";

enum {
	OPT_TIME = 1, OPT_EVENT, OPT_GROUP, OPT_TREATMENT, OPT_CONTROL, OPT_IGNORE_OTHER, OPT_STRATA, OPT_COVARIATES,
	OPT_AT, OPT_QUANTILES, OPT_TAU, OPT_CONF, OPT_CI, OPT_RHO, OPT_TIES, OPT_NO_CURVE, OPT_PARTIAL
};

/* One complete row: 16 bytes, so that sorting moves little. */
struct kept_row {
	double time;
	uint32_t tag;          /* stratum id << 2 | event << 1 | group */
	uint32_t index;        /* where its covariates are */
};

struct survival {
	struct ps_common *common;
	struct ps_groups groups;
	const char *time_col, *event_col, *strata_col;
	char **covariates;
	size_t ncov;
	struct ps_field_spec time_spec, event_spec, strata_spec, *cov_specs;
	long time_index, event_index, group_index, strata_index, *cov_index;
	struct ps_cell_options cell_options;
	const char *display;
	struct ps_rejects rejects;

	double *covrow;                         /* scratch: one row's covariates */

	/* the complete rows until sort_rows hands them to the engine */
	struct ps_strmap strata;                /* stratum labels, ids in order of appearance */
	size_t n, cap;
	struct kept_row *rows;
	double *cov;                            /* [n][ncov], row kept_row.index */
	unsigned long missing[2];               /* rows left out for a missing value, per group */

	/* --partial: the records of the rows used or counted */
	int partial;
	struct ps_text_buf records;
	size_t nrecords;
	const char **cells;                     /* scratch: one record's cells */
	size_t *cell_lens;
	char *scratch;                /* one record line */
	size_t scratch_cap;
	/* merge: the width of a full record, and the cells of the row being replayed */
	size_t width, replay_cells;
};

/* The cells a record holds, in this order: group, time, event, stratum, covariates. */
static size_t record_width(const struct survival *s)
{
	return 3 + (s->strata_col ? 1 : 0) + s->ncov;
}

/* Where the cells of a record are when it is replayed as a row. */
static void replay_indices(struct survival *s)
{
	long i = 0;
	s->group_index = i++;
	s->time_index = i++;
	s->event_index = i++;
	s->strata_index = s->strata_col ? i++ : -1;
	for (size_t k = 0; k < s->ncov; k++)
		s->cov_index[k] = i++;
}

/* The record of a row: its group cell, and (full) the cells the analysis reads. */
static void put_record(struct survival *s, const struct ps_row *row, int full)
{
	size_t n = 0;
	long index[4] = { s->group_index, s->time_index, s->event_index, s->strata_index };
	for (size_t k = 0; k < (full ? 4u : 1u); k++)
		if (index[k] >= 0) {
			s->cells[n] = row->fields[index[k]];
			s->cell_lens[n++] = row->lens[index[k]];
		}
	for (size_t k = 0; full && k < s->ncov; k++) {
		s->cells[n] = row->fields[s->cov_index[k]];
		s->cell_lens[n++] = row->lens[s->cov_index[k]];
	}
	ps_table_record_put(&s->records, &s->scratch, &s->scratch_cap, s->cells, s->cell_lens, n);
	s->nrecords++;
}

/* Keep one complete row; PS_OK or PS_ENOMEM. -0 is kept as 0: equal values, equal bits. */
static enum ps_status keep_row(struct survival *s, int g, double time, int event, const char *stratum, size_t len)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		if (cap > UINT32_MAX)
			return PS_ENOMEM;
		struct kept_row *r = realloc(s->rows, cap * sizeof(*r));
		if (!r)
			return PS_ENOMEM;
		s->rows = r;
		if (s->ncov) {
			double *c = realloc(s->cov, cap * s->ncov * sizeof(*c));
			if (!c)
				return PS_ENOMEM;
			s->cov = c;
		}
		s->cap = cap;
	}
	size_t id = 0;
	if (s->strata_col && (ps_strmap_intern(&s->strata, stratum, len, &id, NULL) != 0 || id >= (1u << 30)))
		return PS_ENOMEM;
	s->rows[s->n] = (struct kept_row){ time == 0 ? 0 : time, (uint32_t)(id << 2 | (size_t)event << 1 | (size_t)g),
					   (uint32_t)s->n };
	for (size_t k = 0; k < s->ncov; k++)
		s->cov[s->n * s->ncov + k] = s->covrow[k] == 0 ? 0 : s->covrow[k];
	s->n++;
	return PS_OK;
}

struct label {
	const char *s;
	size_t len, id;
};

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Sort keys of kept rows (ps_sort_radix) */
struct cov_key {
	const double *cov;
	size_t ncov, k;
};

static uint64_t key_cov(const void *elem, const void *ctx)
{
	const struct cov_key *c = ctx;
	return ps_sort_key_double(c->cov[((const struct kept_row *)elem)->index * c->ncov + c->k]);
}

static uint64_t key_event_group(const void *elem, const void *ctx)
{
	(void)ctx;
	return ((const struct kept_row *)elem)->tag & 3;
}

static uint64_t key_time(const void *elem, const void *ctx)
{
	(void)ctx;
	return ps_sort_key_double(((const struct kept_row *)elem)->time);
}

static uint64_t key_stratum(const void *elem, const void *ctx)
{
	(void)ctx;
	return ((const struct kept_row *)elem)->tag >> 2;
}

/*
 * Hand the kept rows to the engine ordered by (stratum label in byte order, time, event,
 * group, covariates): the strata get their ids in label order and the Cox sums run in an
 * order of the values, so the result does not depend on the order of the input's rows.
 */
static enum ps_status sort_rows(struct survival *s, struct ps_surv_data *data)
{
	size_t n = s->n, nstrata = s->strata.count;
	struct label *labels = malloc((nstrata ? nstrata : 1) * sizeof(*labels));
	uint32_t *rank = malloc((nstrata ? nstrata : 1) * sizeof(*rank));
	enum ps_status st = labels && rank ? PS_OK : PS_ENOMEM;
	for (size_t i = 0; st == PS_OK && i < nstrata; i++)
		labels[i] = (struct label){ ps_strmap_key(&s->strata, i), ps_strmap_key_len(&s->strata, i), i };
	if (st == PS_OK && nstrata > 1)
		qsort(labels, nstrata, sizeof(*labels), cmp_label);
	for (size_t i = 0; st == PS_OK && i < nstrata; i++)
		rank[labels[i].id] = (uint32_t)i;
	for (size_t i = 0; st == PS_OK && nstrata && i < n; i++)
		s->rows[i].tag = rank[s->rows[i].tag >> 2] << 2 | (s->rows[i].tag & 3);
	/* stable sorts from the minor key to the major one */
	for (size_t k = s->ncov; st == PS_OK && k-- > 0;) {
		struct cov_key c = { s->cov, s->ncov, k };
		st = ps_sort_radix(s->rows, n, sizeof(*s->rows), key_cov, &c, 64);
	}
	if (st == PS_OK && (st = ps_sort_radix(s->rows, n, sizeof(*s->rows), key_event_group, NULL, 2)) == PS_OK &&
	    (st = ps_sort_radix(s->rows, n, sizeof(*s->rows), key_time, NULL, 64)) == PS_OK && nstrata > 1)
		st = ps_sort_radix(s->rows, n, sizeof(*s->rows), key_stratum, NULL, 32);
	for (size_t i = 0; st == PS_OK && i < n; i++) {
		const struct kept_row *r = &s->rows[i];
		const struct label *l = nstrata ? &labels[r->tag >> 2] : NULL;
		const double *cov = s->ncov ? s->cov + (size_t)r->index * s->ncov : s->covrow;
		st = ps_surv_data_add(data, (int)(r->tag & 1), r->time, (int)(r->tag >> 1 & 1), l ? l->s : NULL,
				      l ? l->len : 0, cov);
	}
	data->missing[0] = s->missing[0];
	data->missing[1] = s->missing[1];
	free(labels);
	free(rank);
	/* the engine holds the rows now: ours go before it computes */
	free(s->rows);
	free(s->cov);
	s->rows = NULL;
	s->cov = NULL;
	s->n = s->cap = 0;
	return st;
}

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

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	struct survival *s = ctx;
	int g;
	unsigned long left_out = s->groups.missing_rows + s->groups.other_rows;
	enum ps_status st = ps_groups_row(&s->groups, s->cell_options.na, row, s->group_index, &s->rejects,
				     s->display, &g, err);
	if (g == PS_GROUP_NONE) {
		/* a row left out for its group is counted: so is its record (the group alone) */
		if (s->partial && st == PS_OK && s->groups.missing_rows + s->groups.other_rows > left_out)
			put_record(s, row, 0);
		return st;
	}
	if (s->width && s->replay_cells != s->width)
		return ps_error_set(err, PS_EDATA, "a record of %zu cell%s for a row of a group (edited?)", s->replay_cells,
				    s->replay_cells == 1 ? "" : "s");

	struct ps_value time, event, stratum;
	if (ps_cell_parse(&s->time_spec, &s->cell_options, row->fields[s->time_index], row->lens[s->time_index],
			  (size_t)s->time_index, &time, err) != PS_OK ||
	    ps_cell_parse(&s->event_spec, &s->cell_options, row->fields[s->event_index], row->lens[s->event_index],
			  (size_t)s->event_index, &event, err) != PS_OK)
		return ps_reject_row(&s->rejects, err, s->display, row->line);
	int missing = time.missing || event.missing;
	if (s->strata_index >= 0) {
		if (ps_cell_parse(&s->strata_spec, &s->cell_options, row->fields[s->strata_index], row->lens[s->strata_index],
				  (size_t)s->strata_index, &stratum, err) != PS_OK)
			return ps_reject_row(&s->rejects, err, s->display, row->line);
		missing |= stratum.missing;
	}
	/* every cell is parsed even after a missing one: a bad value must be an error, not
	 * pass as "missing" because an earlier cell of its row was empty */
	for (size_t k = 0; k < s->ncov; k++) {
		struct ps_value v;
		long c = s->cov_index[k];
		if (ps_cell_parse(&s->cov_specs[k], &s->cell_options, row->fields[c], row->lens[c], (size_t)c, &v, err) != PS_OK)
			return ps_reject_row(&s->rejects, err, s->display, row->line);
		missing |= v.missing;
		s->covrow[k] = v.d;
	}
	if (s->partial) {
		put_record(s, row, 1);
		return PS_OK;
	}
	if (missing) {
		/* complete cases only, as R's default na.action; counted, never silent */
		s->missing[g]++;
		return PS_OK;
	}
	if (keep_row(s, g, time.d, (int)event.i, s->strata_index >= 0 ? stratum.s : NULL,
		     s->strata_index >= 0 ? stratum.len : 0) != PS_OK)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	return PS_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The merged records of the partials, each replayed as a row of the table they came from. */
enum ps_status cmd_survival(int argc, char **argv)
{
	return ps_survival_main(argc, argv, NULL);
}

enum ps_status ps_survival_main(int argc, char **argv, const struct ps_table_input *pre)
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
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct survival s;
	struct ps_surv_settings set;
	struct ps_doc doc = { 0 };
	struct ps_surv_data data;
	char *cov_storage = NULL;
	struct ps_error err;
	enum ps_status st = PS_OK;
	struct ps_partial_options recorded;

	memset(&s, 0, sizeof(s));
	memset(&data, 0, sizeof(data));
	ps_error_clear(&err);
	if (ps_common_init(&common, "survival", cmd_survival_usage) != PS_OK)
		return PS_ENOMEM;
	ps_groups_init(&s.groups);
	ps_surv_settings_init(&set);
	ps_strmap_init(&s.strata);
	ps_partial_options_init(&recorded);
	optind = 0;
	opterr = 0;
	int opt, longindex = -1;
	while (st == PS_OK &&
	       (opt = getopt_long(argc, argv, "+:" PS_COMMON_SHORT_OPTIONS, longopts, &longindex)) != -1) {
		/* what a partial records: the options that decide the result (not -o, --partial) */
		if (opt != OPT_PARTIAL && opt != PS_OPT_OUTPUT && opt != PS_OPT_HELP && opt != '?' && opt != ':')
			ps_partial_options_note(&recorded, longopts, longindex, opt, optarg);
		longindex = -1;
		switch (opt) {
		case OPT_TIME: s.time_col = optarg; break;
		case OPT_EVENT: s.event_col = optarg; break;
		case OPT_GROUP: s.groups.column = optarg; break;
		case OPT_TREATMENT: s.groups.label[PS_GROUP_TREATMENT] = optarg; break;
		case OPT_CONTROL: s.groups.label[PS_GROUP_CONTROL] = optarg; break;
		case OPT_IGNORE_OTHER: s.groups.ignore_other = 1; break;
		case OPT_STRATA: s.strata_col = optarg; break;
		case OPT_NO_CURVE: set.curve = 0; break;
		case OPT_PARTIAL: s.partial = 1; break;
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
		case OPT_TAU: st = ps_surv_parse_tau(&common, optarg, &set); break;
		case OPT_CONF: st = ps_parse_conf(&common, optarg, &set.conf); break;
		case OPT_CI: st = ps_surv_parse_ci(&common, optarg, &set); break;
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
	s.cell_options = ps_common_cell_options(&common);
	s.time_spec = (struct ps_field_spec){ "follow-up time", s.time_col, "--time", PS_TYPE_NUMBER, 1, 0, 0, PS_NUMBER_LIMIT };
	s.event_spec = (struct ps_field_spec){ "event indicator", s.event_col, "--event", PS_TYPE_BOOL, 1, 0, 1, 0 };
	s.strata_spec = (struct ps_field_spec){ "stratum", s.strata_col, "--strata", PS_TYPE_LABEL, 1, 0, 1, 0 };
	s.cov_specs = calloc(s.ncov + 1, sizeof(*s.cov_specs));
	s.cov_index = calloc(s.ncov + 1, sizeof(*s.cov_index));
	s.covrow = calloc(s.ncov + 1, sizeof(*s.covrow));
	s.cells = calloc(record_width(&s), sizeof(*s.cells));
	s.cell_lens = calloc(record_width(&s), sizeof(*s.cell_lens));
	if (!s.cov_specs || !s.cov_index || !s.covrow || !s.cells || !s.cell_lens ||
	    ps_surv_data_init(&data, s.groups.label[PS_GROUP_CONTROL], s.groups.label[PS_GROUP_TREATMENT], s.strata_col,
			      s.covariates, s.ncov) != PS_OK) {
		st = PS_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < s.ncov; k++)
		s.cov_specs[k] = (struct ps_field_spec){ "covariate", s.covariates[k], "--covariates", PS_TYPE_NUMBER, 1, 0, -PS_NUMBER_LIMIT, PS_NUMBER_LIMIT };

	unsigned long rows, blank_lines;
	if (pre) { /* merge: the records carry the command's cells in its own order */
		replay_indices(&s);
		s.width = record_width(&s);
	}
	st = ps_table_read(&common, optind < argc ? argv[optind] : NULL, pre, s.width, on_header, on_row, &s,
			   &s.replay_cells, &s.rejects, &s.display, &rows, &blank_lines);
	if (st != PS_OK)
		goto done;
	if (s.partial) {
		st = ps_table_partial_write(&common, &recorded, s.display, rows, blank_lines, &s.rejects,
					    &s.records, s.nrecords);
		goto done;
	}
	if ((st = sort_rows(&s, &data)) != PS_OK)
		goto done;
	if (ps_doc_init(&doc, "survival") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	cJSON *input = ps_json_object(&doc, doc.root, "input");
	ps_json_string(&doc, input, "file", s.display);
	ps_json_int(&doc, input, "rows", (int64_t)rows);
	ps_groups_json(&doc, input, &s.groups);
	ps_json_add_rejects(&doc, input, &s.rejects);
	cJSON *options = ps_json_object(&doc, doc.root, "options");
	ps_json_string(&doc, options, "time", s.time_col);
	ps_json_string(&doc, options, "event", s.event_col);
	ps_json_string(&doc, options, "group", s.groups.column);
	ps_json_string(&doc, options, "treatment", s.groups.label[PS_GROUP_TREATMENT]);
	ps_json_string(&doc, options, "control", s.groups.label[PS_GROUP_CONTROL]);
	if ((st = ps_surv_emit(&doc, doc.root, "", options, &data, &set, &err)) != PS_OK) {
		if (err.message[0])
			ps_report_error(&common, &err);
		goto done;
	}
	st = ps_write_doc(&common, &doc);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: survival: out of memory\n");
	ps_doc_release(&doc);
	ps_surv_data_release(&data);
	ps_strmap_release(&s.strata);
	free(s.rows);
	free(s.cov);
	free(s.cells);
	free(s.cell_lens);
	free(s.scratch);
	free(s.records.buf);
	ps_partial_options_release(&recorded);
	free(s.cov_specs);
	free(s.cov_index);
	free(s.covrow);
	free(s.covariates);
	free(cov_storage);
	free(set.at);
	free(set.quantiles);
	ps_common_release(&common);
	return st;
}
