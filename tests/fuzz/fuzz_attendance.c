/*
 * libFuzzer harness for the attendance roster path: `retention` and `participants` (the
 * attendance reader toolkit/cmd/attendance_input.c and the roster accumulator), and `validate`
 * of every kind, run in-process on the input (see fuzz_common.h).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_write(data, size);
	uint64_t h = fuzz_hash(data, size);
	char *argv[12];
	int argc = 0;
	enum ps_status (*cmd)(int, char **);
	switch (h % 4) {
	case 0:
	case 1:
		cmd = cmd_retention;
		argv[argc++] = "retention";
		if ((h >> 4) & 1) {
			argv[argc++] = "--strata";
			argv[argc++] = "site";
		}
		break;
	case 2:
		cmd = cmd_participants;
		argv[argc++] = "participants";
		break;
	default:
		cmd = cmd_validate;
		argv[argc++] = "validate";
		argv[argc++] = "--kind";
		argv[argc++] = (h >> 4) % 3 == 0 ? "attendance" : (h >> 4) % 3 == 1 ? "outcomes" : "participants";
		break;
	}
	if ((h >> 6) & 1) {
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
