#ifndef PEERSTAT_CMD_COMPARE_ENGINE_H
#define PEERSTAT_CMD_COMPARE_ENGINE_H

/*
 * Two-group comparisons and their JSON ("compare" in docs/json.md), shared by every command
 * that compares treatment with control. Values are kept per group (ranks and exact quantiles
 * need them all). `where` arguments are the dotted path of parent for warnings, ending in '.'
 * unless empty.
 */

#include "common.h"
#include "peerstat/twobytwo.h"

/* The tests whose p-values --p-adjust adjusts, each family across the outcome columns. */
enum ps_cmp_test {
	PS_CMP_WELCH, PS_CMP_STUDENT, PS_CMP_MANN_WHITNEY, PS_CMP_ANCOVA, PS_CMP_CHANGE_WELCH, PS_CMP_CHANGE_MANN_WHITNEY, PS_CMP_CHI, PS_CMP_CHI_YATES, PS_CMP_FISHER,
	PS_CMP_NTESTS
};

/* A growing array of doubles. */
struct ps_vec {
	double *v;
	size_t n, cap;
};

/* Append x; returns 0, or -1 when out of memory. */
int ps_vec_push(struct ps_vec *a, double x);
void ps_vec_release(struct ps_vec *a);

/* Everything kept for one outcome column. */
struct ps_cmp_outcome {
	const char *name;
	long index;
	struct ps_vec values[2];         /* non-missing values per group */
	unsigned long missing[2];
	int saw_words;                /* yes/no tokens: binary whatever the numbers */
	int not_01;                   /* a value other than 0 or 1: cannot be binary */
	/* --paired-with */
	struct ps_vec base[2], follow[2], change[2];
	unsigned long pair_missing[2];
	/* --adjust-for: complete cases of value and every covariate */
	struct ps_vec y, g;
	struct ps_vec *cov;              /* [ncov] */
	/* results kept for --p-adjust */
	double p[PS_CMP_NTESTS];
	cJSON *test_obj[PS_CMP_NTESTS];
	char test_path[PS_CMP_NTESTS][192];   /* dotted path of each test object, for warnings */
};


/* What the emitters need to know besides the values. */
struct ps_cmp_context {
	const char *label[2];         /* [PS_GROUP_CONTROL], [PS_GROUP_TREATMENT] */
	const char *paired_with;      /* baseline column name, for ps_cmp_emit_paired */
	char **adjust;                /* covariate names, for ps_cmp_emit_ancova */
	size_t nadjust;
};

/* groups (descriptives), tests (Welch, Student, Mann-Whitney), effects (d, g) of o->values. */
enum ps_status ps_cmp_emit_continuous(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				      struct ps_cmp_outcome *o, double conf);

/* "paired": change from baseline within each group, and the difference in change. */
enum ps_status ps_cmp_emit_paired(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				  struct ps_cmp_outcome *o, double conf);

/* "ancova": o->y ~ covariates + group by least squares. */
enum ps_status ps_cmp_emit_ancova(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				  struct ps_cmp_outcome *o, double conf);

/* groups (proportions), tests (chi-square, Yates, Fisher), effects (RD, RR, OR) of 0/1 values. */
enum ps_status ps_cmp_emit_binary(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				  struct ps_cmp_outcome *o, double conf);

/*
 * The same from counts: treatment events a of n1, control events c of n0, and the rows left
 * out per group. o (may be NULL) receives the p-values for --p-adjust.
 */
enum ps_status ps_cmp_emit_table(struct ps_doc *doc, cJSON *parent, const char *where, const struct ps_cmp_context *c,
				 const struct ps_twobytwo *counts, const unsigned long missing[2], struct ps_cmp_outcome *o,
				 double conf);

#endif
