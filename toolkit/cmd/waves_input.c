/* Follow-up assessments in long format read into participants x waves; see waves_input.h. */
#include "waves_input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "partial.h"
#include "peerstat/idhash.h"

const char ps_waves_options_help[] =
	"Outcomes columns and waves (docs/schema.md, kind outcomes; docs/methods.md, wave rules):\n"
	"  --id COL             participant id (participant_id; REDCap: record_id)\n"
	"  --cohort COL         cohort (cohort)\n"
	"  --site COL           site (site, optional); a blank cohort or site takes the\n"
	"                       participant's from their other rows (REDCap: baseline only)\n"
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
	/* a blank cohort or site takes the participant's from their other rows (finish_rows) */
	[PS_WAVES_COHORT] = { "cohort", "cohort", "--cohort", PS_TYPE_LABEL, 1, 0, 1, 0 },
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

/* One accepted row, kept until the cohorts, the labels and the baseline are known. */
struct record {
	uint32_t participant;   /* while reading: index in ctx.all; after finish_rows: dense index */
	uint32_t label;         /* while reading: index in ctx.labels; after finish_rows: in w->labels */
	int32_t day;
	uint32_t part;          /* merge: the partial the row came from (its file names it); else 0 */
	unsigned long line;
};

#define NONE UINT32_MAX   /* no cohort (or site) named yet */

struct ctx {
	struct ps_waves *w;
	const struct ps_common *common;
	struct ps_cell_options cells;
	struct ps_field_spec specs[PS_WAVES_NFIXED + PS_WAVES_MAX_VALUES];
	long index[PS_WAVES_NFIXED + PS_WAVES_MAX_VALUES];
	size_t nspecs;
	const char *const *header;
	/*
	 * Every participant seen (any cohort, or none named yet), in order of first accepted row:
	 * the cohort and site are participant-level facts, and a row may leave them blank, so a
	 * participant's cohort is known only once a row names it (possibly after blank rows).
	 */
	struct ps_strmap all;
	uint32_t *cohort;               /* [participant]: index into cohorts, NONE until named */
	uint32_t *site;                 /* [participant]: index into w->sites, NONE until named */
	uint64_t *seen;                 /* [participant]: bit per label (index into labels) */
	uint32_t *dropped;              /* [participant]: rows dropped as another cohort's once known */
	size_t cohort_cap, site_cap, seen_cap, dropped_cap;
	struct ps_strmap cohorts;       /* every cohort label named (the two groups included) */
	int *cohort_group;              /* [cohort]: PS_GROUP_TREATMENT, _CONTROL or _NONE (ignored) */
	size_t cohort_group_cap;
	struct ps_strmap labels;        /* wave labels of rows kept while reading */
	/* the rows kept: of the two groups and of participants not yet named */
	struct record *rec;
	double *rec_values;
	size_t nrec, rec_cap, vcap;
	/* --partial: the values' text as read ([record * nvalues + v]: offset into text, NO_TEXT
	 * when missing), carried exactly instead of the parsed doubles */
	int keep_text;
	size_t *rec_text, tcap;
	char *text;
	size_t text_len, text_cap;
	const char *const *part_files;  /* merge: the file of each partial, for messages */
	size_t nparts;
	char order_expected[128];
};

#define NO_TEXT SIZE_MAX

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

/* The cohort label named by a row, interned: its index, and whether it is one of the two groups. */
static enum ps_status name_cohort(struct ctx *c, const struct ps_value *v, int g, size_t *cohort, struct ps_error *err)
{
	int added;
	if (ps_strmap_intern(&c->cohorts, v->s, v->len, cohort, &added) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (added) {
		int *q = grow(c->cohort_group, &c->cohort_group_cap, *cohort + 1, sizeof(*q));
		if (!q)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		c->cohort_group = q;
		c->cohort_group[*cohort] = g;
	}
	return PS_OK;
}

/* A new participant (not yet named, no site, no wave): its index in all. */
static enum ps_status add_participant(struct ctx *c, const struct ps_value *id, size_t *p, struct ps_error *err)
{
	if (ps_strmap_intern(&c->all, id->s, id->len, p, NULL) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	uint32_t *cohort = grow(c->cohort, &c->cohort_cap, *p + 1, sizeof(*c->cohort));
	if (cohort)
		c->cohort = cohort;
	uint32_t *site = cohort ? grow(c->site, &c->site_cap, *p + 1, sizeof(*c->site)) : NULL;
	if (site)
		c->site = site;
	uint64_t *seen = site ? grow(c->seen, &c->seen_cap, *p + 1, sizeof(*c->seen)) : NULL;
	if (seen)
		c->seen = seen;
	uint32_t *dropped = seen ? grow(c->dropped, &c->dropped_cap, *p + 1, sizeof(*c->dropped)) : NULL;
	if (!dropped)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	c->dropped = dropped;
	c->cohort[*p] = NONE;
	c->site[*p] = NONE;
	c->seen[*p] = 0;
	c->dropped[*p] = 0;
	return PS_OK;
}

/* Room for len more bytes of text (and a NUL). Returns the offset where they go, or NO_TEXT. */
static size_t text_room(char **text, size_t *len, size_t *cap, size_t more)
{
	char *t = grow(*text, cap, *len + more + 1, 1);
	if (!t)
		return NO_TEXT;
	*text = t;
	return *len;
}

/* --partial: the text of the row's values (record c->nrec), as read. */
static enum ps_status keep_texts(struct ctx *c, const struct ps_value *v, struct ps_error *err)
{
	size_t nv = c->w->nvalues;
	size_t *offsets = grow(c->rec_text, &c->tcap, (c->nrec + 1) * nv, sizeof(*offsets));
	if (!offsets)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	c->rec_text = offsets;
	for (size_t k = 0; k < nv; k++) {
		size_t at = NO_TEXT;
		if (!v[k].missing) {
			if ((at = text_room(&c->text, &c->text_len, &c->text_cap, v[k].len)) == NO_TEXT)
				return ps_error_set(err, PS_ENOMEM, "out of memory");
			memcpy(c->text + at, v[k].s, v[k].len);
			c->text[at + v[k].len] = '\0';
			c->text_len += v[k].len + 1;
		}
		offsets[c->nrec * nv + k] = at;
	}
	return PS_OK;
}

/*
 * A row: the cohort rule on every row (a conflict is two named cohorts that differ; a blank
 * takes the participant's cohort). Rows of a participant known to be of an ignored cohort are
 * counted and dropped; the others (the two groups, and participants not named yet) get the site
 * and wave rules and are kept until finish_rows sorts them out.
 */
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
	const struct ps_value *id = &v[PS_WAVES_ID], *coh = &v[PS_WAVES_COHORT], *sv = &v[PS_WAVES_SITE];
	size_t cohort = NONE;
	if (!coh->missing) {
		int g = ps_groups_classify(&w->groups, c->cells.na, coh->s, coh->len, &st, err);
		if (st != PS_OK) {
			err->column = (unsigned long)c->index[PS_WAVES_COHORT] + 1;
			return ps_reject_row(&w->rejects, err, w->display, row->line);
		}
		/* ps_groups_classify counted a row of another cohort: the rows left out are counted
		 * here and in finish_rows, once the participant's cohort is known */
		if (g == PS_GROUP_NONE)
			w->groups.other_rows--;
		if ((st = name_cohort(c, coh, g, &cohort, err)) != PS_OK)
			return st;
	}
	size_t p;
	int known = ps_strmap_find(&c->all, id->s, id->len, &p);
	size_t had = known ? c->cohort[p] : NONE;
	if (cohort != NONE && had != NONE && had != cohort)
		return row_rule(c, row, err, PS_WAVES_COHORT, 1, "participant is already listed under cohort '%s'",
				ps_strmap_key(&c->cohorts, had));
	size_t is = cohort != NONE ? cohort : had;   /* the row's cohort, its own or the participant's */
	if (is != NONE && c->cohort_group[is] == PS_GROUP_NONE) {
		/* an ignored cohort (--ignore-other-groups): only the cohort rule applies */
		if (!known && (st = add_participant(c, id, &p, err)) != PS_OK)
			return st;
		c->cohort[p] = (uint32_t)is;
		c->dropped[p]++;
		w->groups.other_rows++;
		return PS_OK;
	}
	size_t site = NONE, label;
	if (known && !sv->missing && c->site[p] != NONE &&
	    (!ps_strmap_find(&w->sites, sv->s, sv->len, &site) || site != c->site[p]))
		return row_rule(c, row, err, PS_WAVES_SITE, 1, "participant is already listed under site '%s'",
				ps_strmap_key(&w->sites, c->site[p]));
	int have_label = ps_strmap_find(&c->labels, wave->s, wave->len, &label);
	if (!have_label && c->labels.count >= PS_WAVES_MAX_WAVES)
		return row_rule(c, row, err, PS_WAVES_WAVE, 1, "more than 64 distinct wave labels%s", "");
	if (known && have_label && (c->seen[p] >> label & 1))
		return row_rule(c, row, err, PS_WAVES_WAVE, 1, "participant already has a row for wave '%s'",
				ps_strmap_key(&c->labels, label));

	/* the row is good: keep it */
	if (ps_strmap_intern(&c->labels, wave->s, wave->len, &label, NULL) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (!sv->missing && ps_strmap_intern(&w->sites, sv->s, sv->len, &site, NULL) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (!known && (st = add_participant(c, id, &p, err)) != PS_OK)
		return st;
	if (c->cohort[p] == NONE && cohort != NONE)
		c->cohort[p] = (uint32_t)cohort;
	if (c->site[p] == NONE && !sv->missing)
		c->site[p] = (uint32_t)site;
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
	r->part = 0;
	for (size_t k = 0; k < w->nvalues; k++) {
		const struct ps_value *x = &v[PS_WAVES_NFIXED + k];
		c->rec_values[c->nrec * w->nvalues + k] = x->missing ? NAN : x->d;
	}
	if (c->keep_text && (st = keep_texts(c, v + PS_WAVES_NFIXED, err)) != PS_OK)
		return st;
	c->nrec++;
	return PS_OK;
}

/* Label indices of a map by the labels' bytes, for qsort (no context argument): set around the call. */
static const struct ps_strmap *sorting_labels;

static int cmp_label_bytes(const void *x, const void *y)
{
	return strcmp(ps_strmap_key(sorting_labels, *(const size_t *)x), ps_strmap_key(sorting_labels, *(const size_t *)y));
}

/*
 * After reading: every participant's cohort is known (or never named). The participants of the
 * two groups get dense indices in order of their id hash, with their group and site; the rows
 * kept of other participants are dropped and counted (an ignored cohort's in groups.other_rows,
 * never named in groups.missing_rows); the wave labels of the rows left are interned into
 * w->labels in byte order, and the records renumbered to both. Neither order depends on the
 * order of the rows.
 */
static enum ps_status finish_rows(struct ps_waves *w, struct ctx *c, struct ps_error *err)
{
	size_t n = c->all.count, *by_hash = NULL, collisions;
	uint32_t *dense = malloc((n ? n : 1) * sizeof(*dense));
	if (!dense || ps_partial_order_ids(&c->all, w->pre != NULL, &by_hash, &collisions) != PS_OK) {
		free(dense);
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	size_t kept = 0;
	for (size_t j = 0; j < n; j++) {
		size_t q = by_hash[j];
		uint32_t k = c->cohort[q];
		int in = k != NONE && c->cohort_group[k] != PS_GROUP_NONE;
		dense[q] = in ? (uint32_t)kept++ : NONE;
		if (k == NONE)
			w->unnamed_participants++;
		else if (!in)
			w->other_participants++;
	}
	w->group = malloc((kept ? kept : 1) * sizeof(*w->group));
	w->site = malloc((kept ? kept : 1) * sizeof(*w->site));
	if (!w->group || !w->site || ps_strmap_reserve(&w->ids, kept) != 0) {
		free(dense);
		free(by_hash);
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < n; j++) {
		size_t q = by_hash[j], p;
		if (dense[q] == NONE)
			continue;
		/* interned in hash order: the index is the dense one */
		if (ps_strmap_intern_hashed(&w->ids, ps_strmap_key(&c->all, q), ps_strmap_key_len(&c->all, q),
					    ps_strmap_hash_of(&c->all, q), &p, NULL) != 0) {
			free(dense);
			free(by_hash);
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		}
		w->group[p] = c->cohort_group[c->cohort[q]];
		w->site[p] = c->site[q] == NONE ? SIZE_MAX : c->site[q];
	}
	free(by_hash);
	w->nparticipants = kept;
	/* the labels of the rows kept, in byte order */
	uint32_t relabel[PS_WAVES_MAX_WAVES];
	size_t used[PS_WAVES_MAX_WAVES], nused = 0;
	for (size_t k = 0; k < PS_WAVES_MAX_WAVES; k++)
		relabel[k] = NONE;
	for (size_t i = 0; i < c->nrec; i++) {
		const struct record *r = &c->rec[i];
		if (dense[r->participant] != NONE && relabel[r->label] == NONE) {
			relabel[r->label] = 0;
			used[nused++] = r->label;
		}
	}
	sorting_labels = &c->labels;
	qsort(used, nused, sizeof(*used), cmp_label_bytes);
	sorting_labels = NULL;
	for (size_t k = 0; k < nused; k++) {
		size_t l;
		const char *key = ps_strmap_key(&c->labels, used[k]);
		if (ps_strmap_intern(&w->labels, key, strlen(key), &l, NULL) != 0) {
			free(dense);
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		}
		relabel[used[k]] = (uint32_t)l;
	}
	/* the records, in row order: keep those of the two groups, renumbered */
	size_t nv = w->nvalues, m = 0;
	for (size_t i = 0; i < c->nrec; i++) {
		struct record r = c->rec[i];
		uint32_t d = dense[r.participant];
		if (d == NONE) {
			if (c->cohort[r.participant] == NONE)
				w->groups.missing_rows++;
			else
				w->groups.other_rows++;
			continue;
		}
		r.participant = d;
		r.label = relabel[r.label];
		w->wave_rows[r.label]++;
		if (m != i && nv)
			memmove(&c->rec_values[m * nv], &c->rec_values[i * nv], nv * sizeof(double));
		c->rec[m++] = r;
	}
	c->nrec = m;
	free(dense);
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
	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
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
		st = ps_reject_row(&w->rejects, err, r->part < c->nparts ? c->part_files[r->part] : w->display, r->line);
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

static void ctx_release(struct ctx *c)
{
	free(c->cohort);
	free(c->site);
	free(c->seen);
	free(c->dropped);
	free(c->cohort_group);
	free(c->rec);
	free(c->rec_values);
	free(c->rec_text);
	free(c->text);
	ps_strmap_release(&c->all);
	ps_strmap_release(&c->cohorts);
	ps_strmap_release(&c->labels);
}

/* Set up c and check the options against each other (a usage error is printed). */
static enum ps_status ctx_init(struct ctx *c, struct ps_waves *w, const struct ps_common *common)
{
	memset(c, 0, sizeof(*c));
	ps_rejects_init(&w->rejects, common->policy);
	c->w = w;
	c->common = common;
	c->cells = ps_common_cell_options(common);
	c->nspecs = PS_WAVES_NFIXED + w->nvalues;
	memcpy(c->specs, w->fixed, sizeof(w->fixed));
	memcpy(c->specs + PS_WAVES_NFIXED, w->value, w->nvalues * sizeof(*w->value));
	ps_strmap_init(&c->all);
	ps_strmap_init(&c->cohorts);
	ps_strmap_init(&c->labels);
	if (w->order_labels) {
		size_t len = (size_t)snprintf(c->order_expected, sizeof(c->order_expected), "one of ");
		for (size_t i = 0; i < w->norder_labels && len < sizeof(c->order_expected); i++)
			len += (size_t)snprintf(c->order_expected + len, sizeof(c->order_expected) - len, "%s%s", i ? ", " : "",
						w->order_labels[i]);
	}
	if (w->baseline_label && w->order_labels) {
		size_t i;
		for (i = 0; i < w->norder_labels && strcmp(w->order_labels[i], w->baseline_label) != 0; i++)
			;
		if (i == w->norder_labels)
			return ps_usage_error(common, "--baseline %s is not in --wave-order", w->baseline_label);
	}
	return PS_OK;
}

/* Read the rows of path into c (the rules of one row and across rows while reading). */
static enum ps_status read_rows(struct ctx *c, struct ps_waves *w, const struct ps_common *common, const char *path)
{
	w->display = (!path || strcmp(path, "-") == 0) ? "-" : path;
	enum ps_status st = ps_read_csv(common, path, on_header, on_row, c, &w->rejects, &w->display, &w->rows,
					&w->blank_lines);
	for (size_t k = 0; k < PS_WAVES_NFIXED; k++)
		w->fixed_index[k] = c->index[k];
	for (size_t k = 0; k < w->nvalues; k++)
		w->value_index[k] = c->index[PS_WAVES_NFIXED + k];
	return st;
}

static enum ps_status ctx_from_merge(struct ctx *c, struct ps_waves *w, const struct ps_common *common,
				     struct ps_error *err);

enum ps_status ps_waves_read(struct ps_waves *w, const struct ps_common *common, const char *path)
{
	struct ctx c;
	struct ps_error err;
	enum ps_status st;
	ps_error_clear(&err);
	if ((st = ctx_init(&c, w, common)) != PS_OK)
		goto done;
	if (w->pre) {
		if ((st = ctx_from_merge(&c, w, common, &err)) != PS_OK) {
			if (st == PS_ENOMEM && !err.message[0])
				ps_error_set(&err, PS_ENOMEM, "out of memory");
			ps_report_error(common, &err);
			goto done;
		}
	} else if ((st = read_rows(&c, w, common, path)) != PS_OK) {
		goto done;
	}
	if ((st = finish_rows(w, &c, &err)) == PS_OK) {
		w->nwaves = w->labels.count;
		if ((st = resolve_waves(w, &err)) == PS_OK)
			st = build_table(w, &c, &err);
	}
	if (st != PS_OK) {
		if (st == PS_ENOMEM && !err.message[0])
			ps_error_set(&err, PS_ENOMEM, "out of memory");
		ps_report_error(common, &err);
	}
done:
	ctx_release(&c);
	return st;
}

/* Record indices by wave label, for qsort: the labels of c (set around the call). */
static const struct ctx *sorting_ctx;

static int cmp_record_label(const void *x, const void *y)
{
	const struct record *a = &sorting_ctx->rec[*(const size_t *)x], *b = &sorting_ctx->rec[*(const size_t *)y];
	return strcmp(ps_strmap_key(&sorting_ctx->labels, a->label), ps_strmap_key(&sorting_ctx->labels, b->label));
}

/* One participant's record line (docs/scale.md): rec[from .. to) are its rows, by label. */
static char *record_line(const struct ctx *c, size_t q, const size_t *rec, size_t nrec)
{
	char hex[17], date[16];
	size_t nv = c->w->nvalues;
	uint32_t k = c->cohort[q];
	int ignored = k != NONE && c->cohort_group[k] == PS_GROUP_NONE;
	cJSON *a = cJSON_CreateArray();
	if (!a)
		return NULL;
	ps_id_hash_hex(ps_id_hash(ps_strmap_key(&c->all, q), ps_strmap_key_len(&c->all, q)), hex);
	cJSON_AddItemToArray(a, cJSON_CreateString(hex));
	cJSON_AddItemToArray(a, k == NONE ? cJSON_CreateNull() : cJSON_CreateString(ps_strmap_key(&c->cohorts, k)));
	if (ignored) {
		/* another cohort's participant (--ignore-other-groups): only its rows count */
		cJSON_AddItemToArray(a, cJSON_CreateNull());
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)nrec + (double)c->dropped[q]));
	} else {
		cJSON_AddItemToArray(a, c->site[q] == NONE ? cJSON_CreateNull()
							   : cJSON_CreateString(ps_strmap_key(&c->w->sites, c->site[q])));
		cJSON *waves = cJSON_CreateObject();
		cJSON_AddItemToArray(a, waves);
		for (size_t i = 0; i < nrec && waves; i++) {
			const struct record *r = &c->rec[rec[i]];
			cJSON *cell = cJSON_CreateArray();
			cJSON_AddItemToObject(waves, ps_strmap_key(&c->labels, r->label), cell);
			cJSON_AddItemToArray(cell, cJSON_CreateNumber((double)r->line));
			cJSON_AddItemToArray(cell, r->day == PS_WAVES_NO_DAY ? cJSON_CreateNull()
									     : cJSON_CreateString(ps_format_date(r->day, date)));
			for (size_t v = 0; v < nv; v++) {
				size_t t = c->rec_text[rec[i] * nv + v];
				cJSON_AddItemToArray(cell, t == NO_TEXT ? cJSON_CreateNull() : cJSON_CreateString(c->text + t));
			}
			if (cJSON_GetArraySize(cell) != (int)(2 + nv))
				waves = NULL;
		}
		if (!waves || cJSON_GetArraySize(waves) != (int)nrec) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	char *line = cJSON_GetArraySize(a) == 4 ? cJSON_PrintUnformatted(a) : NULL;
	cJSON_Delete(a);
	return line;
}

enum ps_status ps_waves_write_partial(struct ps_waves *w, const struct ps_common *common, const char *path,
				      const struct ps_partial_options *options)
{
	struct ctx c;
	struct ps_partial_writer pw;
	size_t *order = NULL, *start = NULL, *rec = NULL, collisions;
	enum ps_status st;
	if ((st = ctx_init(&c, w, common)) != PS_OK)
		goto done;
	c.keep_text = 1;
	if ((st = read_rows(&c, w, common, path)) != PS_OK)
		goto done;
	size_t n = c.all.count;
	if ((st = ps_partial_order_ids(&c.all, 0, &order, &collisions)) != PS_OK)
		goto done;
	if (collisions) {
		fprintf(stderr,
			"peerstat: %s: %s: %zu pair%s of participant ids have the same 64-bit hash; a partial summary "
			"cannot tell them apart (rename one, or run without --partial)\n",
			common->command, w->display, collisions, collisions == 1 ? "" : "s");
		st = PS_EDATA;
		goto done;
	}
	/* the records of each participant together (a counting sort), each participant's by label */
	start = calloc(n + 1, sizeof(*start));
	rec = malloc((c.nrec ? c.nrec : 1) * sizeof(*rec));
	if (!start || !rec) {
		st = PS_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < c.nrec; i++)
		start[c.rec[i].participant + 1]++;
	for (size_t q = 0; q < n; q++)
		start[q + 1] += start[q];
	for (size_t i = 0; i < c.nrec; i++)
		rec[start[c.rec[i].participant]++] = i;
	for (size_t q = n; q > 0; q--)
		start[q] = start[q - 1];
	start[0] = 0;
	sorting_ctx = &c;
	for (size_t q = 0; q < n; q++)
		qsort(rec + start[q], start[q + 1] - start[q], sizeof(*rec), cmp_record_label);
	sorting_ctx = NULL;
	ps_partial_writer_begin(&pw, common, options, w->display, w->rows, w->blank_lines, 1, &w->rejects);
	for (size_t j = 0; j < n && pw.st == PS_OK; j++) {
		size_t q = order[j];
		ps_partial_writer_record(&pw, record_line(&c, q, rec + start[q], start[q + 1] - start[q]));
	}
	st = ps_partial_writer_end(&pw, 1);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: %s: out of memory\n", common->command);
	free(order);
	free(start);
	free(rec);
	ctx_release(&c);
	return st;
}

/*
 * The merged records of waves partials. A participant's cohort and site are NONE until a part
 * names them; `ignored` when a part found it to be of another cohort (--ignore-other-groups:
 * its rows are only counted, the wave and site rules do not apply to it).
 */
struct merge_person {
	uint32_t cohort, site;
	int ignored;
	unsigned long ignored_rows;
	uint64_t seen;                  /* bit per label (index into labels) */
	size_t part;                    /* the last partial that listed it, + 1 */
};

struct merge_cell {
	uint32_t person, label, part;
	int32_t day;
	unsigned long line;
	size_t text;                    /* index of its first value in texts */
};

struct merge {
	struct ps_strmap ids, cohorts, sites, labels;
	struct merge_person *people;
	size_t people_cap;
	struct merge_cell *cells;
	size_t ncells, cells_cap;
	size_t *texts, ntexts, texts_cap;   /* offsets into text, NO_TEXT for null */
	char *text;
	size_t text_len, text_cap;
	size_t nvalues;
	int nvalues_known;
	size_t part;                    /* partials ended so far: the current one's index */
};

void *ps_waves_merge_create(void)
{
	struct merge *m = calloc(1, sizeof(*m));
	if (m) {
		ps_strmap_init(&m->ids);
		ps_strmap_init(&m->cohorts);
		ps_strmap_init(&m->sites);
		ps_strmap_init(&m->labels);
	}
	return m;
}

void ps_waves_merge_destroy(void *state)
{
	struct merge *m = state;
	if (!m)
		return;
	ps_strmap_release(&m->ids);
	ps_strmap_release(&m->cohorts);
	ps_strmap_release(&m->sites);
	ps_strmap_release(&m->labels);
	free(m->people);
	free(m->cells);
	free(m->texts);
	free(m->text);
	free(m);
}

enum ps_status ps_waves_merge_end(void *state, struct ps_error *err)
{
	(void)err;
	((struct merge *)state)->part++;
	return PS_OK;
}

static enum ps_status bad_record(struct ps_error *err, const char *what)
{
	return ps_error_set(err, PS_EDATA, "not a participant record of a partial summary: %s", what);
}

/* One wave of a record: [LINE, "DATE"|null, VALUE|null, ...] for person p. */
static enum ps_status merge_wave(struct merge *m, uint32_t p, const cJSON *wave, struct ps_error *err)
{
	const cJSON *it;
	size_t n = 0;
	int32_t day = PS_WAVES_NO_DAY;
	cJSON_ArrayForEach(it, wave) n++;
	if (!cJSON_IsArray(wave) || n < 2)
		return bad_record(err, "a wave is not an array [line, date, values...]");
	if (!m->nvalues_known) {
		m->nvalues = n - 2;
		m->nvalues_known = 1;
	}
	if (n - 2 != m->nvalues || n - 2 > PS_WAVES_MAX_VALUES)
		return bad_record(err, "a wave has another number of values than the others");
	const cJSON *line = wave->child, *date = line->next;
	if (!cJSON_IsNumber(line) || line->valuedouble < 1 || line->valuedouble > 9007199254740992.0 ||
	    line->valuedouble != floor(line->valuedouble))
		return bad_record(err, "a wave's line is not a line number");
	if (!cJSON_IsNull(date) &&
	    !(cJSON_IsString(date) && ps_parse_date(date->valuestring, strlen(date->valuestring), PS_DATE_ISO, &day, NULL)))
		return bad_record(err, "a wave's date is neither a date YYYY-MM-DD nor null");
	size_t label;
	int added;
	if (ps_strmap_intern(&m->labels, wave->string, strlen(wave->string), &label, &added) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (label >= PS_WAVES_MAX_WAVES)
		return ps_error_set(err, PS_EDATA, "more than %d distinct wave labels", PS_WAVES_MAX_WAVES);
	struct merge_person *person = &m->people[p];
	if (!person->ignored && (person->seen >> label & 1))
		return ps_error_set(err, PS_EDATA,
				    "duplicate wave: the participant has a row for wave '%s' in two parts of the input (one row "
				    "per participant and wave)",
				    wave->string);
	person->seen |= (uint64_t)1 << label;
	struct merge_cell *cells = grow(m->cells, &m->cells_cap, m->ncells + 1, sizeof(*cells));
	size_t *texts = cells ? grow(m->texts, &m->texts_cap, m->ntexts + m->nvalues, sizeof(*texts)) : NULL;
	if (cells)
		m->cells = cells;
	if (!texts)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	m->texts = texts;
	struct merge_cell *cell = &m->cells[m->ncells];
	cell->person = p;
	cell->label = (uint32_t)label;
	cell->part = (uint32_t)m->part;
	cell->day = day;
	cell->line = (unsigned long)line->valuedouble;
	cell->text = m->ntexts;
	for (it = date->next; it; it = it->next) {
		size_t at = NO_TEXT;
		if (cJSON_IsString(it)) {
			size_t len = strlen(it->valuestring);
			if ((at = text_room(&m->text, &m->text_len, &m->text_cap, len)) == NO_TEXT)
				return ps_error_set(err, PS_ENOMEM, "out of memory");
			memcpy(m->text + at, it->valuestring, len + 1);
			m->text_len += len + 1;
		} else if (!cJSON_IsNull(it)) {
			return bad_record(err, "a value is neither a string nor null");
		}
		m->texts[m->ntexts++] = at;
	}
	m->ncells++;
	return PS_OK;
}

/* A participant-level fact (cohort, site) named by a part: the first named stays, another is an error. */
static enum ps_status merge_fact(struct ps_strmap *map, uint32_t *have, const char *value, const char *what,
				 struct ps_error *err)
{
	size_t k;
	if (ps_strmap_intern(map, value, strlen(value), &k, NULL) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (*have != NONE && *have != k)
		return ps_error_set(err, PS_EDATA,
				    "two %ss: the participant is listed under %s '%s' in one part of the input and '%s' in "
				    "another (one %s per participant)",
				    what, what, ps_strmap_key(map, *have), value, what);
	*have = (uint32_t)k;
	return PS_OK;
}

static enum ps_status merge_record(struct merge *m, const cJSON *a, struct ps_error *err)
{
	const cJSON *item[4] = { NULL };
	int n = 0;
	const cJSON *it;
	uint64_t hash;
	cJSON_ArrayForEach(it, a) {
		if (n < 4)
			item[n] = it;
		n++;
	}
	if (!cJSON_IsArray(a) || n != 4)
		return bad_record(err, "expected an array of 4 items");
	if (!cJSON_IsString(item[0]) || !ps_id_hash_parse(item[0]->valuestring, strlen(item[0]->valuestring), &hash))
		return bad_record(err, "the key is not 16 lowercase hex digits");
	if (!cJSON_IsNull(item[1]) && !cJSON_IsString(item[1]))
		return bad_record(err, "the cohort is neither a string nor null");
	if (!cJSON_IsNull(item[2]) && !cJSON_IsString(item[2]))
		return bad_record(err, "the site is neither a string nor null");
	int ignored = cJSON_IsNumber(item[3]);
	if (ignored ? (item[3]->valuedouble < 0 || item[3]->valuedouble != floor(item[3]->valuedouble) ||
		       item[3]->valuedouble > 1e15 || !cJSON_IsString(item[1]))
		    : !cJSON_IsObject(item[3]))
		return bad_record(err, "the waves are neither an object nor, for another cohort, a row count");
	size_t p;
	int added;
	if (ps_strmap_intern(&m->ids, item[0]->valuestring, 16, &p, &added) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (added) {
		struct merge_person *people = grow(m->people, &m->people_cap, p + 1, sizeof(*people));
		if (!people)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		m->people = people;
		memset(&people[p], 0, sizeof(people[p]));
		people[p].cohort = people[p].site = NONE;
	}
	struct merge_person *person = &m->people[p];
	if (person->part == m->part + 1)
		return ps_error_set(err, PS_EDATA, "participant listed twice in one partial summary");
	person->part = m->part + 1;
	enum ps_status st = PS_OK;
	if (cJSON_IsString(item[1]) && (st = merge_fact(&m->cohorts, &person->cohort, item[1]->valuestring, "cohort", err)) != PS_OK)
		return st;
	if (ignored) {
		person->ignored = 1;
		person->ignored_rows += (unsigned long)item[3]->valuedouble;
		return PS_OK;
	}
	if (cJSON_IsString(item[2]) && !person->ignored &&
	    (st = merge_fact(&m->sites, &person->site, item[2]->valuestring, "site", err)) != PS_OK)
		return st;
	cJSON_ArrayForEach(it, item[3]) {
		if ((st = merge_wave(m, (uint32_t)p, it, err)) != PS_OK)
			break;
	}
	return st;
}

enum ps_status ps_waves_merge_record(void *state, const char *line, size_t len, struct ps_error *err)
{
	cJSON *a = cJSON_ParseWithLength(line, len);
	if (!a)
		return cJSON_GetErrorPtr() ? bad_record(err, "not JSON") : ps_error_set(err, PS_ENOMEM, "out of memory");
	enum ps_status st = merge_record(state, a, err);
	cJSON_Delete(a);
	return st;
}

/* A value's text back to its number by the column's type (the part checked it: an error here is an edited record). */
static int value_of(const struct ps_field_spec *spec, const char *s, double *d)
{
	size_t len = strlen(s);
	int64_t i;
	int b;
	switch (spec->type) {
	case PS_TYPE_NUMBER:
		if (!ps_parse_double(s, len, d, NULL))
			return 0;
		break;
	case PS_TYPE_INT:
		if (!ps_parse_int(s, len, &i, NULL))
			return 0;
		*d = (double)i;
		break;
	case PS_TYPE_BOOL:
		if (!ps_parse_bool(s, len, &b, NULL))
			return 0;
		*d = b;
		break;
	default: return 0;
	}
	return !(spec->min <= spec->max && (*d < spec->min || *d > spec->max));
}

/* The merged records as the rows read: what read_rows leaves in c, from the merge's total. */
static enum ps_status ctx_from_merge(struct ctx *c, struct ps_waves *w, const struct ps_common *common,
				     struct ps_error *err)
{
	struct merge *m = w->pre->merged;
	const struct ps_partial_meta *meta = w->pre->meta;
	size_t nv = w->nvalues;
	enum ps_status st = PS_OK;
	w->display = meta->display;
	w->rows = meta->rows;
	w->blank_lines = meta->blank_lines;
	w->rejects = meta->rejects;
	w->rejects.policy = common->policy;
	c->part_files = meta->part_files;
	c->nparts = meta->nparts;
	if (m->ncells && m->nvalues != nv)
		return ps_error_set(err, PS_EDATA, "%s: the partials hold %zu values per wave, %s reads %zu", meta->display,
				    m->nvalues, common->command, nv);
	/* the maps are taken over, indices kept */
	c->all = m->ids;
	ps_strmap_init(&m->ids);
	c->cohorts = m->cohorts;
	ps_strmap_init(&m->cohorts);
	c->labels = m->labels;
	ps_strmap_init(&m->labels);
	ps_strmap_release(&w->sites);
	w->sites = m->sites;
	ps_strmap_init(&m->sites);
	size_t n = c->all.count, nk = c->cohorts.count;
	c->cohort = malloc((n ? n : 1) * sizeof(*c->cohort));
	c->site = malloc((n ? n : 1) * sizeof(*c->site));
	c->cohort_group = malloc((nk ? nk : 1) * sizeof(*c->cohort_group));
	c->rec = malloc((m->ncells ? m->ncells : 1) * sizeof(*c->rec));
	c->rec_values = malloc((m->ncells * nv > 0 ? m->ncells * nv : 1) * sizeof(*c->rec_values));
	if (!c->cohort || !c->site || !c->cohort_group || !c->rec || !c->rec_values)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (size_t k = 0; k < nk; k++) {
		const char *label = ps_strmap_key(&c->cohorts, k);
		int g = strcmp(label, w->groups.label[PS_GROUP_TREATMENT]) == 0 ? PS_GROUP_TREATMENT
			: strcmp(label, w->groups.label[PS_GROUP_CONTROL]) == 0	? PS_GROUP_CONTROL
										: PS_GROUP_NONE;
		if (g == PS_GROUP_NONE && !w->groups.ignore_other)
			return ps_error_set(err, PS_EDATA, "%s: cohort '%s' in a partial is neither treatment '%s' nor control '%s'",
					    meta->display, label, w->groups.label[PS_GROUP_TREATMENT],
					    w->groups.label[PS_GROUP_CONTROL]);
		c->cohort_group[k] = g;
	}
	for (size_t p = 0; p < n; p++) {
		c->cohort[p] = m->people[p].cohort;
		c->site[p] = m->people[p].site;
		if (m->people[p].ignored)
			w->groups.other_rows += m->people[p].ignored_rows;
	}
	for (size_t i = 0; i < m->ncells && st == PS_OK; i++) {
		const struct merge_cell *cell = &m->cells[i];
		struct record *r = &c->rec[i];
		r->participant = cell->person;
		r->label = cell->label;
		r->day = cell->day;
		r->part = cell->part;
		r->line = cell->line;
		for (size_t k = 0; k < nv; k++) {
			size_t t = m->texts[cell->text + k];
			double *d = &c->rec_values[i * nv + k];
			if (t == NO_TEXT) {
				*d = NAN;
			} else if (!value_of(&w->value[k], m->text + t, d)) {
				ps_error_clear(err);
				if (cell->part < meta->nparts)
					ps_error_copy(err->file, sizeof(err->file), meta->part_files[cell->part],
						      strlen(meta->part_files[cell->part]));
				err->line = cell->line;
				ps_error_copy(err->column_name, sizeof(err->column_name), w->value[k].name, strlen(w->value[k].name));
				ps_error_copy(err->value, sizeof(err->value), m->text + t, strlen(m->text + t));
				st = ps_error_set(err, PS_EDATA, "a value of a partial is not one of this column (partial edited, or made with other options?)");
			}
		}
	}
	c->nrec = m->ncells;
	return st;
}

void ps_waves_json_input(const struct ps_waves *w, struct ps_doc *doc, cJSON *input)
{
	ps_json_string(doc, input, "file", w->display);
	ps_json_int(doc, input, "rows", (int64_t)w->rows);
	ps_json_int(doc, input, "blank_lines", (int64_t)w->blank_lines);
	ps_json_int(doc, input, "participants", (int64_t)w->nparticipants);
	ps_json_int(doc, input, "participants_other_cohorts", (int64_t)w->other_participants);
	ps_json_int(doc, input, "participants_without_cohort", (int64_t)w->unnamed_participants);
	ps_groups_json(doc, input, &w->groups);
	if (w->unnamed_participants) {
		/* a full path: the command's own warning prefix is kept as it was */
		char where[sizeof(doc->where)], message[200];
		memcpy(where, doc->where, sizeof(where));
		doc->where[0] = '\0';
		snprintf(message, sizeof(message),
			 "%lu participant%s (%lu row%s) with no cohort on any row: left out (a cohort given on one row of a "
			 "participant counts for all their rows)",
			 w->unnamed_participants, w->unnamed_participants == 1 ? "" : "s", w->groups.missing_rows,
			 w->groups.missing_rows == 1 ? "" : "s");
		ps_doc_warn(doc, "input.participants_without_cohort", message);
		memcpy(doc->where, where, sizeof(where));
	}
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
