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
 * Rows stream into per-(stratum, group) count tables (memory grows with distinct times) and a
 * Cox row store (memory grows with participants, the Cox likelihood needs every row).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
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
	"  --no-curve           leave the full curves out of the output\n";

enum {
	OPT_TIME = 1, OPT_EVENT, OPT_GROUP, OPT_TREATMENT, OPT_CONTROL, OPT_IGNORE_OTHER, OPT_STRATA, OPT_COVARIATES,
	OPT_AT, OPT_QUANTILES, OPT_TAU, OPT_CONF, OPT_CI, OPT_RHO, OPT_TIES, OPT_NO_CURVE
};

struct survival {
	struct ps_common *common;
	struct ps_groups groups;
	const char *time_col, *event_col, *strata_col;
	char **covariates;
	size_t ncov;
	struct ps_field_spec time_spec, event_spec, strata_spec, *cov_specs;
	long time_index, event_index, group_index, strata_index, *cov_index;
	struct ps_cell_options cells;
	const char *display;
	struct ps_rejects rejects;

	struct ps_surv_data data;
	double *covrow;                         /* scratch: one row's covariates */
};

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
	enum ps_status st = ps_groups_row(&s->groups, s->cells.na, row, s->group_index, &s->rejects,
				     s->display, &g, err);
	if (g == PS_GROUP_NONE)
		return st;

	struct ps_value time, event, stratum;
	if (ps_cell_parse(&s->time_spec, &s->cells, row->fields[s->time_index], row->lens[s->time_index],
			  (size_t)s->time_index, &time, err) != PS_OK ||
	    ps_cell_parse(&s->event_spec, &s->cells, row->fields[s->event_index], row->lens[s->event_index],
			  (size_t)s->event_index, &event, err) != PS_OK)
		return ps_reject_row(&s->rejects, err, s->display, row->line);
	int missing = time.missing || event.missing;
	if (s->strata_index >= 0) {
		if (ps_cell_parse(&s->strata_spec, &s->cells, row->fields[s->strata_index], row->lens[s->strata_index],
				  (size_t)s->strata_index, &stratum, err) != PS_OK)
			return ps_reject_row(&s->rejects, err, s->display, row->line);
		missing |= stratum.missing;
	}
	/* every cell is parsed even after a missing one: a bad value must be an error, not
	 * pass as "missing" because an earlier cell of its row was empty */
	for (size_t k = 0; k < s->ncov; k++) {
		struct ps_value v;
		long c = s->cov_index[k];
		if (ps_cell_parse(&s->cov_specs[k], &s->cells, row->fields[c], row->lens[c], (size_t)c, &v, err) != PS_OK)
			return ps_reject_row(&s->rejects, err, s->display, row->line);
		missing |= v.missing;
		s->covrow[k] = v.d;
	}
	if (missing) {
		/* complete cases only, as R's default na.action; counted, never silent */
		s->data.missing[g]++;
		return PS_OK;
	}
	if (ps_surv_data_add(&s->data, g, time.d, (int)event.i, s->strata_index >= 0 ? stratum.s : NULL,
			     s->strata_index >= 0 ? stratum.len : 0, s->covrow) != PS_OK)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	return PS_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

enum ps_status cmd_survival(int argc, char **argv)
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
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct survival s;
	struct ps_surv_settings set;
	struct ps_doc doc = { 0 };
	char *cov_storage = NULL;
	struct ps_error err;
	enum ps_status st = PS_OK;

	memset(&s, 0, sizeof(s));
	ps_error_clear(&err);
	if (ps_common_init(&common, "survival", cmd_survival_usage) != PS_OK)
		return PS_ENOMEM;
	ps_groups_init(&s.groups);
	ps_surv_settings_init(&set);
	optind = 0;
	opterr = 0;
	int opt;
	while (st == PS_OK && (opt = getopt_long(argc, argv, "+" PS_COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_TIME: s.time_col = optarg; break;
		case OPT_EVENT: s.event_col = optarg; break;
		case OPT_GROUP: s.groups.column = optarg; break;
		case OPT_TREATMENT: s.groups.label[PS_GROUP_TREATMENT] = optarg; break;
		case OPT_CONTROL: s.groups.label[PS_GROUP_CONTROL] = optarg; break;
		case OPT_IGNORE_OTHER: s.groups.ignore_other = 1; break;
		case OPT_STRATA: s.strata_col = optarg; break;
		case OPT_NO_CURVE: set.curve = 0; break;
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
	s.cells = ps_common_cell_options(&common);
	s.time_spec = (struct ps_field_spec){ "follow-up time", s.time_col, "--time", PS_TYPE_NUMBER, 1, 0, 0, 1e300 };
	s.event_spec = (struct ps_field_spec){ "event indicator", s.event_col, "--event", PS_TYPE_BOOL, 1, 0, 1, 0 };
	s.strata_spec = (struct ps_field_spec){ "stratum", s.strata_col, "--strata", PS_TYPE_LABEL, 1, 0, 1, 0 };
	s.cov_specs = calloc(s.ncov + 1, sizeof(*s.cov_specs));
	s.cov_index = calloc(s.ncov + 1, sizeof(*s.cov_index));
	s.covrow = calloc(s.ncov + 1, sizeof(*s.covrow));
	if (!s.cov_specs || !s.cov_index || !s.covrow ||
	    ps_surv_data_init(&s.data, s.groups.label[PS_GROUP_CONTROL], s.groups.label[PS_GROUP_TREATMENT], s.strata_col,
			      s.covariates, s.ncov) != PS_OK) {
		st = PS_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < s.ncov; k++)
		s.cov_specs[k] = (struct ps_field_spec){ "covariate", s.covariates[k], "--covariates", PS_TYPE_NUMBER, 1, 0, 1, 0 };

	unsigned long rows = 0;
	if ((st = ps_read_csv(&common, optind < argc ? argv[optind] : NULL, on_header, on_row, &s, &s.rejects, &s.display,
			      &rows, NULL)) != PS_OK)
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
	if ((st = ps_surv_emit(&doc, doc.root, "", options, &s.data, &set, &err)) != PS_OK) {
		if (err.message[0])
			ps_report_error(&common, &err);
		goto done;
	}
	st = ps_write_doc(&common, &doc);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: survival: out of memory\n");
	ps_doc_release(&doc);
	ps_surv_data_release(&s.data);
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
