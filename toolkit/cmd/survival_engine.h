#ifndef PEERSTAT_CMD_SURVIVAL_ENGINE_H
#define PEERSTAT_CMD_SURVIVAL_ENGINE_H

/*
 * One survival analysis for every command that has a time to an event (survival, retention,
 * sobriety): collect rows with ps_surv_data_add, then ps_surv_emit writes the "survival"
 * contract's blocks (docs/json.md) under a parent object.
 */

#include "common.h"
#include "peerstat/cox.h"
#include "peerstat/km.h"
#include "peerstat/logrank.h"
#include "peerstat/strmap.h"

struct ps_surv_settings {
	double conf;              /* 0.95 */
	enum ps_km_ci ci;         /* log */
	double *at;               /* survival at these times (sorted), not owned */
	long nat;
	double *quantiles;        /* besides the median, not owned */
	long nquantiles;
	double tau;               /* restricted-mean horizon when tau_set */
	int tau_set;
	double rho;               /* 0 log-rank, 1 Peto-Peto */
	enum ps_cox_ties ties;    /* efron */
	int curve;                /* 1: print the full curves */
};

/* R's defaults: conf 0.95, log limits, log-rank, Efron ties, curves printed. */
void ps_surv_settings_init(struct ps_surv_settings *set);

/* --ci log|log-log|plain and --tau T (> 0): PS_OK, or PS_EUSAGE with the usage message printed. */
enum ps_status ps_surv_parse_ci(const struct ps_common *common, const char *arg, struct ps_surv_settings *set);
enum ps_status ps_surv_parse_tau(const struct ps_common *common, const char *arg, struct ps_surv_settings *set);

struct ps_surv_data {
	const char *label[2];            /* [PS_GROUP_CONTROL], [PS_GROUP_TREATMENT]; not owned */
	const char *strata_name;         /* NULL: not stratified; not owned */
	struct ps_strmap strata;         /* stratum labels -> ids */
	size_t nstrata;
	struct ps_surv_table *tables;    /* [stratum * 2 + group] */
	size_t tables_cap;
	struct ps_surv_table overall[2]; /* per group, all strata */
	unsigned long missing[2];        /* rows left out per group for a missing value (the caller counts) */
	struct ps_cox_data cox;          /* every row: group indicator, covariates, stratum */
	char **covariates;               /* names, not owned */
	size_t ncov;
	double *xrow;                    /* scratch */
};

/* An empty store. Returns PS_OK or PS_ENOMEM (release it either way). */
enum ps_status ps_surv_data_init(struct ps_surv_data *d, const char *control, const char *treatment,
				 const char *strata_name, char **covariates, size_t ncov);

/*
 * One complete row: group PS_GROUP_TREATMENT or PS_GROUP_CONTROL, time >= 0, event 0/1, the
 * stratum label (ignored unless stratified), ncov covariate values. Errors: PS_EDATA (time or
 * event out of range), PS_ENOMEM.
 */
enum ps_status ps_surv_data_add(struct ps_surv_data *d, int group, double time, int event, const char *stratum,
				size_t stratum_len, const double *covariates);

void ps_surv_data_release(struct ps_surv_data *d);

/*
 * Compute everything and write "groups", "rmst_difference", "tests" and "cox" under parent,
 * and "strata", "conf_level", "ci", "ci_method", "tau", "tau_rule" under options. prefix is the
 * dotted path of parent for warnings ("" at the top level, "time_to_dropout." inside). The
 * tables are finished on the way (call once).
 */
enum ps_status ps_surv_emit(struct ps_doc *doc, cJSON *parent, const char *prefix, cJSON *options,
			    struct ps_surv_data *d, const struct ps_surv_settings *set, struct ps_error *err);

#endif
