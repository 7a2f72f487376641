#ifndef PEERSTAT_CMD_COMMANDS_H
#define PEERSTAT_CMD_COMMANDS_H

/*
 * The subcommands, one file each (toolkit/cmd/cmd_<name>.c). Each takes argv with argv[0] the
 * command name, prints its own messages, and returns a status that main() maps to an exit
 * code. Each has a usage text for `peerstat help <command>`.
 */

#include "peerstat/status.h"

enum ps_status cmd_validate(int argc, char **argv);
extern const char cmd_validate_usage[];
enum ps_status cmd_survival(int argc, char **argv);
extern const char cmd_survival_usage[];
enum ps_status cmd_participants(int argc, char **argv);
extern const char cmd_participants_usage[];
enum ps_status cmd_retention(int argc, char **argv);
extern const char cmd_retention_usage[];
enum ps_status cmd_compare(int argc, char **argv);
extern const char cmd_compare_usage[];
enum ps_status cmd_report(int argc, char **argv);
extern const char cmd_report_usage[];
enum ps_status cmd_run(int argc, char **argv);
extern const char cmd_run_usage[];
enum ps_status cmd_isolation(int argc, char **argv);
extern const char cmd_isolation_usage[];
enum ps_status cmd_sobriety(int argc, char **argv);
extern const char cmd_sobriety_usage[];
enum ps_status cmd_shard(int argc, char **argv);
extern const char cmd_shard_usage[];
enum ps_status cmd_merge(int argc, char **argv);
extern const char cmd_merge_usage[];

#endif
