/* A roster participant as a line of a partial summary, and back; see include/peerstat/roster.h. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/idhash.h"
#include "peerstat/parse.h"
#include "peerstat/roster.h"

static const uint64_t *set_words(const struct ps_dayset *s)
{
	return s->heap ? s->heap : s->inline_bits;
}

/* The days of s from first on as hex digits (see roster.h), into a malloc'ed string. */
static char *days_hex(const struct ps_dayset *s, int32_t first, int32_t last)
{
	size_t ndigits = last == PS_ROSTER_NO_DAY ? 0 : ((size_t)((int64_t)last - first) / 4 + 1);
	char *hex = calloc(ndigits + 1, 1);
	if (!hex)
		return NULL;
	unsigned char *val = (unsigned char *)hex;
	const uint64_t *w = set_words(s);
	size_t used = 0;
	for (uint32_t j = 0; j < s->nwords; j++)
		for (uint64_t bits = w[j]; bits; bits &= bits - 1) {
			int64_t off = (int64_t)s->base + (int64_t)j * 64 + __builtin_ctzll(bits) - first;
			if (off < 0 || (size_t)(off / 4) >= ndigits)
				continue; /* cannot happen: every day is within first .. last */
			val[off / 4] |= (unsigned char)(1u << (off % 4));
			if ((size_t)(off / 4) + 1 > used)
				used = (size_t)(off / 4) + 1;
		}
	for (size_t k = 0; k < used; k++)
		hex[k] = "0123456789abcdef"[val[k]];
	hex[used] = '\0';
	return hex;
}

enum ps_status ps_roster_person_format(const struct ps_roster *r, size_t i, const char *key, size_t key_len,
				       char **line)
{
	const struct ps_roster_person *p = &r->people[i];
	char date[16];
	*line = NULL;
	cJSON *a = cJSON_CreateArray();
	char *k = malloc(key_len + 1);
	char *sched = days_hex(&p->sched_days, p->first, p->last);
	char *att = days_hex(&p->att_days, p->first, p->last_att);
	int ok = a && k && sched && att;
	if (ok) {
		memcpy(k, key, key_len);
		k[key_len] = '\0';
		ok = cJSON_AddItemToArray(a, cJSON_CreateString(k)) &&
		     cJSON_AddItemToArray(a, cJSON_CreateString(ps_strmap_key(&r->cohorts, p->cohort))) &&
		     cJSON_AddItemToArray(a, p->site < 0 ? cJSON_CreateNull()
							 : cJSON_CreateString(ps_strmap_key(&r->sites, (size_t)p->site))) &&
		     cJSON_AddItemToArray(a, p->enrolled == PS_ROSTER_NO_DAY ? cJSON_CreateNull()
									   : cJSON_CreateString(ps_format_date(p->enrolled, date))) &&
		     cJSON_AddItemToArray(a, cJSON_CreateString(ps_format_date(p->first, date))) &&
		     cJSON_AddItemToArray(a, cJSON_CreateString(sched)) && cJSON_AddItemToArray(a, cJSON_CreateString(att));
	}
	if (ok)
		*line = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	free(k);
	free(sched);
	free(att);
	return *line ? PS_OK : PS_ENOMEM;
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static enum ps_status bad(struct ps_error *err, const char *what)
{
	return ps_error_set(err, PS_EDATA, "not a participant record of a partial summary: %s", what);
}

static int is_date(const cJSON *item, int32_t *day)
{
	return cJSON_IsString(item) && ps_parse_date(item->valuestring, strlen(item->valuestring), PS_DATE_ISO, day, NULL);
}

enum ps_status ps_roster_person_parse(struct ps_roster *r, const char *line, size_t len, struct ps_error *err)
{
	cJSON *a = cJSON_ParseWithLength(line, len);
	enum ps_status st = PS_OK;
	int32_t enrolled = PS_ROSTER_NO_DAY, first;
	size_t index;
	uint64_t key_hash;
	if (!a)
		return cJSON_GetErrorPtr() ? bad(err, "not JSON") : ps_error_set(err, PS_ENOMEM, "out of memory");
	const cJSON *item[7] = { NULL };
	int n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, a) {
		if (n < 7)
			item[n] = it;
		n++;
	}
	if (!cJSON_IsArray(a) || n != 7)
		st = bad(err, "expected an array of 7 items");
	else if (!cJSON_IsString(item[0]) || !ps_id_hash_parse(item[0]->valuestring, strlen(item[0]->valuestring), &key_hash))
		st = bad(err, "the key is not 16 lowercase hex digits");
	else if (!cJSON_IsString(item[1]))
		st = bad(err, "the cohort is not a string");
	else if (!cJSON_IsNull(item[2]) && !cJSON_IsString(item[2]))
		st = bad(err, "the site is neither a string nor null");
	else if (!cJSON_IsNull(item[3]) && !is_date(item[3], &enrolled))
		st = bad(err, "enrolled_on is neither a date YYYY-MM-DD nor null");
	else if (!is_date(item[4], &first))
		st = bad(err, "the first session is not a date YYYY-MM-DD");
	else if (!cJSON_IsString(item[5]) || !cJSON_IsString(item[6]))
		st = bad(err, "the day sets are not strings");
	else if (ps_strmap_find(&r->ids, item[0]->valuestring, strlen(item[0]->valuestring), &index))
		st = ps_error_set(err, PS_EDATA, "participant listed twice in one partial summary");
	if (st != PS_OK) {
		cJSON_Delete(a);
		return st;
	}
	r->ids_hashed = 1; /* keys stand for ids: the facts' id_hash is the key itself */
	const char *sched = item[5]->valuestring, *att = item[6]->valuestring;
	size_t ns = strlen(sched), na = strlen(att);
	if (ns == 0 || sched[0] == '0' || (sched[0] != '0' && !(hex_value(sched[0]) & 1)) || sched[ns - 1] == '0' ||
	    (na && att[na - 1] == '0') || na > ns)
		st = bad(err, "a day set does not start at the first session or ends in a zero digit");
	for (size_t k = 0; k < ns && st == PS_OK; k++) {
		int s = hex_value(sched[k]), t = k < na ? hex_value(att[k]) : 0;
		if (s < 0 || t < 0)
			st = bad(err, "a day set has a character that is not a lowercase hex digit");
		else if (t & ~s)
			st = bad(err, "an attended day is not a scheduled day");
	}
	const char *key = item[0]->valuestring, *cohort = item[1]->valuestring;
	const char *site = cJSON_IsString(item[2]) ? item[2]->valuestring : NULL;
	/* day by day through ps_roster_add: the roster's own rules check the record */
	for (size_t k = 0; k < ns && st == PS_OK; k++) {
		int s = hex_value(sched[k]), t = k < na ? hex_value(att[k]) : 0;
		for (int j = 0; j < 4 && st == PS_OK; j++) {
			if (!(s >> j & 1))
				continue;
			int64_t day = (int64_t)first + (int64_t)k * 4 + j;
			if (day > INT32_MAX) {
				st = bad(err, "a day beyond the years 0001..9999");
				break;
			}
			st = ps_roster_add(r, key, strlen(key), cohort, strlen(cohort), site, site ? strlen(site) : 0,
					   (int32_t)day, t >> j & 1, enrolled, err);
			if (st == PS_EINTERNAL)
				st = bad(err, "a day beyond the years 0001..9999");
		}
	}
	cJSON_Delete(a);
	return st;
}
