#!/bin/sh
# Real-browser test of `peerstat report`: render the bundled study's report.html in headless
# Chromium to a PNG and to a DOM, and check that the page rendered, that every SVG chart has a
# non-zero laid-out size, and that the page text has no NaN, null or undefined.
#   sh tests/browser/report.sh PEERSTAT_BIN SOURCE_DIR [SCREENSHOT.png]
# The optional third argument keeps the screenshot (docs/report-example.png is made so).
# Exit 77 (ctest: skipped) when Chromium is absent; scripts/install-deps installs it.
set -u
bin=$1
src=$2
keep=${3:-}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
	echo "browser test skipped: $chromium is absent (scripts/install-deps installs Debian's chromium)"
	exit 77
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "browser test: $*"
	exit 1
}
cd "$src" || exit 2
"$bin" report -o "$tmp/report.html" tests/cli/retention-study/expected_stdout || fail "peerstat report failed"
# the probe: the same page plus a script that writes each chart's laid-out size into the DOM
# (the report itself has no script; this copy exists only for the measurement)
sed 's|</body>|<script>document.body.setAttribute("data-svg-sizes", Array.from(document.querySelectorAll("svg")).map(function (s) { var r = s.getBoundingClientRect(); return Math.round(r.width) + "x" + Math.round(r.height); }).join(" "));</script></body>|' \
	"$tmp/report.html" > "$tmp/probe.html"
# a profile, a home and a crash directory of its own: CI may have no HOME and no /dev/shm
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
flags="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars --user-data-dir=$tmp/profile"
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --window-size=1000,2600 --screenshot="$tmp/report.png" "file://$tmp/report.html" \
	> "$tmp/shot.log" 2>&1 || { cat "$tmp/shot.log"; fail "chromium could not take the screenshot"; }
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --virtual-time-budget=3000 --dump-dom "file://$tmp/probe.html" \
	> "$tmp/dom.html" 2> "$tmp/dom.log" || { cat "$tmp/dom.log"; fail "chromium could not dump the DOM"; }

# the screenshot: a PNG, and not a blank page (a white 1000x2600 PNG is a few kB)
[ -s "$tmp/report.png" ] || fail "no screenshot"
[ "$(od -An -tx1 -N8 "$tmp/report.png" | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "the screenshot is not a PNG"
size=$(wc -c < "$tmp/report.png")
[ "$size" -gt 50000 ] || fail "the screenshot is nearly empty ($size bytes)"

# the DOM: the page rendered with its two charts laid out at a non-zero size
grep -q '<h2>Headline findings</h2>' "$tmp/dom.html" || fail "no headline findings in the rendered page"
sizes=$(sed -n 's/.*data-svg-sizes="\([^"]*\)".*/\1/p' "$tmp/dom.html")
[ -n "$sizes" ] || fail "the size probe did not run"
n=0
for s in $sizes; do
	w=${s%x*}
	h=${s#*x}
	[ "$w" -gt 0 ] && [ "$h" -gt 0 ] || fail "an SVG chart has size $s"
	n=$((n + 1))
done
[ "$n" -eq 2 ] || fail "expected 2 charts, found $n ($sizes)"

# the text: no NaN, null or undefined anywhere a reader sees (tags and the probe removed)
sed -e 's/<script>.*<\/script>//' -e 's/<[^>]*>//g' "$tmp/dom.html" > "$tmp/text.txt"
if grep -n -w -E 'NaN|null|undefined' "$tmp/text.txt"; then
	fail "NaN, null or undefined in the page text"
fi
[ -n "$keep" ] && cp "$tmp/report.png" "$keep"
echo "browser test: report rendered, charts $sizes, screenshot $size bytes"
exit 0
