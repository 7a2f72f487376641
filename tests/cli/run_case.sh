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
# Under valgrind (PS_VALGRIND=1, the valgrind build) numbers may differ in their last digits:
# valgrind computes long double arithmetic in double precision (its documented limitation), and
# peerstat accumulates sums in long double. Accept a standard output that matches the expected
# one line by line, with every number equal to 1e-12 relative and all other text identical.
numbers_equal() {
	awk -v tol=1e-12 '
	function split_nums(s, nums,   n, out) {
		n = 0; out = ""
		while (match(s, /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
			nums[++n] = substr(s, RSTART, RLENGTH) + 0
			out = out substr(s, 1, RSTART - 1) "#"
			s = substr(s, RSTART + RLENGTH)
		}
		nums[0] = n
		return out s
	}
	NR == FNR { want[FNR] = $0; nwant = FNR; next }
	{
		if (FNR > nwant) exit 1
		if ($0 == want[FNR]) next
		delete a; delete b
		if (split_nums($0, a) != split_nums(want[FNR], b) || a[0] != b[0]) exit 1
		for (i = 1; i <= a[0]; i++) {
			d = a[i] - b[i]; if (d < 0) d = -d
			m = b[i] < 0 ? -b[i] : b[i]
			if (d > tol * m && d > 1e-300) exit 1
		}
	}
	END { if (FNR != nwant) exit 1 }' "$1" "$2"
}

status=0
for part in stdout stderr exit; do
	want=$CASE/expected_$part
	if [ -f "$want" ]; then
		if ! cmp -s "$want" "$tmp/$part" &&
		   ! { [ -n "${PS_VALGRIND:-}" ] && [ $part = stdout ] && [ -s "$tmp/$part" ] && numbers_equal "$want" "$tmp/$part"; }; then
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
