/*
 * libFuzzer harness for the one-row-per-participant table path: `compare` and `survival` (the
 * shared ps_read_csv and the engines behind them), run in-process on the input (see
 * fuzz_common.h). The columns are taken from the input's own header: for survival the first
 * three are time, event and group (a fourth is the strata, a fifth a covariate); for compare
 * the first is the group and the next ones the values. The treatment and control labels are
 * the first two values seen in the group column.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_write(data, size);
	uint64_t h = fuzz_hash(data, size);
	int survival = h & 1;
	struct fuzz_header hd;
	fuzz_header(data, size, survival ? 2 : 0, &hd);
	if (hd.n < (survival ? 3u : 2u) || !hd.label[0][0] || !hd.label[1][0])
		return 0;
	char *argv[32];
	int argc = 0;
	enum ps_status (*cmd)(int, char **) = survival ? cmd_survival : cmd_compare;
	argv[argc++] = survival ? "survival" : "compare";
	argv[argc++] = "--group";
	argv[argc++] = hd.name[survival ? 2 : 0];
	argv[argc++] = "--treatment";
	argv[argc++] = hd.label[0];
	argv[argc++] = "--control";
	argv[argc++] = hd.label[1];
	argv[argc++] = "--ignore-other-groups";
	if (survival) {
		argv[argc++] = "--time";
		argv[argc++] = hd.name[0];
		argv[argc++] = "--event";
		argv[argc++] = hd.name[1];
		if (hd.n > 3 && (h >> 1) & 1) {
			argv[argc++] = "--strata";
			argv[argc++] = hd.name[3];
		}
		if (hd.n > 4 && (h >> 2) & 1) {
			argv[argc++] = "--covariates";
			argv[argc++] = hd.name[4];
		}
		if ((h >> 3) & 1) {
			argv[argc++] = "--ties";
			argv[argc++] = "breslow";
		}
	} else {
		argv[argc++] = "--value";
		argv[argc++] = hd.name[1];
		if (hd.n > 2 && (h >> 1) & 1) {
			argv[argc++] = "--value";
			argv[argc++] = hd.name[2];
			argv[argc++] = "--p-adjust";
			argv[argc++] = "bh";
		}
		if (hd.n > 3 && (h >> 2) & 1) {
			argv[argc++] = "--adjust-for";
			argv[argc++] = hd.name[3];
		} else if (hd.n > 3 && (h >> 3) & 1) {
			argv[argc++] = "--paired-with";
			argv[argc++] = hd.name[3];
		}
	}
	if ((h >> 4) & 1) {
		argv[argc++] = "--on-error";
		argv[argc++] = "skip";
	}
	argv[argc++] = "-o";
	argv[argc++] = "/dev/null";
	argv[argc++] = fuzz_path;
	argv[argc] = NULL;
	fuzz_run(cmd, argc, argv);
	return 0;
}
