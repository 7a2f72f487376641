#!/bin/sh
# Run one CLI golden case: $1 = the peerstat binary, $2 = the case folder.
# The folder holds `cmd` (one shell line, run from the repository root so that file names in
# messages read datasets/..., with $PEERSTAT the binary and $CASE the case folder relative to
# the root), optional `stdin`, and `expected_stdout`, `expected_stderr`, `expected_exit`.
# A missing expected_stdout or expected_stderr means "must be empty". Compared exactly, LC_ALL=C.
set -u
PEERSTAT=$1
case_abs=$(cd "$2" && pwd)
root=$(cd "$case_abs/../../.." && pwd)
name=$(basename "$case_abs")
CASE=tests/cli/$name
export PEERSTAT CASE LC_ALL=C TZ=UTC
cd "$root" || exit 2
stdin_file=/dev/null
[ -f "$CASE/stdin" ] && stdin_file=$CASE/stdin
tmp=$(mktemp -d) || exit 2
sh -c ". ./$CASE/cmd" < "$stdin_file" > "$tmp/stdout" 2> "$tmp/stderr"
echo $? > "$tmp/exit"
status=0
for part in stdout stderr exit; do
	want=$CASE/expected_$part
	if [ -f "$want" ]; then
		if ! cmp -s "$want" "$tmp/$part"; then
			echo "cli case $name: $part differs"
			diff -u "$want" "$tmp/$part" | head -40
			status=1
		fi
	elif [ $part != exit ] && [ -s "$tmp/$part" ]; then
		echo "cli case $name: unexpected $part:"
		head -20 "$tmp/$part"
		status=1
	fi
done
if [ $status -ne 0 ] && [ -n "${PEERSTAT_BLESS:-}" ]; then
	# regenerate expectations (review the diff before committing!)
	for part in stdout stderr exit; do
		if [ -s "$tmp/$part" ] || [ $part = exit ]; then cp "$tmp/$part" "$CASE/expected_$part"; else rm -f "$CASE/expected_$part"; fi
	done
	echo "cli case $name: blessed"
	status=0
fi
rm -rf "$tmp"
exit $status
