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
 * participants times outcome columns, never with anything else. They are used in an order of
 * their values, not of the input (canonical_order), so the output depends on the rows only; so
 * `--partial` writes the rows' cells (docs/scale.md) and `peerstat merge` replays them through
 * on_row, giving the single run's bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "compare_engine.h"
#include "partial.h"
#include "partial_table.h"
#include "peerstat/padjust.h"
#include "peerstat/sort.h"

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
	"  --conf LEVEL         confidence level (default 0.95)\n"
	"  --partial            write the exact cells this input's rows give the comparison (a\n"
	"                       shard), for peerstat merge (docs/scale.md)\n";

enum {
	OPT_VALUE = 1, OPT_PAIRED, OPT_ADJUST, OPT_BINARY, OPT_CONTINUOUS, OPT_P_ADJUST, OPT_GROUP, OPT_TREATMENT,
	OPT_CONTROL, OPT_IGNORE_OTHER, OPT_CONF, OPT_PARTIAL
};

struct compare {
	struct ps_common *common;
	struct ps_groups groups;
	struct ps_cmp_outcome *outcomes;
	size_t noutcomes;
	const char *paired_with;
	long paired_index;
	char **adjust;
	size_t nadjust;
	long *adjust_index;
	int force_binary, force_continuous;
	struct ps_cell_options cell_options;
	const char *display;
	struct ps_rejects rejects;
	long group_index;
	double *covrow;
	/* --partial: the records of the rows used or counted */
	int partial;
	struct ps_text_buf records;
	size_t nrecords;
	const char **cells;           /* scratch: one record's cells */
	size_t *cell_lens;
	char *scratch;                /* one record line */
	size_t scratch_cap;
	/* merge: the width of a full record, and the cells of the row being replayed */
	size_t width, replay_cells;
};

/* The cells a record holds, in this order: group, outcomes, baseline, covariates. */
static size_t record_width(const struct compare *c)
{
	return 1 + c->noutcomes + (c->paired_with ? 1 : 0) + c->nadjust;
}

/* Where the cells of a record are when it is replayed as a row. */
static void replay_indices(struct compare *c)
{
	long i = 0;
	c->group_index = i++;
	for (size_t k = 0; k < c->noutcomes; k++)
		c->outcomes[k].index = i++;
	if (c->paired_with)
		c->paired_index = i++;
	for (size_t j = 0; j < c->nadjust; j++)
		c->adjust_index[j] = i++;
}

/* The record of a row: its group cell, and (full) the cells the comparison reads. */
static void put_record(struct compare *c, const struct ps_row *row, int full)
{
	size_t n = 0;
	c->cells[n] = row->fields[c->group_index];
	c->cell_lens[n++] = row->lens[c->group_index];
	for (size_t k = 0; full && k < c->noutcomes; k++) {
		c->cells[n] = row->fields[c->outcomes[k].index];
		c->cell_lens[n++] = row->lens[c->outcomes[k].index];
	}
	if (full && c->paired_with) {
		c->cells[n] = row->fields[c->paired_index];
		c->cell_lens[n++] = row->lens[c->paired_index];
	}
	for (size_t j = 0; full && j < c->nadjust; j++) {
		c->cells[n] = row->fields[c->adjust_index[j]];
		c->cell_lens[n++] = row->lens[c->adjust_index[j]];
	}
	ps_table_record_put(&c->records, &c->scratch, &c->scratch_cap, c->cells, c->cell_lens, n);
	c->nrecords++;
}

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
		spec = (struct ps_field_spec){ "outcome", c->outcomes[k].name, "--value", PS_TYPE_NUMBER, 1, 0, -PS_NUMBER_LIMIT, PS_NUMBER_LIMIT };
		if ((st = ps_schema_resolve(names, ncolumns, &spec, 1, &c->outcomes[k].index, err)) != PS_OK)
			return st;
	}
	if (c->paired_with) {
		spec = (struct ps_field_spec){ "baseline", c->paired_with, "--paired-with", PS_TYPE_NUMBER, 1, 0, -PS_NUMBER_LIMIT, PS_NUMBER_LIMIT };
		if ((st = ps_schema_resolve(names, ncolumns, &spec, 1, &c->paired_index, err)) != PS_OK)
			return st;
	}
	for (size_t j = 0; j < c->nadjust; j++) {
		spec = (struct ps_field_spec){ "covariate", c->adjust[j], "--adjust-for", PS_TYPE_NUMBER, 1, 0, -PS_NUMBER_LIMIT, PS_NUMBER_LIMIT };
		if ((st = ps_schema_resolve(names, ncolumns, &spec, 1, &c->adjust_index[j], err)) != PS_OK)
			return st;
	}
	return PS_OK;
}

/*
 * An outcome cell: a number, or a yes/no word (then the outcome is binary). *missing is set
 * for a missing-value token. Returns PS_EDATA with err filled for anything else.
 */
static enum ps_status parse_outcome(struct compare *c, struct ps_cmp_outcome *o, const char *s, size_t len, double *x,
				    int *missing, struct ps_error *err)
{
	const char *why = NULL;
	int b;
	*missing = 0;
	if (ps_na_set_has(c->cell_options.na, s, len)) {
		*missing = 1;
		return PS_OK;
	}
	if (!c->force_binary && ps_parse_double(s, len, x, &why)) {
		if (fabs(*x) > PS_NUMBER_LIMIT) {
			err->column = (unsigned long)o->index + 1;
			ps_error_copy(err->column_name, sizeof(err->column_name), o->name, strlen(o->name));
			ps_error_copy(err->value, sizeof(err->value), s, len);
			snprintf(err->expected, sizeof(err->expected), "a number from -%g to %g", PS_NUMBER_LIMIT, PS_NUMBER_LIMIT);
			return ps_error_set(err, PS_EDATA, "value out of range");
		}
		if (*x != 0 && *x != 1)
			o->not_01 = 1;
		if (*x == 0)
			*x = 0; /* -0 is 0: equal values are then the same bits, whatever their order */
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
	struct ps_field_spec spec = { "number", name, flag, PS_TYPE_NUMBER, 1, 0, -PS_NUMBER_LIMIT, PS_NUMBER_LIMIT };
	struct ps_value v;
	enum ps_status st = ps_cell_parse(&spec, &c->cell_options, row->fields[index], row->lens[index], (size_t)index, &v, err);
	*x = v.d == 0 ? 0 : v.d;
	*missing = v.missing;
	return st;
}

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	struct compare *c = ctx;
	int g;
	unsigned long left_out = c->groups.missing_rows + c->groups.other_rows;
	enum ps_status st = ps_groups_row(&c->groups, c->cell_options.na, row, c->group_index, &c->rejects,
				     c->display, &g, err);
	if (g == PS_GROUP_NONE) {
		/* a row left out for its group is counted: so is its record (the group alone) */
		if (c->partial && st == PS_OK && c->groups.missing_rows + c->groups.other_rows > left_out)
			put_record(c, row, 0);
		return st;
	}
	if (c->width && c->replay_cells != c->width)
		return ps_error_set(err, PS_EDATA, "a record of %zu cell%s for a row of a group (edited?)", c->replay_cells,
				    c->replay_cells == 1 ? "" : "s");

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
		struct ps_cmp_outcome *o = &c->outcomes[k];
		st = parse_outcome(c, o, row->fields[o->index], row->lens[o->index], &xs[k], &ms[k], err);
	}
	if (st != PS_OK) {
		st = ps_reject_row(&c->rejects, err, c->display, row->line);
		goto out;
	}
	if (c->partial) {
		put_record(c, row, 1);
		goto out;
	}
	for (size_t k = 0; k < c->noutcomes; k++) {
		struct ps_cmp_outcome *o = &c->outcomes[k];
		int oom = 0;
		if (ms[k]) {
			o->missing[g]++;
		} else {
			oom |= ps_vec_push(&o->values[g], xs[k]);
		}
		if (c->paired_with) {
			if (ms[k] || base_missing) {
				o->pair_missing[g]++;
			} else {
				oom |= ps_vec_push(&o->base[g], base) | ps_vec_push(&o->follow[g], xs[k]) |
				       ps_vec_push(&o->change[g], xs[k] - base);
			}
		}
		if (c->nadjust && !ms[k] && !cov_missing) {
			oom |= ps_vec_push(&o->y, xs[k]) | ps_vec_push(&o->g, g == PS_GROUP_TREATMENT);
			for (size_t j = 0; j < c->nadjust; j++)
				oom |= ps_vec_push(&o->cov[j], c->covrow[j]);
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

/* Put v[0..n) in the order given (order is a permutation of 0..n); tmp has room for n. */
static void permute(double *v, const size_t *order, size_t n, double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = v[order[i]];
	memcpy(v, tmp, n * sizeof(*v));
}

static uint64_t key_value(const void *elem, const void *ctx)
{
	(void)ctx;
	return ps_sort_key_double(*(const double *)elem);
}

/*
 * Order the rows of parallel vectors v[0..m) (n values each) by (v[0], v[1], ...), lowest
 * first. Equal tuples are then equal bits (-0 was read as 0), so every sum over them is the
 * same whatever order the rows came in: the single run, a shuffled input and a merge of
 * partials give the same figures, bit for bit. Returns PS_OK or PS_ENOMEM.
 */
static enum ps_status sort_rows(double **v, size_t m, size_t n)
{
	if (n < 2)
		return PS_OK;
	if (m == 1) /* the values themselves: no permutation to apply */
		return ps_sort_radix(v[0], n, sizeof(double), key_value, NULL, 64);
	size_t *order = malloc(n * sizeof(*order));
	double *tmp = malloc(n * sizeof(*tmp));
	enum ps_status st = order && tmp ? PS_OK : PS_ENOMEM;
	for (size_t i = 0; st == PS_OK && i < n; i++)
		order[i] = i;
	/* stable sorts from the minor column to the major one */
	for (size_t j = m; st == PS_OK && j-- > 0;)
		st = ps_sort_order_double(order, n, v[j]);
	for (size_t j = 0; st == PS_OK && j < m; j++)
		permute(v[j], order, n, tmp);
	free(order);
	free(tmp);
	return st;
}

/* Every vector of o in the order of its values (sort_rows), not of the input. */
static enum ps_status canonical_order(struct ps_cmp_outcome *o, size_t nadjust)
{
	enum ps_status st = PS_OK;
	for (int g = 0; g < 2 && st == PS_OK; g++) {
		double *values[1] = { o->values[g].v };
		double *pairs[3] = { o->base[g].v, o->follow[g].v, o->change[g].v };
		if ((st = sort_rows(values, 1, o->values[g].n)) == PS_OK)
			st = sort_rows(pairs, 3, o->base[g].n);
	}
	double **rows = malloc((nadjust + 2) * sizeof(*rows));
	if (!rows)
		return PS_ENOMEM;
	/* ANCOVA's rows: by group, outcome, then the covariates */
	rows[0] = o->g.v;
	rows[1] = o->y.v;
	for (size_t j = 0; j < nadjust; j++)
		rows[2 + j] = o->cov[j].v;
	if (st == PS_OK)
		st = sort_rows(rows, nadjust + 2, o->y.n);
	free(rows);
	return st;
}

static int is_binary(const struct compare *c, const struct ps_cmp_outcome *o)
{
	if (c->force_continuous)
		return 0;
	return c->force_binary || o->saw_words || (!o->not_01 && (o->values[0].n + o->values[1].n) > 0);
}

static enum ps_status analyse(struct compare *c, struct ps_doc *doc, double conf, int p_adjust,
			      enum ps_padjust_method method, unsigned long rows, struct ps_error *err)
{
	enum ps_status st = PS_OK;
	cJSON *input = ps_json_object(doc, doc->root, "input");
	ps_json_string(doc, input, "file", c->display);
	ps_json_int(doc, input, "rows", (int64_t)rows);
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

	const struct ps_cmp_context ctx = { { c->groups.label[0], c->groups.label[1] }, c->paired_with, c->adjust, c->nadjust };
	/* one outcome: its blocks at the top level; several: under values.<column> */
	cJSON *by_value = c->noutcomes > 1 ? ps_json_object(doc, doc->root, "values") : NULL;
	for (size_t k = 0; k < c->noutcomes && st == PS_OK; k++) {
		struct ps_cmp_outcome *o = &c->outcomes[k];
		for (int i = 0; i < PS_CMP_NTESTS; i++)
			o->p[i] = NAN;
		if ((st = canonical_order(o, c->nadjust)) != PS_OK)
			return st;
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
		st = binary ? ps_cmp_emit_binary(doc, parent, where, &ctx, o, conf)
			    : ps_cmp_emit_continuous(doc, parent, where, &ctx, o, conf);
		if (st == PS_OK && c->paired_with && !binary)
			st = ps_cmp_emit_paired(doc, parent, where, &ctx, o, conf);
		if (st == PS_OK && c->nadjust)
			st = ps_cmp_emit_ancova(doc, parent, where, &ctx, o, conf);
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
	for (int t = 0; t < PS_CMP_NTESTS && st == PS_OK; t++) {
		for (size_t k = 0; k < c->noutcomes; k++)
			p[k] = c->outcomes[k].test_obj[t] ? c->outcomes[k].p[t] : NAN;
		if ((st = ps_padjust(p, c->noutcomes, method, adjusted)) != PS_OK)
			break;
		for (size_t k = 0; k < c->noutcomes; k++)
			if (c->outcomes[k].test_obj[t]) {
				ps_doc_where(doc, "%s", c->outcomes[k].test_path[t]);
				ps_json_number(doc, c->outcomes[k].test_obj[t], "p_value_adjusted", adjusted[k],
					       "no p-value to adjust");
			}
	}
	free(p);
	free(adjusted);
	return st;
}

/* The merged records of the partials, each replayed as a row of the table they came from. */
enum ps_status cmd_compare(int argc, char **argv)
{
	return ps_compare_main(argc, argv, NULL);
}

enum ps_status ps_compare_main(int argc, char **argv, const struct ps_table_input *pre)
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
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct compare c;
	struct ps_doc doc = { 0 };
	char *adjust_storage = NULL;
	struct ps_error err;
	enum ps_status st = PS_OK;
	double conf = 0.95;
	int p_adjust = 0;
	enum ps_padjust_method method = PS_PADJUST_HOLM;
	struct ps_partial_options recorded;

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
		case OPT_PARTIAL: c.partial = 1; break;
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
	c.cell_options = ps_common_cell_options(&common);
	c.adjust_index = calloc(c.nadjust + 1, sizeof(*c.adjust_index));
	c.covrow = calloc(c.nadjust + 1, sizeof(*c.covrow));
	c.cells = calloc(record_width(&c), sizeof(*c.cells));
	c.cell_lens = calloc(record_width(&c), sizeof(*c.cell_lens));
	if (!c.adjust_index || !c.covrow || !c.cells || !c.cell_lens) {
		st = PS_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < c.noutcomes; k++)
		if (c.nadjust && !(c.outcomes[k].cov = calloc(c.nadjust, sizeof(struct ps_vec)))) {
			st = PS_ENOMEM;
			goto done;
		}

	unsigned long rows, blank_lines;
	if (pre) { /* merge: the records carry the command's cells in its own order */
		replay_indices(&c);
		c.width = record_width(&c);
	}
	st = ps_table_read(&common, optind < argc ? argv[optind] : NULL, pre, c.width, on_header, on_row, &c,
			   &c.replay_cells, &c.rejects, &c.display, &rows, &blank_lines);
	if (st != PS_OK)
		goto done;
	if (c.partial) {
		st = ps_table_partial_write(&common, &recorded, c.display, rows, blank_lines, &c.rejects,
					    &c.records, c.nrecords);
		goto done;
	}
	if (ps_doc_init(&doc, "compare") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	if ((st = analyse(&c, &doc, conf, p_adjust, method, rows, &err)) != PS_OK) {
		if (err.message[0])
			ps_report_error(&common, &err);
		goto done;
	}
	st = ps_write_doc(&common, &doc);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: compare: out of memory\n");
	ps_doc_release(&doc);
	for (size_t k = 0; k < c.noutcomes; k++) {
		struct ps_cmp_outcome *o = &c.outcomes[k];
		for (int g = 0; g < 2; g++) {
			ps_vec_release(&o->values[g]);
			ps_vec_release(&o->base[g]);
			ps_vec_release(&o->follow[g]);
			ps_vec_release(&o->change[g]);
		}
		ps_vec_release(&o->y);
		ps_vec_release(&o->g);
		for (size_t j = 0; o->cov && j < c.nadjust; j++)
			ps_vec_release(&o->cov[j]);
		free(o->cov);
	}
	free(c.outcomes);
	free(c.adjust);
	free(adjust_storage);
	free(c.adjust_index);
	free(c.covrow);
	free(c.cells);
	free(c.cell_lens);
	free(c.scratch);
	free(c.records.buf);
	ps_partial_options_release(&recorded);
	ps_common_release(&common);
	return st;
}
