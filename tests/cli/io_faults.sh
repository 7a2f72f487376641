# Shared by the tests/cli/io-* cases (not a case itself: it has no folder). docs/hardening.md
# has the outcomes as a table.
#
# io_faults INPUT ARGS...: `$PEERSTAT ARGS... INPUT` with its output
#   - to /dev/full through -o and through a shell redirection: exit 74 and a message;
#   - to -o FILE on a disk that fills up (ulimit -f; SIGXFSZ ignored, so the write fails with
#     EFBIG): exit 74, a message, the earlier FILE as it was and no temporary file beside it;
#   - into a pipe whose reader has gone (`| head -c 10`, and a pipe closed before the first
#     write): exit 0, nothing on stderr;
# and with INPUT missing, under a missing directory, a directory, unreadable (chmod 000, only
# when not root: root reads it anyway): exit 66 and a message.
# Temporary paths are printed as $TMP.
io_faults() {
	io_in=$1
	shift
	io_d=$(mktemp -d)
	io_root=$PWD
	io_show() {
		printf '%s: exit %s\n' "$1" "$(cat "$io_d/rc")"
		sed "s|$io_d|\$TMP|g" "$io_d/err"
	}
	"$PEERSTAT" "$@" -o /dev/full "$io_in" > "$io_d/out" 2> "$io_d/err"
	echo $? > "$io_d/rc"
	io_show "-o /dev/full"
	[ -s "$io_d/out" ] && echo "  (and printed on standard output)"
	"$PEERSTAT" "$@" "$io_in" > /dev/full 2> "$io_d/err"
	echo $? > "$io_d/rc"
	io_show "> /dev/full"
	mkdir "$io_d/dir"
	echo previous > "$io_d/dir/result"
	case $io_in in /*) io_abs=$io_in ;; *) io_abs=$io_root/$io_in ;; esac
	(cd "$io_d/dir" && trap '' XFSZ && ulimit -f 1 && "$PEERSTAT" "$@" -o result "$io_abs") > "$io_d/out" 2> "$io_d/err"
	echo $? > "$io_d/rc"
	io_show "-o FILE, the disk full after 512 bytes"
	echo "  left in the directory: $(ls -A "$io_d/dir" | tr '\n' ' ')(result: $(cat "$io_d/dir/result"))"
	{ "$PEERSTAT" "$@" "$io_in" 2> "$io_d/err"; echo $? > "$io_d/rc"; } | head -c 10 > /dev/null
	io_show "| head -c 10"
	python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # the reader is gone before the first byte is written
p = subprocess.run(sys.argv[2:], stdout=w, stderr=open(sys.argv[1], "wb"))
print(p.returncode)' "$io_d/err" "$PEERSTAT" "$@" "$io_in" > "$io_d/rc"
	io_show "a pipe closed before the first write"
	"$PEERSTAT" "$@" datasets/no-such-file.csv > "$io_d/out" 2> "$io_d/err"
	echo $? > "$io_d/rc"
	io_show "a missing input"
	"$PEERSTAT" "$@" no-such-dir/input.csv > "$io_d/out" 2> "$io_d/err"
	echo $? > "$io_d/rc"
	io_show "an input under a missing directory"
	"$PEERSTAT" "$@" datasets/bad > "$io_d/out" 2> "$io_d/err"
	echo $? > "$io_d/rc"
	io_show "a directory as the input"
	if [ "$(id -u)" != 0 ]; then
		cp "$io_in" "$io_d/locked"
		chmod 000 "$io_d/locked"
		"$PEERSTAT" "$@" "$io_d/locked" > "$io_d/out" 2> "$io_d/err"
		rc=$?
		# quiet when right, so that the expected output is the same for root (CI) and others
		[ $rc = 66 ] && grep -q ': cannot open: Permission denied$' "$io_d/err" ||
			{ echo "unreadable input: exit $rc"; cat "$io_d/err"; }
	fi
	rm -rf "$io_d"
}
