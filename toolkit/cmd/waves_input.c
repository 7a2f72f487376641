/* Follow-up assessments in long format read into participants x waves; see waves_input.h. */
#include "waves_input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char ps_waves_options_help[] =
	"Outcomes columns and waves (docs/schema.md, kind outcomes; docs/methods.md, wave rules):\n"
	"  --id COL             participant id (participant_id; REDCap: record_id)\n"
	"  --cohort COL         cohort (cohort)\n"
	"  --site COL           site (site, optional)\n"
	"  --wave COL           assessment wave (wave; REDCap: redcap_event_name)\n"
	"  --assessed-on COL    assessment date (assessed_on, optional)\n"
	"  --baseline LABEL     the baseline wave (default: 'baseline', else the one label starting\n"
	"                       with 'baseline_', else the smallest when every label is a number)\n"
	"  --followup L1,L2,... the follow-up waves (default: every wave after the baseline)\n"
	"  --wave-order L1,...  the order of the waves, for labels that do not sort naturally\n"
	"                       (default: baseline first, then natural order: 3m < 6m < 12m);\n"
	"                       a row with a wave not in the list is an error\n"
	"  --treatment LABEL    treatment cohort (default peer)\n"
	"  --control LABEL      control cohort (default therapy_only)\n"
	"  --ignore-other-groups  leave other cohorts out (default: an error)\n";

static const struct ps_field_spec default_fixed[PS_WAVES_NFIXED] = {
	[PS_WAVES_ID] = { "participant id", "participant_id", "--id", PS_TYPE_ID, 1, 1, 1, 0 },
	[PS_WAVES_COHORT] = { "cohort", "cohort", "--cohort", PS_TYPE_LABEL, 1, 1, 1, 0 },
	[PS_WAVES_SITE] = { "site", "site", "--site", PS_TYPE_LABEL, 0, 0, 1, 0 },
	[PS_WAVES_WAVE] = { "assessment wave", "wave", "--wave", PS_TYPE_LABEL, 1, 1, 1, 0 },
	[PS_WAVES_DATE] = { "assessment date", "assessed_on", "--assessed-on", PS_TYPE_DATE, 0, 0, 1, 0 },
};

void ps_waves_init(struct ps_waves *w)
{
	memset(w, 0, sizeof(*w));
	memcpy(w->fixed, default_fixed, sizeof(default_fixed));
	ps_groups_init(&w->groups);
	w->groups.column = w->fixed[PS_WAVES_COHORT].name;
	ps_strmap_init(&w->ids);
	ps_strmap_init(&w->sites);
	ps_strmap_init(&w->labels);
	ps_rejects_init(&w->rejects, PS_ON_ERROR_STOP);
	for (size_t k = 0; k < PS_WAVES_NFIXED; k++)
		w->fixed_index[k] = -1;
	for (size_t k = 0; k < PS_WAVES_MAX_VALUES; k++)
		w->value_index[k] = -1;
	w->baseline = SIZE_MAX;
	w->display = "-";
}

/* A label list option: no empty names, no name twice. */
static enum ps_status label_list(const struct ps_common *common, const char *option, const char *arg, char ***labels,
				 size_t *n, char **storage)
{
	free(*labels);
	free(*storage);
	*labels = NULL;
	*storage = NULL;
	*n = 0;
	long count = ps_split_names(common, option, arg, labels, storage);
	if (count < 0)
		return PS_EUSAGE;
	*n = (size_t)count;
	for (size_t i = 0; i < *n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp((*labels)[i], (*labels)[j]) == 0)
				return ps_usage_error(common, "%s names wave '%s' twice", option, (*labels)[i]);
	if (*n > PS_WAVES_MAX_WAVES)
		return ps_usage_error(common, "%s names more than %d waves", option, PS_WAVES_MAX_WAVES);
	return PS_OK;
}

enum ps_status ps_waves_option(const struct ps_common *common, struct ps_waves *w, int opt, const char *arg,
			       int *handled)
{
	*handled = 1;
	switch (opt) {
	case PS_OPT_WAVES_ID: w->fixed[PS_WAVES_ID].name = arg; return PS_OK;
	case PS_OPT_WAVES_COHORT:
		w->fixed[PS_WAVES_COHORT].name = arg;
		w->groups.column = arg;
		return PS_OK;
	case PS_OPT_WAVES_SITE: w->fixed[PS_WAVES_SITE].name = arg; return PS_OK;
	case PS_OPT_WAVES_WAVE: w->fixed[PS_WAVES_WAVE].name = arg; return PS_OK;
	case PS_OPT_WAVES_DATE: w->fixed[PS_WAVES_DATE].name = arg; return PS_OK;
	case PS_OPT_WAVES_BASELINE:
		if (!*arg)
			return ps_usage_error(common, "--baseline takes a wave label, not an empty one");
		w->baseline_label = arg;
		return PS_OK;
	case PS_OPT_WAVES_FOLLOWUP:
		return label_list(common, "--followup", arg, &w->followup_labels, &w->nfollowup_labels, &w->followup_storage);
	case PS_OPT_WAVES_ORDER:
		return label_list(common, "--wave-order", arg, &w->order_labels, &w->norder_labels, &w->order_storage);
	case PS_OPT_WAVES_TREATMENT: w->groups.label[PS_GROUP_TREATMENT] = arg; return PS_OK;
	case PS_OPT_WAVES_CONTROL: w->groups.label[PS_GROUP_CONTROL] = arg; return PS_OK;
	case PS_OPT_WAVES_IGNORE_OTHER: w->groups.ignore_other = 1; return PS_OK;
	}
	*handled = 0;
	return PS_OK;
}

/* One accepted row, kept until the labels and the baseline are known. */
struct record {
	uint32_t participant;
	uint32_t label;
	int32_t day;
	unsigned long line;
};

struct ctx {
	struct ps_waves *w;
	const struct ps_common *common;
	struct ps_cell_options cells;
	struct ps_field_spec specs[PS_WAVES_NFIXED + PS_WAVES_MAX_VALUES];
	long index[PS_WAVES_NFIXED + PS_WAVES_MAX_VALUES];
	size_t nspecs;
	const char *const *header;
	/* per participant of the two groups */
	uint64_t *seen;                 /* bit per wave label */
	size_t seen_cap, group_cap, site_cap;
	/* participants of other cohorts: their cohort, for the two-cohorts rule */
	struct ps_strmap other_ids, cohorts;
	uint32_t *other_cohort;
	size_t other_cap;
	/* the rows */
	struct record *rec;
	double *rec_values;
	size_t nrec, rec_cap, vcap;
	char order_expected[128];
};

static enum ps_status on_header(void *vctx, size_t ncolumns, const char *const *names, struct ps_error *err)
{
	struct ctx *c = vctx;
	enum ps_status st = ps_check_identifiers(c->common, names, ncolumns, err);
	if (st != PS_OK)
		return st;
	c->header = names;
	return ps_schema_resolve(names, ncolumns, c->specs, c->nspecs, c->index, err);
}

/* Locate a rule broken by a row at column k (a spec index) with the cell's text as value. */
static enum ps_status row_rule(struct ctx *c, const struct ps_row *row, struct ps_error *err, size_t k, int echo,
			       const char *fmt, const char *arg)
{
	long col = c->index[k];
	if (col >= 0) {
		err->column = (unsigned long)col + 1;
		ps_error_copy(err->column_name, sizeof(err->column_name), c->header[col], strlen(c->header[col]));
		if (echo)
			ps_error_copy(err->value, sizeof(err->value), row->fields[col], row->lens[col]);
	}
	ps_error_set(err, PS_EDATA, fmt, arg);
	return ps_reject_row(&c->w->rejects, err, c->w->display, row->line);
}

/*
 * Room for need elements of size bytes in p (capacity *cap, doubled as needed). Returns the
 * array, moved or not, or NULL when out of memory (p is then still valid and *cap unchanged).
 */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

/* The cohort rule for a participant of another cohort (left out under --ignore-other-groups). */
static enum ps_status other_row(struct ctx *c, const struct ps_row *row, const struct ps_value *v, struct ps_error *err)
{
	struct ps_waves *w = c->w;
	size_t p, cohort;
	if (ps_strmap_find(&w->ids, v[PS_WAVES_ID].s, v[PS_WAVES_ID].len, &p))
		return row_rule(c, row, err, PS_WAVES_COHORT, 1, "participant is already listed under cohort '%s'",
				w->groups.label[w->group[p]]);
	int added;
	if (ps_strmap_intern(&c->cohorts, v[PS_WAVES_COHORT].s, v[PS_WAVES_COHORT].len, &cohort, NULL) != 0 ||
	    ps_strmap_intern(&c->other_ids, v[PS_WAVES_ID].s, v[PS_WAVES_ID].len, &p, &added) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (added) {
		uint32_t *q = grow(c->other_cohort, &c->other_cap, p + 1, sizeof(*c->other_cohort));
		if (!q)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		c->other_cohort = q;
		c->other_cohort[p] = (uint32_t)cohort;
		w->other_participants++;
	} else if (c->other_cohort[p] != cohort) {
		return row_rule(c, row, err, PS_WAVES_COHORT, 1, "participant is already listed under cohort '%s'",
				ps_strmap_key(&c->cohorts, c->other_cohort[p]));
	}
	w->groups.other_rows++;
	return PS_OK;
}

static enum ps_status on_row(void *vctx, const struct ps_row *row, struct ps_error *err)
{
	struct ctx *c = vctx;
	struct ps_waves *w = c->w;
	struct ps_value v[PS_WAVES_NFIXED + PS_WAVES_MAX_VALUES];
	for (size_t k = 0; k < c->nspecs; k++) {
		long col = c->index[k];
		if (col < 0) {
			memset(&v[k], 0, sizeof(v[k]));
			v[k].missing = 1;
			continue;
		}
		if (ps_cell_parse(&c->specs[k], &c->cells, row->fields[col], row->lens[col], (size_t)col, &v[k], err) != PS_OK)
			return ps_reject_row(&w->rejects, err, w->display, row->line);
	}
	const struct ps_value *wave = &v[PS_WAVES_WAVE];
	if (w->order_labels) {
		size_t i;
		for (i = 0; i < w->norder_labels; i++)
			if (strlen(w->order_labels[i]) == wave->len && memcmp(w->order_labels[i], wave->s, wave->len) == 0)
				break;
		if (i == w->norder_labels) {
			snprintf(err->expected, sizeof(err->expected), "%s", c->order_expected);
			return row_rule(c, row, err, PS_WAVES_WAVE, 1, "wave label not in --wave-order%s", "");
		}
	}
	enum ps_status st;
	int g = ps_groups_classify(&w->groups, c->cells.na, v[PS_WAVES_COHORT].s, v[PS_WAVES_COHORT].len, &st, err);
	if (st != PS_OK) {
		err->column = (unsigned long)c->index[PS_WAVES_COHORT] + 1;
		return ps_reject_row(&w->rejects, err, w->display, row->line);
	}
	if (g == PS_GROUP_NONE) {
		/* another cohort under --ignore-other-groups: ps_groups_classify counted the row, and
		 * other_row counts it again after its own checks, so undo the first count */
		w->groups.other_rows--;
		return other_row(c, row, v, err);
	}
	size_t p, site = SIZE_MAX, label;
	int known = ps_strmap_find(&w->ids, v[PS_WAVES_ID].s, v[PS_WAVES_ID].len, &p);
	if (!known) {
		size_t q;
		if (ps_strmap_find(&c->other_ids, v[PS_WAVES_ID].s, v[PS_WAVES_ID].len, &q))
			return row_rule(c, row, err, PS_WAVES_COHORT, 1, "participant is already listed under cohort '%s'",
					ps_strmap_key(&c->cohorts, c->other_cohort[q]));
	}
	int have_site = !v[PS_WAVES_SITE].missing &&
			ps_strmap_find(&w->sites, v[PS_WAVES_SITE].s, v[PS_WAVES_SITE].len, &site);
	if (known) {
		if (w->group[p] != g)
			return row_rule(c, row, err, PS_WAVES_COHORT, 1, "participant is already listed under cohort '%s'",
					w->groups.label[w->group[p]]);
		int had_site = w->site[p] != SIZE_MAX;
		if (had_site != !v[PS_WAVES_SITE].missing || (had_site && (!have_site || w->site[p] != site)))
			return row_rule(c, row, err, PS_WAVES_SITE, 1, "participant is already listed under site '%s'",
					had_site ? ps_strmap_key(&w->sites, w->site[p]) : "(missing)");
	}
	int have_label = ps_strmap_find(&w->labels, wave->s, wave->len, &label);
	if (!have_label && w->labels.count >= PS_WAVES_MAX_WAVES)
		return row_rule(c, row, err, PS_WAVES_WAVE, 1, "more than 64 distinct wave labels%s", "");
	if (known && have_label && (c->seen[p] >> label & 1))
		return row_rule(c, row, err, PS_WAVES_WAVE, 1, "participant already has a row for wave '%s'",
				ps_strmap_key(&w->labels, label));

	/* the row is good: keep it */
	if (ps_strmap_intern(&w->labels, wave->s, wave->len, &label, NULL) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (!v[PS_WAVES_SITE].missing && ps_strmap_intern(&w->sites, v[PS_WAVES_SITE].s, v[PS_WAVES_SITE].len, &site, NULL) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (!known) {
		if (ps_strmap_intern(&w->ids, v[PS_WAVES_ID].s, v[PS_WAVES_ID].len, &p, NULL) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		uint64_t *seen = grow(c->seen, &c->seen_cap, p + 1, sizeof(*c->seen));
		if (seen)
			c->seen = seen;
		int *group = seen ? grow(w->group, &c->group_cap, p + 1, sizeof(*w->group)) : NULL;
		if (group)
			w->group = group;
		size_t *sites = group ? grow(w->site, &c->site_cap, p + 1, sizeof(*w->site)) : NULL;
		if (!sites)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		w->site = sites;
		c->seen[p] = 0;
		w->group[p] = g;
		w->site[p] = v[PS_WAVES_SITE].missing ? SIZE_MAX : site;
		w->nparticipants = p + 1;
	}
	c->seen[p] |= (uint64_t)1 << label;
	struct record *rec = grow(c->rec, &c->rec_cap, c->nrec + 1, sizeof(*c->rec));
	if (rec)
		c->rec = rec;
	double *values = rec && w->nvalues ? grow(c->rec_values, &c->vcap, (c->nrec + 1) * w->nvalues, sizeof(double))
					   : c->rec_values;
	if (!rec || (w->nvalues && !values))
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	c->rec_values = values;
	struct record *r = &c->rec[c->nrec];
	r->participant = (uint32_t)p;
	r->label = (uint32_t)label;
	r->day = v[PS_WAVES_DATE].missing ? PS_WAVES_NO_DAY : v[PS_WAVES_DATE].day;
	r->line = row->line;
	for (size_t k = 0; k < w->nvalues; k++) {
		const struct ps_value *x = &v[PS_WAVES_NFIXED + k];
		c->rec_values[c->nrec * w->nvalues + k] = x->missing ? NAN : x->d;
	}
	c->nrec++;
	w->wave_rows[label]++;
	return PS_OK;
}

/* Compare digit runs by value (leading zeros ignored, then fewer zeros first). */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		int da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
		if (da && db) {
			const char *sa = a, *sb = b;
			while (*sa == '0')
				sa++;
			while (*sb == '0')
				sb++;
			const char *ea = sa, *eb = sb;
			while (*ea >= '0' && *ea <= '9')
				ea++;
			while (*eb >= '0' && *eb <= '9')
				eb++;
			if (ea - sa != eb - sb)
				return ea - sa < eb - sb ? -1 : 1;
			int c = memcmp(sa, sb, (size_t)(ea - sa));
			if (c)
				return c < 0 ? -1 : 1;
			if (sa - a != sb - b)
				return sa - a < sb - b ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

/* What cmp_labels needs (qsort passes no context): set around the one qsort call. */
static struct {
	const struct ps_waves *w;
	const double *number;   /* every label's value when all are numbers, else NULL */
} sorting;

static int cmp_labels(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	if (sorting.number) {
		double u = sorting.number[a], v = sorting.number[b];
		if (u != v)
			return u < v ? -1 : 1;
	}
	int c = natural_cmp(ps_strmap_key(&sorting.w->labels, a), ps_strmap_key(&sorting.w->labels, b));
	return c ? c : (a > b) - (a < b);
}

/* "baseline, 3m, 6m" (as many as fit) into buf. */
static void list_labels(const struct ps_waves *w, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < w->nwaves; k++) {
		const char *l = ps_strmap_key(&w->labels, w->order ? w->order[k] : k);
		int n = snprintf(buf + len, size - len, "%s%s", k ? ", " : "", l);
		if (n < 0 || (size_t)n >= size - len) {
			if (size > 4)
				memcpy(buf + size - 4, "...", 4);
			return;
		}
		len += (size_t)n;
	}
	if (!w->nwaves)
		snprintf(buf, size, "none");
}

static enum ps_status wave_error(struct ps_waves *w, struct ps_error *err, const char *fmt, const char *label,
				 const char *option)
{
	char present[160];
	list_labels(w, present, sizeof(present));
	ps_error_clear(err);
	ps_error_copy(err->file, sizeof(err->file), w->display, strlen(w->display));
	return ps_error_set(err, PS_EDATA, fmt, label, present, option);
}

/* Order the labels, find the baseline and the follow-ups. Errors are data errors (no line). */
static enum ps_status resolve_waves(struct ps_waves *w, struct ps_error *err)
{
	size_t n = w->nwaves;
	w->order = malloc((n ? n : 1) * sizeof(*w->order));
	w->followups = malloc((n ? n : 1) * sizeof(*w->followups));
	double *number = malloc((n ? n : 1) * sizeof(*number));
	if (!w->order || !w->followups || !number) {
		free(number);
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	int numeric = n > 0;
	for (size_t k = 0; k < n; k++) {
		const char *l = ps_strmap_key(&w->labels, k);
		if (!ps_parse_double(l, strlen(l), &number[k], NULL))
			numeric = 0;
	}
	/* the baseline */
	size_t base = SIZE_MAX, found = 0;
	int missing = 0;   /* reported once the labels are in order, for the message */
	if (w->baseline_label) {
		missing = !ps_strmap_find(&w->labels, w->baseline_label, strlen(w->baseline_label), &base);
		w->baseline_rule = "given with --baseline";
	} else if (ps_strmap_find(&w->labels, "baseline", 8, &base)) {
		w->baseline_rule = "the wave labelled 'baseline'";
	} else {
		for (size_t k = 0; k < n; k++)
			if (strncmp(ps_strmap_key(&w->labels, k), "baseline_", 9) == 0) {
				base = k;
				found++;
			}
		if (found == 1) {
			w->baseline_rule = "the one wave whose label starts with 'baseline_' (REDCap's baseline_arm_1)";
		} else if (numeric) {
			base = 0;
			for (size_t k = 1; k < n; k++)
				if (number[k] < number[base])
					base = k;
			w->baseline_rule = "the smallest wave number (every label is a number)";
		} else {
			base = SIZE_MAX;
			missing = 2;
		}
	}
	w->baseline = base;
	/* the order */
	size_t k = 0;
	if (w->order_labels) {
		w->order_rule = "given with --wave-order";
		for (size_t i = 0; i < w->norder_labels; i++) {
			size_t l;
			if (ps_strmap_find(&w->labels, w->order_labels[i], strlen(w->order_labels[i]), &l))
				w->order[k++] = l;
		}
	} else {
		w->order_rule = numeric ? "the baseline first, then the others by number"
					: "the baseline first, then natural order (digit runs compared as numbers)";
		if (base != SIZE_MAX)
			w->order[k++] = base;
		for (size_t l = 0; l < n; l++)
			if (l != base)
				w->order[k++] = l;
		sorting.w = w;
		sorting.number = numeric ? number : NULL;
		qsort(w->order + (base != SIZE_MAX), n - (base != SIZE_MAX), sizeof(*w->order), cmp_labels);
		sorting.w = NULL;
	}
	free(number);
	if (n == 0) {
		ps_error_clear(err);
		ps_error_copy(err->file, sizeof(err->file), w->display, strlen(w->display));
		return ps_error_set(err, PS_EDATA, "no assessment rows of cohort '%s' or '%s'%s",
				    w->groups.label[PS_GROUP_TREATMENT], w->groups.label[PS_GROUP_CONTROL],
				    w->rejects.rejected_rows ? " (every row was rejected)" : "");
	}
	if (missing == 1)
		return wave_error(w, err, "no row has the baseline wave '%s' (waves present: %s; name the baseline with %s)",
				  w->baseline_label, "--baseline");
	if (missing == 2)
		return wave_error(w, err,
				  "no baseline wave: no label 'baseline'%s and the labels are not all numbers (waves present: %s; "
				  "name the baseline with %s)",
				  found > 1 ? ", several starting with 'baseline_'," : "", "--baseline");
	/* the follow-ups, in wave order */
	size_t pos_base = 0;
	while (pos_base < n && w->order[pos_base] != base)
		pos_base++;
	w->nfollowups = 0;
	if (w->followup_labels) {
		for (size_t i = 0; i < w->nfollowup_labels; i++) {
			size_t l;
			if (!ps_strmap_find(&w->labels, w->followup_labels[i], strlen(w->followup_labels[i]), &l))
				return wave_error(w, err, "no row has the follow-up wave '%s' (waves present: %s; choose with %s)",
						  w->followup_labels[i], "--followup");
			if (l == base)
				return wave_error(w, err, "the follow-up wave '%s' is the baseline (waves present: %s; choose with %s)",
						  w->followup_labels[i], "--followup");
		}
		for (size_t j = 0; j < n; j++)
			for (size_t i = 0; i < w->nfollowup_labels; i++)
				if (strcmp(ps_strmap_key(&w->labels, w->order[j]), w->followup_labels[i]) == 0)
					w->followups[w->nfollowups++] = w->order[j];
	} else {
		for (size_t j = pos_base + 1; j < n; j++)
			w->followups[w->nfollowups++] = w->order[j];
	}
	return PS_OK;
}

/* Rejects found after reading come in line order after those found while reading. */
static int cmp_line(const void *x, const void *y)
{
	const struct record *a = *(const struct record *const *)x, *b = *(const struct record *const *)y;
	return (a->line > b->line) - (a->line < b->line);
}

/* The table, and the rule that a follow-up is not dated before the baseline. */
static enum ps_status build_table(struct ps_waves *w, struct ctx *c, struct ps_error *err)
{
	size_t cells = w->nparticipants * w->nwaves;
	size_t nv = w->nvalues;
	w->present = calloc(cells ? cells : 1, 1);
	w->assessed_on = malloc((cells ? cells : 1) * sizeof(*w->assessed_on));
	w->values = malloc((cells * nv > 0 ? cells * nv : 1) * sizeof(*w->values));
	w->line = calloc(cells ? cells : 1, sizeof(*w->line));
	if (!w->present || !w->assessed_on || !w->values || !w->line)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (size_t i = 0; i < cells; i++)
		w->assessed_on[i] = PS_WAVES_NO_DAY;
	for (size_t i = 0; i < cells * nv; i++)
		w->values[i] = NAN;
	for (size_t i = 0; i < c->nrec; i++) {
		const struct record *r = &c->rec[i];
		size_t cell = ps_waves_cell(w, r->participant, r->label);
		w->present[cell] = 1;
		w->assessed_on[cell] = r->day;
		w->line[cell] = r->line;
		for (size_t k = 0; k < nv; k++)
			w->values[cell * nv + k] = c->rec_values[i * nv + k];
	}
	if (w->baseline == SIZE_MAX || c->index[PS_WAVES_DATE] < 0)
		return PS_OK;
	/* waves after the baseline in wave order (a screening wave may come before it) */
	int after[PS_WAVES_MAX_WAVES] = { 0 };
	for (size_t k = w->nwaves; k-- > 0 && w->order[k] != w->baseline;)
		after[w->order[k]] = 1;
	/* follow-ups dated before the baseline, in line order */
	const struct record **bad = NULL;
	size_t nbad = 0, cap = 0;
	for (size_t i = 0; i < c->nrec; i++) {
		const struct record *r = &c->rec[i];
		if (!after[r->label] || r->day == PS_WAVES_NO_DAY)
			continue;
		int32_t b = w->assessed_on[ps_waves_cell(w, r->participant, w->baseline)];
		if (b == PS_WAVES_NO_DAY || r->day >= b)
			continue;
		const struct record **more = grow(bad, &cap, nbad + 1, sizeof(*bad));
		if (!more) {
			free(bad);
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		}
		bad = more;
		bad[nbad++] = r;
	}
	if (nbad > 1)
		qsort(bad, nbad, sizeof(*bad), cmp_line);
	long col = c->index[PS_WAVES_DATE];
	enum ps_status st = PS_OK;
	for (size_t i = 0; i < nbad && st == PS_OK; i++) {
		const struct record *r = bad[i];
		char day[16], base_day[16];
		size_t cell = ps_waves_cell(w, r->participant, r->label);
		ps_error_clear(err);
		err->column = (unsigned long)col + 1;
		ps_error_copy(err->column_name, sizeof(err->column_name), c->specs[PS_WAVES_DATE].name,
			      strlen(c->specs[PS_WAVES_DATE].name));
		ps_format_date(r->day, day);
		ps_error_copy(err->value, sizeof(err->value), day, strlen(day));
		ps_format_date(w->assessed_on[ps_waves_cell(w, r->participant, w->baseline)], base_day);
		snprintf(err->expected, sizeof(err->expected), "a date on or after the baseline's");
		ps_error_set(err, PS_EDATA, "wave '%s' is dated before the participant's baseline (%s, line %lu)",
			     ps_strmap_key(&w->labels, r->label), base_day,
			     w->line[ps_waves_cell(w, r->participant, w->baseline)]);
		st = ps_reject_row(&w->rejects, err, w->display, r->line);
		if (st != PS_OK)
			break;
		/* skipped: the row is gone */
		w->present[cell] = 0;
		w->assessed_on[cell] = PS_WAVES_NO_DAY;
		w->line[cell] = 0;
		for (size_t k = 0; k < nv; k++)
			w->values[cell * nv + k] = NAN;
		w->wave_rows[r->label]--;
		w->rows--;
	}
	free(bad);
	return st;
}

enum ps_status ps_waves_read(struct ps_waves *w, const struct ps_common *common, const char *path)
{
	struct ctx c;
	struct ps_error err;
	enum ps_status st;
	memset(&c, 0, sizeof(c));
	ps_error_clear(&err);
	ps_rejects_init(&w->rejects, common->policy);
	c.w = w;
	c.common = common;
	c.cells = ps_common_cell_options(common);
	c.nspecs = PS_WAVES_NFIXED + w->nvalues;
	memcpy(c.specs, w->fixed, sizeof(w->fixed));
	memcpy(c.specs + PS_WAVES_NFIXED, w->value, w->nvalues * sizeof(*w->value));
	ps_strmap_init(&c.other_ids);
	ps_strmap_init(&c.cohorts);
	if (w->order_labels) {
		size_t len = (size_t)snprintf(c.order_expected, sizeof(c.order_expected), "one of ");
		for (size_t i = 0; i < w->norder_labels && len < sizeof(c.order_expected); i++)
			len += (size_t)snprintf(c.order_expected + len, sizeof(c.order_expected) - len, "%s%s", i ? ", " : "",
						w->order_labels[i]);
	}
	if (w->baseline_label && w->order_labels) {
		size_t i;
		for (i = 0; i < w->norder_labels && strcmp(w->order_labels[i], w->baseline_label) != 0; i++)
			;
		if (i == w->norder_labels) {
			st = ps_usage_error(common, "--baseline %s is not in --wave-order", w->baseline_label);
			goto done;
		}
	}
	w->display = (!path || strcmp(path, "-") == 0) ? "-" : path;
	st = ps_read_csv(common, path, on_header, on_row, &c, &w->rejects, &w->display, &w->rows, &w->blank_lines);
	for (size_t k = 0; k < PS_WAVES_NFIXED; k++)
		w->fixed_index[k] = c.index[k];
	for (size_t k = 0; k < w->nvalues; k++)
		w->value_index[k] = c.index[PS_WAVES_NFIXED + k];
	if (st != PS_OK)
		goto done;
	w->nwaves = w->labels.count;
	if ((st = resolve_waves(w, &err)) != PS_OK || (st = build_table(w, &c, &err)) != PS_OK) {
		if (st == PS_ENOMEM && !err.message[0])
			ps_error_set(&err, PS_ENOMEM, "out of memory");
		ps_report_error(common, &err);
	}
done:
	free(c.seen);
	free(c.other_cohort);
	free(c.rec);
	free(c.rec_values);
	ps_strmap_release(&c.other_ids);
	ps_strmap_release(&c.cohorts);
	return st;
}

void ps_waves_json_input(const struct ps_waves *w, struct ps_doc *doc, cJSON *input)
{
	ps_json_string(doc, input, "file", w->display);
	ps_json_int(doc, input, "rows", (int64_t)w->rows);
	ps_json_int(doc, input, "blank_lines", (int64_t)w->blank_lines);
	ps_json_int(doc, input, "participants", (int64_t)w->nparticipants);
	ps_json_int(doc, input, "participants_other_cohorts", (int64_t)w->other_participants);
	ps_groups_json(doc, input, &w->groups);
	ps_json_string(doc, input, "baseline", w->baseline != SIZE_MAX ? ps_strmap_key(&w->labels, w->baseline) : NULL);
	ps_json_string(doc, input, "baseline_rule", w->baseline_rule);
	ps_json_string(doc, input, "wave_order_rule", w->order_rule);
	cJSON *waves = ps_json_array(doc, input, "waves");
	for (size_t k = 0; w->order && k < w->nwaves; k++) {
		size_t l = w->order[k];
		int follow = 0;
		for (size_t i = 0; i < w->nfollowups; i++)
			follow |= w->followups[i] == l;
		cJSON *item = ps_json_object(doc, waves, NULL);
		ps_json_string(doc, item, "wave", ps_strmap_key(&w->labels, l));
		ps_json_string(doc, item, "role", l == w->baseline ? "baseline" : follow ? "follow-up" : "not analysed");
		ps_json_int(doc, item, "rows", (int64_t)w->wave_rows[l]);
	}
	ps_json_add_rejects(doc, input, &w->rejects);
}

void ps_waves_release(struct ps_waves *w)
{
	ps_strmap_release(&w->ids);
	ps_strmap_release(&w->sites);
	ps_strmap_release(&w->labels);
	free(w->group);
	free(w->site);
	free(w->order);
	free(w->followups);
	free(w->present);
	free(w->assessed_on);
	free(w->values);
	free(w->line);
	free(w->followup_labels);
	free(w->order_labels);
	free(w->followup_storage);
	free(w->order_storage);
	w->group = NULL;
	w->site = NULL;
	w->order = w->followups = NULL;
	w->present = NULL;
	w->assessed_on = NULL;
	w->values = NULL;
	w->line = NULL;
	w->followup_labels = w->order_labels = NULL;
	w->followup_storage = w->order_storage = NULL;
}
