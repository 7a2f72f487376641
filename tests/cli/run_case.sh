#!/bin/sh
# Run one CLI golden case: $1 = the peerstat binary, $2 = the case folder.
# The folder holds `cmd` (the arguments, one shell line, run from the case folder with
# $PEERSTAT and $DATASETS set), optional `stdin`, and `expected_stdout`, `expected_stderr`,
# `expected_exit`. A missing expected_stdout/expected_stderr means "must be empty".
set -u
PEERSTAT=$1
case_dir=$2
DATASETS=$(cd "$case_dir/../../../datasets" && pwd)
export PEERSTAT DATASETS LC_ALL=C TZ=UTC
cd "$case_dir" || exit 2
stdin_file=/dev/null
[ -f stdin ] && stdin_file=stdin
sh -c ". ./cmd" < "$stdin_file" > actual_stdout 2> actual_stderr
echo $? > actual_exit
status=0
for part in stdout stderr exit; do
	want=expected_$part
	if [ -f "$want" ]; then
		if ! cmp -s "$want" actual_$part; then
			echo "cli case $(basename "$case_dir"): $part differs"
			diff -u "$want" actual_$part | head -40
			status=1
		fi
	elif [ $part != exit ] && [ -s actual_$part ]; then
		echo "cli case $(basename "$case_dir"): unexpected $part:"
		head -20 actual_$part
		status=1
	fi
done
[ $status -eq 0 ] && rm -f actual_stdout actual_stderr actual_exit
exit $status
