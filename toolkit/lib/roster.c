/* Per-participant facts from an attendance roll; see include/peerstat/roster.h and docs/methods.md. */
#include "peerstat/roster.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/bytes.h"
#include "peerstat/idhash.h"
#include "peerstat/parse.h"

/* ps_parse_date's range: 0001-01-01 and 9999-12-31 as days since 1970-01-01. */
#define FIRST_DAY (-719162)
#define LAST_DAY 2932896

/*
 * Counting a dayset's days in a window (dayset.h documents its fields: bit i of the words is
 * day base + i), which only the roster needs.
 */
static const uint64_t *ds_words(const struct ps_dayset *s)
{
	return s->heap ? s->heap : s->inline_bits;
}

/* Days of s in lo..hi, both included: the bits of that range, a word at a time. */
static uint32_t ds_count(const struct ps_dayset *s, int64_t lo, int64_t hi)
{
	if (s->nwords == 0)
		return 0;
	int64_t first = lo - s->base, last = hi - s->base;   /* bit offsets */
	int64_t span = (int64_t)s->nwords * 64;
	if (first < 0)
		first = 0;
	if (last >= span)
		last = span - 1;
	if (first > last)
		return 0;
	const uint64_t *w = ds_words(s);
	uint32_t n = 0;
	for (int64_t k = first / 64; k <= last / 64; k++) {
		uint64_t bits = w[k];
		if (k == first / 64)
			bits &= ~0ull << (first % 64);
		if (k == last / 64 && last % 64 != 63)
			bits &= (1ull << (last % 64 + 1)) - 1;
		n += (uint32_t)__builtin_popcountll(bits);
	}
	return n;
}

struct ps_roster_rules ps_roster_rules_default(void)
{
	struct ps_roster_rules rules = {
		.as_of = PS_ROSTER_NO_DAY,
		.dropout_gap_days = PS_ROSTER_DEFAULT_DROPOUT_GAP,
		.engaged_min = PS_ROSTER_DEFAULT_ENGAGED_MIN,
		.engaged_window_days = PS_ROSTER_DEFAULT_ENGAGED_WINDOW,
	};
	return rules;
}

void ps_roster_init(struct ps_roster *r, int32_t as_of)
{
	memset(r, 0, sizeof(*r));
	ps_strmap_init(&r->ids);
	ps_strmap_init(&r->cohorts);
	ps_strmap_init(&r->sites);
	r->as_of = as_of;
	r->latest = PS_ROSTER_NO_DAY;
}

void ps_roster_release(struct ps_roster *r)
{
	/* a record exists for every id in the map (see new_person), and only for those */
	for (size_t i = 0; i < r->ids.count; i++) {
		ps_dayset_release(&r->people[i].sched_days);
		ps_dayset_release(&r->people[i].att_days);
	}
	free(r->people);
	ps_strmap_release(&r->ids);
	ps_strmap_release(&r->cohorts);
	ps_strmap_release(&r->sites);
	memset(r, 0, sizeof(*r));
	r->as_of = r->latest = PS_ROSTER_NO_DAY;
}

size_t ps_roster_count(const struct ps_roster *r)
{
	return r->ids.count;
}

int32_t ps_roster_latest_day(const struct ps_roster *r)
{
	return r->latest;
}

/* Record a broken rule: PS_EDATA with a message, the value (a label or a date) and what was expected. */
static enum ps_status reject(struct ps_roster *r, struct ps_error *err, enum ps_roster_rule rule, const char *value,
			     size_t value_len, const char *expected, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static enum ps_status reject(struct ps_roster *r, struct ps_error *err, enum ps_roster_rule rule, const char *value,
			     size_t value_len, const char *expected, const char *fmt, ...)
{
	r->broken = rule;
	if (!err)
		return PS_EDATA;
	char msg[sizeof(err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps_error_set(err, PS_EDATA, "%s", msg);
	ps_error_copy(err->value, sizeof(err->value), value ? value : "", value ? value_len : 0);
	ps_error_copy(err->expected, sizeof(err->expected), expected ? expected : "", expected ? strlen(expected) : 0);
	return PS_EDATA;
}

/* Whether label (s, len) is the key at index: one compare, no hashing, for every row's check. */
static int same_key(const struct ps_strmap *map, size_t index, const char *s, size_t len)
{
	return ps_strmap_key_len(map, index) == len && ps_same_bytes(ps_strmap_key(map, index), s, len);
}

static const char *site_name(const struct ps_roster *r, int32_t site)
{
	return site < 0 ? "(missing)" : ps_strmap_key(&r->sites, (size_t)site);
}

/* Room for one more person (release walks only the ids.count records set up by new_person). */
static int reserve_person(struct ps_roster *r)
{
	if (r->ids.count < r->cap)
		return 0;
	size_t cap = r->cap ? r->cap * 2 : 256;
	struct ps_roster_person *people = realloc(r->people, cap * sizeof(*people));
	if (!people)
		return -1;
	r->people = people; /* records past ids.count are never read: new_person sets each one up */
	r->cap = cap;
	return 0;
}

/*
 * Intern the id of a new person whose record (at index ids.count, reserved) is set up first:
 * ps_strmap_intern can fail after the key went in (only the table's growth failed), and the
 * record must exist whenever the key does.
 */
static int new_person(struct ps_roster *r, const char *id, size_t id_len, uint32_t cohort, int32_t site,
		      size_t *index)
{
	struct ps_roster_person *p = &r->people[r->ids.count];
	memset(p, 0, sizeof(*p));
	p->cohort = cohort;
	p->site = site;
	p->enrolled = PS_ROSTER_NO_DAY;
	p->first = p->last = PS_ROSTER_NO_DAY;
	p->first_att = p->last_att = PS_ROSTER_NO_DAY;
	ps_dayset_init(&p->sched_days);
	ps_dayset_init(&p->att_days);
	return ps_strmap_intern(&r->ids, id, id_len, index, NULL);
}

static int intern_site(struct ps_strmap *sites, const char *site, size_t site_len, int32_t *index)
{
	size_t s;
	if (!site) {
		*index = -1;
		return 0;
	}
	if (ps_strmap_intern(sites, site, site_len, &s, NULL) != 0 || s > INT32_MAX)
		return -1;
	*index = (int32_t)s;
	return 0;
}

/* Add a day already known to be new to the person's scheduled days; counts and bounds follow. */
static int person_add_day(struct ps_roster_person *p, int32_t day, int attended, int check_new)
{
	if (check_new) {
		int added = ps_dayset_add(&p->sched_days, day);
		if (added != 1)
			return -1;
	}
	if (attended && ps_dayset_add(&p->att_days, day) < 0)
		return -1;
	p->scheduled++;
	if (p->first == PS_ROSTER_NO_DAY || day < p->first)
		p->first = day;
	if (p->last == PS_ROSTER_NO_DAY || day > p->last)
		p->last = day;
	if (attended) {
		p->attended++;
		if (p->first_att == PS_ROSTER_NO_DAY || day < p->first_att)
			p->first_att = day;
		if (p->last_att == PS_ROSTER_NO_DAY || day > p->last_att)
			p->last_att = day;
	}
	return 0;
}

static void note_latest(struct ps_roster *r, int32_t day)
{
	if (r->latest == PS_ROSTER_NO_DAY || day > r->latest)
		r->latest = day;
}

enum ps_status ps_roster_add(struct ps_roster *r, const char *id, size_t id_len, const char *cohort,
			     size_t cohort_len, const char *site, size_t site_len, int32_t day, int attended,
			     int32_t enrolled_day, struct ps_error *err)
{
	char date[16], other[16], expected[128];
	r->broken = PS_ROSTER_RULE_NONE;
	if (day < FIRST_DAY || day > LAST_DAY || (enrolled_day != PS_ROSTER_NO_DAY &&
						  (enrolled_day < FIRST_DAY || enrolled_day > LAST_DAY)))
		return ps_error_set(err, PS_EINTERNAL, "roster: a day outside the years 0001..9999");
	attended = attended != 0;

	/* rules that the row breaks by itself: nothing to look up */
	if (r->as_of != PS_ROSTER_NO_DAY && day > r->as_of) {
		snprintf(expected, sizeof(expected), "a date on or before the as-of date %s", ps_format_date(r->as_of, other));
		ps_format_date(day, date); /* only when needed: formatting every row showed in profiles */
		return reject(r, err, PS_ROSTER_RULE_AFTER_AS_OF, date, strlen(date), expected,
			      "session date is after the as-of date");
	}
	if (enrolled_day != PS_ROSTER_NO_DAY && day < enrolled_day) {
		snprintf(expected, sizeof(expected), "a date on or after enrolled_on %s", ps_format_date(enrolled_day, other));
		ps_format_date(day, date);
		return reject(r, err, PS_ROSTER_RULE_BEFORE_ENROL, date, strlen(date), expected,
			      "session date is before the participant's enrolment");
	}

	size_t pi;
	if (ps_strmap_find(&r->ids, id, id_len, &pi)) {
		struct ps_roster_person *p = &r->people[pi];
		if (!same_key(&r->cohorts, p->cohort, cohort, cohort_len)) {
			snprintf(expected, sizeof(expected), "cohort '%s' as on the participant's earlier rows",
				 ps_strmap_key(&r->cohorts, p->cohort));
			return reject(r, err, PS_ROSTER_RULE_COHORT, cohort, cohort_len, expected,
				      "participant is already listed under cohort '%s'", ps_strmap_key(&r->cohorts, p->cohort));
		}
		int same_site = site ? p->site >= 0 && same_key(&r->sites, (size_t)p->site, site, site_len) : p->site < 0;
		if (!same_site) {
			snprintf(expected, sizeof(expected), "site '%s' as on the participant's earlier rows",
				 site_name(r, p->site));
			return reject(r, err, PS_ROSTER_RULE_SITE, site ? site : "", site ? site_len : 0, expected,
				      "participant is already listed under site '%s'", site_name(r, p->site));
		}
		if (enrolled_day != PS_ROSTER_NO_DAY && p->enrolled != PS_ROSTER_NO_DAY && enrolled_day != p->enrolled) {
			char given[16];
			ps_format_date(enrolled_day, given);
			snprintf(expected, sizeof(expected), "%s as on the participant's earlier rows",
				 ps_format_date(p->enrolled, other));
			return reject(r, err, PS_ROSTER_RULE_ENROLLED, given, strlen(given), expected,
				      "enrolled_on differs from the participant's earlier rows");
		}
		if (enrolled_day != PS_ROSTER_NO_DAY && p->enrolled == PS_ROSTER_NO_DAY && p->first < enrolled_day) {
			char given[16];
			ps_format_date(enrolled_day, given);
			snprintf(expected, sizeof(expected), "a date on or before the participant's first session %s",
				 ps_format_date(p->first, other));
			return reject(r, err, PS_ROSTER_RULE_BEFORE_ENROL, given, strlen(given), expected,
				      "an earlier row of the participant has a session before this enrolled_on");
		}
		/* last check, because it is the one that changes the set when the day is new */
		int added = ps_dayset_add(&p->sched_days, day);
		if (added == -2) {
			r->broken = PS_ROSTER_RULE_SPAN;
			return err ? ps_dayset_span_error(&p->sched_days, day, err) : PS_EDATA;
		}
		if (added < 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		if (added == 0) {
			ps_format_date(day, date);
			return reject(r, err, PS_ROSTER_RULE_DUPLICATE, date, strlen(date), "one row per participant and session date",
				      "duplicate session: the participant already has a row for this date");
		}
		if (person_add_day(p, day, attended, 0) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		if (enrolled_day != PS_ROSTER_NO_DAY)
			p->enrolled = enrolled_day;
	} else {
		size_t c;
		int32_t s;
		if (reserve_person(r) != 0 || ps_strmap_intern(&r->cohorts, cohort, cohort_len, &c, NULL) != 0 ||
		    c > UINT32_MAX || intern_site(&r->sites, site, site_len, &s) != 0 ||
		    new_person(r, id, id_len, (uint32_t)c, s, &pi) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		struct ps_roster_person *p = &r->people[pi];
		p->enrolled = enrolled_day;
		if (person_add_day(p, day, attended, 1) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	note_latest(r, day);
	r->rows++;
	return PS_OK;
}

/* src's sessions against dst's as-of date (known before reading: --as-of). */
static enum ps_status merge_check_as_of(struct ps_roster *dst, const struct ps_roster *src, struct ps_error *err)
{
	char date[16], other[16], expected[128];
	if (dst->as_of != PS_ROSTER_NO_DAY && src->latest != PS_ROSTER_NO_DAY && src->latest > dst->as_of) {
		ps_format_date(src->latest, date);
		snprintf(expected, sizeof(expected), "a date on or before the as-of date %s", ps_format_date(dst->as_of, other));
		return reject(dst, err, PS_ROSTER_RULE_AFTER_AS_OF, date, strlen(date), expected,
			      "session date is after the as-of date");
	}
	return PS_OK;
}

/*
 * Check src's participants from .. to - 1 against dst. Neither map is written (look-ups
 * without the cache), so two threads may check two ranges at once; dst->broken is the only
 * field written, on failure (give each thread its own copy of the struct). where[i] receives
 * the index in dst of src's participant i, or SIZE_MAX when dst does not have them.
 */
static enum ps_status merge_check(struct ps_roster *dst, const struct ps_roster *src, size_t from, size_t to,
				  size_t *where, struct ps_error *err)
{
	char date[16], other[16], expected[128];
	for (size_t i = from; i < to; i++) {
		const struct ps_roster_person *p = &src->people[i];
		size_t qi;
		where[i] = SIZE_MAX;
		if (i + 8 < to) /* random look-ups into a large table: start one early */
			ps_strmap_prefetch(&dst->ids, ps_strmap_key(&src->ids, i + 8), ps_strmap_key_len(&src->ids, i + 8));
		if (!ps_strmap_lookup_hashed(&dst->ids, ps_strmap_key(&src->ids, i), ps_strmap_key_len(&src->ids, i),
					     ps_strmap_hash_of(&src->ids, i), &qi))
			continue;
		where[i] = qi;
		const struct ps_roster_person *q = &dst->people[qi];
		const char *label = ps_strmap_key(&src->cohorts, p->cohort);
		if (!same_key(&dst->cohorts, q->cohort, label, strlen(label))) {
			snprintf(expected, sizeof(expected), "cohort '%s' as in the other part of the input",
				 ps_strmap_key(&dst->cohorts, q->cohort));
			return reject(dst, err, PS_ROSTER_RULE_COHORT, label, strlen(label), expected,
				      "participant is listed under cohort '%s' in one part of the input and '%s' in another",
				      ps_strmap_key(&dst->cohorts, q->cohort), label);
		}
		const char *site = p->site < 0 ? NULL : ps_strmap_key(&src->sites, (size_t)p->site);
		int same_site = site ? q->site >= 0 && same_key(&dst->sites, (size_t)q->site, site, strlen(site)) : q->site < 0;
		if (!same_site) {
			snprintf(expected, sizeof(expected), "site '%s' as in the other part of the input", site_name(dst, q->site));
			return reject(dst, err, PS_ROSTER_RULE_SITE, site ? site : "", site ? strlen(site) : 0, expected,
				      "participant is listed under site '%s' in one part of the input and '%s' in another",
				      site_name(dst, q->site), site_name(src, p->site));
		}
		if (p->enrolled != PS_ROSTER_NO_DAY && q->enrolled != PS_ROSTER_NO_DAY && p->enrolled != q->enrolled) {
			ps_format_date(p->enrolled, date);
			snprintf(expected, sizeof(expected), "%s as in the other part of the input", ps_format_date(q->enrolled, other));
			return reject(dst, err, PS_ROSTER_RULE_ENROLLED, date, strlen(date), expected,
				      "enrolled_on differs between parts of the input");
		}
		int32_t enrolled = p->enrolled != PS_ROSTER_NO_DAY ? p->enrolled : q->enrolled;
		int32_t first = p->first < q->first ? p->first : q->first;
		if (enrolled != PS_ROSTER_NO_DAY && first < enrolled) {
			ps_format_date(first, date);
			snprintf(expected, sizeof(expected), "a date on or after enrolled_on %s", ps_format_date(enrolled, other));
			return reject(dst, err, PS_ROSTER_RULE_BEFORE_ENROL, date, strlen(date), expected,
				      "session date is before the participant's enrolment (in another part of the input)");
		}
		int32_t last = p->last > q->last ? p->last : q->last;
		if ((int64_t)last - first + 1 > PS_DAYSET_MAX_SPAN_DAYS) {
			/* the union's day set would span too long: the part's end that widens it */
			dst->broken = PS_ROSTER_RULE_SPAN;
			return err ? ps_dayset_span_error(&q->sched_days, p->first < q->first ? p->first : p->last, err)
				   : PS_EDATA;
		}
		int32_t day;
		if (ps_dayset_first_common(&q->sched_days, &p->sched_days, &day)) {
			ps_format_date(day, date);
			return reject(dst, err, PS_ROSTER_RULE_DUPLICATE, date, strlen(date), "one row per participant and session date",
				      "duplicate session: the participant has a row for this date in two parts of the input");
		}
	}
	return PS_OK;
}

/* The earlier of two days where PS_ROSTER_NO_DAY means none; the later likewise. */
static int32_t min_day(int32_t a, int32_t b)
{
	return a == PS_ROSTER_NO_DAY ? b : b == PS_ROSTER_NO_DAY ? a : a < b ? a : b;
}

static int32_t max_day(int32_t a, int32_t b)
{
	return a == PS_ROSTER_NO_DAY ? b : b == PS_ROSTER_NO_DAY ? a : a > b ? a : b;
}

/* Fold p (the same participant, checked by merge_check) into q. Returns 0, or -1 out of memory. */
static int unite(struct ps_roster_person *q, const struct ps_roster_person *p)
{
	if (p->enrolled != PS_ROSTER_NO_DAY)
		q->enrolled = p->enrolled;
	if (ps_dayset_union(&q->sched_days, &p->sched_days) != 0 || ps_dayset_union(&q->att_days, &p->att_days) != 0)
		return -1;
	q->scheduled += p->scheduled;
	q->attended += p->attended;
	q->first = min_day(q->first, p->first);
	q->last = max_day(q->last, p->last);
	q->first_att = min_day(q->first_att, p->first_att);
	q->last_att = max_day(q->last_att, p->last_att);
	return 0;
}

/* Index in dst of each label of src (interned into dst in src's order). Returns 0, or -1. */
static int map_labels(struct ps_strmap *dst, const struct ps_strmap *src, size_t *map)
{
	for (size_t k = 0; k < src->count; k++)
		if (ps_strmap_intern(dst, ps_strmap_key(src, k), ps_strmap_key_len(src, k), &map[k], NULL) != 0)
			return -1;
	return 0;
}

/*
 * Apply a checked src to dst. A participant new to dst is copied whole (record and day sets);
 * one dst has already gets src's days word by word. An id is hashed from src's copy, without a look-up in src.
 */
static enum ps_status merge_apply(struct ps_roster *dst, const struct ps_roster *src, const size_t *where,
				  size_t *cohort_map, size_t *site_map, int unite_shared, struct ps_error *err)
{
	/*
	 * Labels first, in src's order: a label new to dst first appears in src at a participant
	 * new to dst (one already in dst carries dst's label), so the indices are those one pass
	 * over the whole input gives.
	 */
	if (map_labels(&dst->cohorts, &src->cohorts, cohort_map) != 0 || map_labels(&dst->sites, &src->sites, site_map) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (size_t k = 0; k < src->cohorts.count; k++)
		if (cohort_map[k] > UINT32_MAX)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (size_t k = 0; k < src->sites.count; k++)
		if (site_map[k] > INT32_MAX)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	/* room for every new participant at once: growing step by step copied and rehashed twice */
	size_t fresh = 0;
	for (size_t i = 0; i < src->ids.count; i++)
		fresh += where[i] == SIZE_MAX;
	size_t need = dst->ids.count + fresh;
	if (need > dst->cap) {
		struct ps_roster_person *people = realloc(dst->people, need * sizeof(*people));
		if (!people)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		dst->people = people;
		dst->cap = need;
	}
	if (ps_strmap_reserve(&dst->ids, need) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	/* in src's participant order: new ids then get the indices one pass would give them */
	for (size_t i = 0; i < src->ids.count; i++) {
		const struct ps_roster_person *p = &src->people[i];
		if (i + 8 < src->ids.count && where[i + 8] == SIZE_MAX)
			ps_strmap_prefetch(&dst->ids, ps_strmap_key(&src->ids, i + 8), ps_strmap_key_len(&src->ids, i + 8));
		if (where[i] == SIZE_MAX) {
			size_t qi;
			if (reserve_person(dst) != 0)
				return ps_error_set(err, PS_ENOMEM, "out of memory");
			struct ps_roster_person *q = &dst->people[dst->ids.count];
			*q = *p;
			q->cohort = (uint32_t)cohort_map[p->cohort];
			q->site = p->site < 0 ? -1 : (int32_t)site_map[p->site];
			int copied_sched = ps_dayset_copy(&q->sched_days, &p->sched_days);
			int copied_att = ps_dayset_copy(&q->att_days, &p->att_days);
			if (copied_sched != 0 || copied_att != 0 ||
			    ps_strmap_intern_hashed(&dst->ids, ps_strmap_key(&src->ids, i), ps_strmap_key_len(&src->ids, i),
						    ps_strmap_hash_of(&src->ids, i), &qi, NULL) != 0) {
				/* the record beyond ids.count is not released by the roster: free its days here */
				if (copied_sched == 0)
					ps_dayset_release(&q->sched_days);
				if (copied_att == 0)
					ps_dayset_release(&q->att_days);
				return ps_error_set(err, PS_ENOMEM, "out of memory");
			}
			continue;
		}
		if (unite_shared && unite(&dst->people[where[i]], p) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	return PS_OK;
}

enum ps_status ps_roster_merge(struct ps_roster *dst, const struct ps_roster *src, struct ps_error *err)
{
	dst->broken = PS_ROSTER_RULE_NONE;
	size_t n = src->ids.count;
	size_t *where = malloc((n ? n : 1) * sizeof(*where));
	size_t *cohort_map = malloc((src->cohorts.count ? src->cohorts.count : 1) * sizeof(*cohort_map));
	size_t *site_map = malloc((src->sites.count ? src->sites.count : 1) * sizeof(*site_map));
	enum ps_status st;
	if (!where || !cohort_map || !site_map)
		st = ps_error_set(err, PS_ENOMEM, "out of memory");
	else if ((st = merge_check_as_of(dst, src, err)) == PS_OK && (st = merge_check(dst, src, 0, n, where, err)) == PS_OK)
		st = merge_apply(dst, src, where, cohort_map, site_map, 1, err);
	free(where);
	free(cohort_map);
	free(site_map);
	if (st != PS_OK)
		return st;
	if (src->latest != PS_ROSTER_NO_DAY)
		note_latest(dst, src->latest);
	dst->rows += src->rows;
	dst->ids_hashed |= src->ids_hashed;
	return PS_OK;
}

/*
 * The facts of participants from .. to - 1 (two of these run at once), of one roster (pair
 * NULL) or of a linked pair: index i < first's count is first's participant i, the others are
 * second's new participants in order, their labels mapped to first's.
 */
struct finish_job {
	const struct ps_roster *r;
	const struct ps_roster_pair *pair;
	const struct ps_roster_rules *rules;
	int32_t as_of;
	struct ps_participant_facts *out;
	size_t from, to;
};

/* The id hash of participant i of r (the key itself for a roster of partials). */
static uint64_t id_hash_of(const struct ps_roster *r, size_t i)
{
	const char *key = ps_strmap_key(&r->ids, i);
	size_t len = ps_strmap_key_len(&r->ids, i);
	uint64_t h;
	if (r->ids_hashed && ps_id_hash_parse(key, len, &h))
		return h;
	return ps_id_hash(key, len);
}

static void *finish_range(void *arg)
{
	const struct finish_job *job = arg;
	const struct ps_roster *r = job->r;
	const struct ps_roster_pair *pair = job->pair;
	const struct ps_roster_rules *rules = job->rules;
	int32_t as_of = job->as_of;
	struct ps_participant_facts *out = job->out;
	int64_t gap = rules->dropout_gap_days;
	size_t own = r->ids.count;
	for (size_t i = job->from; i < job->to; i++) {
		const struct ps_roster_person *p;
		struct ps_participant_facts *f = &out[i];
		f->participant = i;
		if (i < own) {
			p = &r->people[i];
			f->cohort = p->cohort;
			f->site = p->site;
			f->id_hash = id_hash_of(r, i);
		} else {
			size_t j = pair->fresh[i - own];
			p = &pair->second->people[j];
			f->cohort = pair->cohort_map[p->cohort];
			f->site = p->site < 0 ? -1 : (int32_t)pair->site_map[p->site];
			f->id_hash = id_hash_of(pair->second, j);
		}
		f->enrolled_from_column = p->enrolled != PS_ROSTER_NO_DAY;
		f->enrolled_on = f->enrolled_from_column ? p->enrolled : p->first;
		f->end_on = p->last;
		f->sessions_scheduled = p->scheduled;
		f->sessions_attended = p->attended;
		f->attendance_rate = (double)p->attended / (double)p->scheduled;
		f->first_attended_on = p->first_att;
		f->last_attended_on = p->last_att;
		f->never_attended = p->attended == 0;
		f->retention_days = f->never_attended ? 0 : p->last_att - f->enrolled_on;
		f->observed_days = as_of - f->enrolled_on;
		/* never attended counts as a dropout only once the gap has passed since enrolment: a
		 * participant enrolled last week who has not come yet is still active (censored at 0) */
		f->dropped_out = f->never_attended ? (int64_t)as_of - f->enrolled_on > gap
						   : (int64_t)f->end_on - p->last_att > gap;
		f->completed = !f->dropped_out && (int64_t)as_of - f->end_on > gap;
		f->active = !f->dropped_out && !f->completed;
		f->window_attended = ds_count(&p->att_days, f->enrolled_on,
					      (int64_t)f->enrolled_on + rules->engaged_window_days - 1);
		f->engaged = f->window_attended >= (uint32_t)rules->engaged_min;
	}
	return NULL;
}

/* ps_roster_finish of r, or of the pair linked with r as its first part. */
static enum ps_status finish(struct ps_roster *r, const struct ps_roster_pair *pair, const struct ps_roster_rules *rules,
			     struct ps_participant_facts **facts, size_t *n, int32_t *as_of_used, struct ps_error *err)
{
	struct ps_roster_rules dflt = ps_roster_rules_default();
	char date[16], other[16], expected[128];
	*facts = NULL;
	*n = 0;
	r->broken = PS_ROSTER_RULE_NONE;
	if (!rules)
		rules = &dflt;
	if (rules->dropout_gap_days < 0)
		return ps_error_set(err, PS_EUSAGE, "the dropout gap must be 0 days or more");
	if (rules->engaged_min < 1)
		return ps_error_set(err, PS_EUSAGE, "the engagement threshold must be 1 session or more");
	if (rules->engaged_window_days < 1)
		return ps_error_set(err, PS_EUSAGE, "the engagement window must be 1 day or more");
	if (rules->as_of != PS_ROSTER_NO_DAY && (rules->as_of < FIRST_DAY || rules->as_of > LAST_DAY))
		return ps_error_set(err, PS_EUSAGE, "the as-of date must be within the years 0001..9999");

	int32_t as_of = rules->as_of != PS_ROSTER_NO_DAY ? rules->as_of : r->as_of != PS_ROSTER_NO_DAY ? r->as_of : r->latest;
	if (as_of_used)
		*as_of_used = as_of;
	if (r->latest != PS_ROSTER_NO_DAY && r->latest > as_of) {
		unsigned long late = 0;
		for (size_t i = 0; i < r->ids.count; i++)
			late += r->people[i].last > as_of;
		for (size_t k = 0; pair && k < pair->nfresh; k++)
			late += pair->second->people[pair->fresh[k]].last > as_of;
		ps_format_date(r->latest, date);
		snprintf(expected, sizeof(expected), "sessions on or before the as-of date %s", ps_format_date(as_of, other));
		return reject(r, err, PS_ROSTER_RULE_AFTER_AS_OF, date, strlen(date), expected,
			      "%lu participant%s sessions after the as-of date (the latest on %s)", late,
			      late == 1 ? " has" : "s have", date);
	}
	size_t count = r->ids.count + (pair ? pair->nfresh : 0);
	if (count == 0)
		return PS_OK;
	struct ps_participant_facts *out = calloc(count, sizeof(*out));
	if (!out)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	struct finish_job jobs[2] = { { r, pair, rules, as_of, out, 0, count / 2 },
				      { r, pair, rules, as_of, out, count / 2, count } };
	pthread_t tid;
	/* two halves at once on a large roster (the facts are independent); one thread otherwise */
	if (count >= 65536 && pthread_create(&tid, NULL, finish_range, &jobs[1]) == 0) {
		finish_range(&jobs[0]);
		pthread_join(tid, NULL);
	} else {
		jobs[0].to = count;
		finish_range(&jobs[0]);
	}
	*facts = out;
	*n = count;
	return PS_OK;
}

enum ps_status ps_roster_finish(struct ps_roster *r, const struct ps_roster_rules *rules,
				struct ps_participant_facts **facts, size_t *n, int32_t *as_of_used,
				struct ps_error *err)
{
	return finish(r, NULL, rules, facts, n, as_of_used, err);
}

enum ps_status ps_roster_pair_finish(const struct ps_roster_pair *pair, const struct ps_roster_rules *rules,
				     struct ps_participant_facts **facts, size_t *n, int32_t *as_of_used,
				     struct ps_error *err)
{
	return finish(pair->first, pair, rules, facts, n, as_of_used, err);
}

/* One thread's share of linking: check, then fold in, second's participants from .. to - 1. */
struct link_job {
	struct ps_roster view;            /* a copy of first's struct: merge_check writes its broken */
	const struct ps_roster *second;
	size_t *where;
	size_t from, to;
	enum ps_status st;
	struct ps_error err;
};

static void *link_check(void *arg)
{
	struct link_job *job = arg;
	job->st = merge_check(&job->view, job->second, job->from, job->to, job->where, &job->err);
	return NULL;
}

/* Each participant of first is met by at most one of second's: the two ranges write apart. */
static void *link_unite(void *arg)
{
	struct link_job *job = arg;
	for (size_t i = job->from; i < job->to && job->st == PS_OK; i++)
		if (job->where[i] != SIZE_MAX && unite(&job->view.people[job->where[i]], &job->second->people[i]) != 0)
			job->st = ps_error_set(&job->err, PS_ENOMEM, "out of memory");
	return NULL;
}

/* Run fn over the two jobs, the second in a thread of its own when there is enough work. */
static void run_two(void *(*fn)(void *), struct link_job *jobs, size_t count)
{
	pthread_t tid;
	if (count >= 65536 && pthread_create(&tid, NULL, fn, &jobs[1]) == 0) {
		fn(&jobs[0]);
		pthread_join(tid, NULL);
	} else {
		fn(&jobs[0]);
		fn(&jobs[1]);
	}
}

/* The first failure of the two jobs (in second's order, as one pass over it would find it). */
static enum ps_status link_failure(struct ps_roster_pair *pair, struct link_job *jobs, struct ps_error *err)
{
	for (int k = 0; k < 2; k++) {
		if (jobs[k].st != PS_OK) {
			pair->first->broken = jobs[k].view.broken;
			*err = jobs[k].err;
			return jobs[k].st;
		}
	}
	return PS_OK;
}

enum ps_status ps_roster_pair_link(struct ps_roster_pair *pair, struct ps_roster *first, struct ps_roster *second,
				   struct ps_error *err)
{
	memset(pair, 0, sizeof(*pair));
	pair->first = first;
	pair->second = second;
	first->broken = PS_ROSTER_RULE_NONE;
	size_t n = second->ids.count;
	enum ps_status st = merge_check_as_of(first, second, err);
	if (st != PS_OK)
		return st;
	pair->where = malloc((n ? n : 1) * sizeof(*pair->where));
	pair->fresh = malloc((n ? n : 1) * sizeof(*pair->fresh));
	pair->cohort_map = malloc((second->cohorts.count ? second->cohorts.count : 1) * sizeof(*pair->cohort_map));
	pair->site_map = malloc((second->sites.count ? second->sites.count : 1) * sizeof(*pair->site_map));
	if (!pair->where || !pair->fresh || !pair->cohort_map || !pair->site_map)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	struct link_job jobs[2];
	for (int k = 0; k < 2; k++) {
		jobs[k].view = *first;
		jobs[k].second = second;
		jobs[k].where = pair->where;
		jobs[k].from = k == 0 ? 0 : n / 2;
		jobs[k].to = k == 0 ? n / 2 : n;
		jobs[k].st = PS_OK;
		ps_error_clear(&jobs[k].err);
	}
	run_two(link_check, jobs, n);
	if ((st = link_failure(pair, jobs, err)) != PS_OK)
		return st;
	/* labels new to first in second's order: the indices one pass gives (see merge_apply) */
	if (map_labels(&first->cohorts, &second->cohorts, pair->cohort_map) != 0 ||
	    map_labels(&first->sites, &second->sites, pair->site_map) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (size_t k = 0; k < second->cohorts.count; k++)
		if (pair->cohort_map[k] > UINT32_MAX)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (size_t k = 0; k < second->sites.count; k++)
		if (pair->site_map[k] > INT32_MAX)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (int k = 0; k < 2; k++)
		jobs[k].view.people = first->people;
	run_two(link_unite, jobs, n);
	if ((st = link_failure(pair, jobs, err)) != PS_OK)
		return st;
	for (size_t i = 0; i < n; i++)
		if (pair->where[i] == SIZE_MAX)
			pair->fresh[pair->nfresh++] = i;
	if (second->latest != PS_ROSTER_NO_DAY)
		note_latest(first, second->latest);
	first->rows += second->rows;
	return PS_OK;
}

enum ps_status ps_roster_pair_absorb(struct ps_roster_pair *pair, struct ps_error *err)
{
	struct ps_roster *first = pair->first, *second = pair->second;
	/* the shared participants are united already (link): copy the new ones, as merge would */
	size_t rows = first->rows;
	enum ps_status st = merge_apply(first, second, pair->where, pair->cohort_map, pair->site_map, 0, err);
	first->rows = rows; /* link counted second's rows already */
	return st;
}

void ps_roster_pair_release(struct ps_roster_pair *pair)
{
	free(pair->where);
	free(pair->fresh);
	free(pair->cohort_map);
	free(pair->site_map);
	memset(pair, 0, sizeof(*pair));
}
