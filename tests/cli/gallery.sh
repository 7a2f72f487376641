# Shared by the tests/cli/gallery-* cases (not a case itself: it has no folder): the adversarial
# gallery of docs/hardening.md, each input through every command that reads it.
#
# The columns of every input kind in one header, so that each command finds its columns and
# meets the hostile byte, not a missing column: attendance (participant_id, cohort, site,
# session_date, attended), outcomes (wave, assessed_on, abstinent, days_used, isolation_score),
# compare (--value isolation_score) and survival (--time days_used --event attended).
GALLERY_HEADER=participant_id,cohort,site,session_date,attended,wave,assessed_on,abstinent,days_used,isolation_score

# every_reader FILE: each CSV-reading command on FILE ('-': standard input, read again for
# each from $GALLERY_STDIN): "command: exit N", then its stderr (at most 3 lines; temporary
# paths as $TMP; GALLERY_NO_SHARD=1 leaves shard out). Standard output is summarised by its size only (the exit code and messages
# are the outcome; full outputs are held by the *-study cases).
every_reader() {
	g_file=$1
	g_tmp=$(mktemp -d)
	G_SHARDS=$g_tmp/shards
	export G_SHARDS
	while IFS='|' read -r g_name g_args; do
		[ "$g_name" = shard ] && [ -n "${GALLERY_NO_SHARD:-}" ] && continue
		if [ "$g_file" = - ]; then
			sh -c "\"\$PEERSTAT\" $g_args -" < "$GALLERY_STDIN" > "$g_tmp/out" 2> "$g_tmp/err"
		else
			sh -c "\"\$PEERSTAT\" $g_args \"\$1\"" sh "$g_file" > "$g_tmp/out" 2> "$g_tmp/err"
		fi
		g_rc=$?
		if [ -s "$g_tmp/out" ]; then g_out=", output written"; else g_out=""; fi
		echo "$g_name: exit $g_rc$g_out"
		head -3 "$g_tmp/err" | sed -e "s|$g_tmp|\$TMP|g" | cut -c1-400
		rm -rf "$g_tmp/shards"
	done <<'LIST'
validate attendance|validate --kind attendance --on-error stop
validate outcomes|validate --kind outcomes --on-error stop
validate participants|validate --kind participants --on-error stop
participants|participants
retention|retention
isolation|isolation
sobriety|sobriety
compare|compare --value isolation_score
survival|survival --time days_used --event attended
shard|shard --by participant_id -n 2 --out "$G_SHARDS"
LIST
	rm -rf "$g_tmp"
}
