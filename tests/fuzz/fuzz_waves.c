/*
 * libFuzzer harness for the outcomes waves reader (toolkit/cmd/waves_input.c): `isolation` and
 * `sobriety`, run in-process on the input (see fuzz_common.h).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_write(data, size);
	uint64_t h = fuzz_hash(data, size);
	char *argv[12];
	int argc = 0;
	enum ps_status (*cmd)(int, char **) = h & 1 ? cmd_sobriety : cmd_isolation;
	argv[argc++] = h & 1 ? "sobriety" : "isolation";
	if ((h >> 1) & 1) {
		argv[argc++] = "--on-error";
		argv[argc++] = "skip";
	}
	if ((h >> 2) & 1) {
		argv[argc++] = "--p-adjust";
		argv[argc++] = "holm";
	}
	argv[argc++] = "-o";
	argv[argc++] = "/dev/null";
	argv[argc++] = fuzz_path;
	argv[argc] = NULL;
	fuzz_run(cmd, argc, argv);
	return 0;
}
