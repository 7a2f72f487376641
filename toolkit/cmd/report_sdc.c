/* Small-cell suppression; see report_sdc.h and docs/report.md. */
#include "report_sdc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_doc.h"

void ps_sdc_init(struct ps_sdc *s, long min_cell)
{
	memset(s, 0, sizeof(*s));
	s->min_cell = min_cell;
}

void ps_sdc_release(struct ps_sdc *s)
{
	free(s->cells);
	free(s->members);
	memset(s, 0, sizeof(*s));
}

static size_t add_cell(struct ps_sdc *s, long long value, int printed)
{
	if (s->ncells == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct ps_sdc_cell *c = realloc(s->cells, cap * sizeof(*c));
		if (!c) {
			s->failed = 1;
			return 0;
		}
		s->cells = c;
		s->cap = cap;
	}
	s->cells[s->ncells].value = value;
	s->cells[s->ncells].printed = printed;
	s->cells[s->ncells].state = PS_SDC_SHOWN;
	s->cells[s->ncells].derived = 0;
	return s->ncells++;
}

size_t ps_sdc_cell(struct ps_sdc *s, long long value)
{
	return add_cell(s, value, 1);
}

size_t ps_sdc_implicit(struct ps_sdc *s, long long value)
{
	return add_cell(s, value, 0);
}

long long ps_sdc_value(const struct ps_sdc *s, size_t id)
{
	return id < s->ncells ? s->cells[id].value : -1;
}

static void push_member(struct ps_sdc *s, size_t v)
{
	if (s->nmembers == s->mcap) {
		size_t cap = s->mcap ? s->mcap * 2 : 128;
		size_t *m = realloc(s->members, cap * sizeof(*m));
		if (!m) {
			s->failed = 1;
			return;
		}
		s->members = m;
		s->mcap = cap;
	}
	s->members[s->nmembers++] = v;
}

void ps_sdc_sum(struct ps_sdc *s, size_t total, const size_t *parts, size_t nparts)
{
	push_member(s, nparts + 1);
	push_member(s, total);
	for (size_t i = 0; i < nparts; i++)
		push_member(s, parts[i]);
}

/* A cell a reader cannot see: not printed, small or withheld. */
static int unknown(const struct ps_sdc_cell *c)
{
	return c->state != PS_SDC_SHOWN || (!c->printed && !c->derived);
}

static int is_protected(const struct ps_sdc_cell *c)
{
	return c->state != PS_SDC_SHOWN;
}

/* One sum (members m[0..count-1], m[0] the total): withhold a partner or note a derivable cell. */
static int protect_sum(struct ps_sdc *s, const size_t *m, size_t count)
{
	size_t nunknown = 0, which = 0;
	for (size_t i = 0; i < count; i++)
		if (unknown(&s->cells[m[i]])) {
			nunknown++;
			which = m[i];
		}
	if (nunknown != 1)
		return 0;
	if (!is_protected(&s->cells[which])) {
		/* an implicit count a reader can work out from this sum */
		s->cells[which].derived = 1;
		return 1;
	}
	/* the smallest known non-zero part; a zero part hides nothing, the total is the last resort */
	size_t best = 0;
	int found = 0;
	for (size_t i = 1; i < count; i++) {
		const struct ps_sdc_cell *c = &s->cells[m[i]];
		if (unknown(c) || c->value == 0)
			continue;
		if (!found || c->value < s->cells[best].value) {
			best = m[i];
			found = 1;
		}
	}
	if (!found && !unknown(&s->cells[m[0]])) {
		best = m[0];
		found = 1;
	}
	if (!found)
		return 0;
	s->cells[best].state = PS_SDC_WITHHELD;
	return 1;
}

void ps_sdc_solve(struct ps_sdc *s)
{
	if (s->failed) {
		for (size_t i = 0; i < s->ncells; i++)
			s->cells[i].state = PS_SDC_WITHHELD;
		return;
	}
	if (s->min_cell <= 0)
		return;
	for (size_t i = 0; i < s->ncells; i++)
		if (s->cells[i].value >= 1 && s->cells[i].value < s->min_cell)
			s->cells[i].state = PS_SDC_SMALL;
	/* each pass withholds or derives at least one more cell or ends: at most 2 ncells passes */
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t k = 0; k < s->nmembers; k += s->members[k] + 1)
			changed |= protect_sum(s, &s->members[k + 1], s->members[k]);
	}
}

int ps_sdc_known(const struct ps_sdc *s, size_t id)
{
	return !s->failed && id < s->ncells && s->cells[id].state == PS_SDC_SHOWN && s->cells[id].value >= 0;
}

int ps_sdc_all_known(const struct ps_sdc *s, const size_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ps_sdc_known(s, ids[i]))
			return 0;
	return 1;
}

char *ps_sdc_text(const struct ps_sdc *s, size_t id, char *buf)
{
	if (s->failed || id >= s->ncells)
		snprintf(buf, 40, "%c*%c", PS_REP_N_OPEN, PS_REP_N_CLOSE);
	else if (s->cells[id].state == PS_SDC_SMALL)
		snprintf(buf, 40, "%c<%ld%c", PS_REP_N_OPEN, s->min_cell, PS_REP_N_CLOSE);
	else if (s->cells[id].value < 0) /* not in the summary */
		snprintf(buf, 40, "n/a");
	else if (s->cells[id].state == PS_SDC_WITHHELD)
		snprintf(buf, 40, "%c*%c", PS_REP_N_OPEN, PS_REP_N_CLOSE);
	else
		snprintf(buf, 40, "%c%lld%c", PS_REP_N_OPEN, s->cells[id].value, PS_REP_N_CLOSE);
	return buf;
}
