#!/usr/bin/env bash
# fuzz/run.sh BUILD_DIR [SECONDS] - the fuzz suite, TAP on stdout.
#
# For every libFuzzer target built in BUILD_DIR/fuzz (see fuzz/meson.build):
#  1. replay its seeds (fuzz/corpus/TARGET) and its regression inputs
#     (fuzz/regress/TARGET: inputs that once crashed it) once each;
#  2. fuzz it for SECONDS (default $FUZZ_TIME, else 25; 0 skips fuzzing)
#     under ASan+UBSan, starting from the seeds, the regression inputs and
#     what earlier runs found (kept in BUILD_DIR/fuzz-corpus/TARGET).
# One TAP line per step; a crash prints the sanitizer report and where the
# input was saved (BUILD_DIR/fuzz-artifacts/TARGET-crash-...): add it to
# fuzz/regress/TARGET once fixed.
set -u
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS]}
secs=${2:-${FUZZ_TIME:-25}}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd) || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
targets="fuzz_expr fuzz_model fuzz_event fuzz_segment fuzz_csv fuzz_json_attrs fuzz_http"
n=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tap() { # STATUS(0 ok) DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
		echo "not ok $n - $2"
		# the sanitizer's verdict, the frames in leadq's code, the input
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|fuzz_http:|#[0-9]+ .* in .*/(src|fuzz)/[a-z_]+\.c' "$log" |
			head -30 | sed 's/^/#   /'
	fi
}

for t in $targets; do
	bin="$build/fuzz/$t"
	if [ ! -x "$bin" ]; then
		n=$((n + 1)); echo "not ok $n - $t is not built ($bin)"
		continue
	fi
	dict=()
	[ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
	seeds=("$here/corpus/$t")
	[ -d "$here/regress/$t" ] && seeds+=("$here/regress/$t")
	files=$(find "${seeds[@]}" -type f | sort)
	count=$(printf '%s\n' "$files" | grep -c .)
	# shellcheck disable=SC2086
	"$bin" -rss_limit_mb=4096 $files >"$log" 2>&1
	tap $? "$t: replays its $count seed and regression inputs cleanly"
	[ "$secs" -gt 0 ] || continue

	mkdir -p "$build/fuzz-corpus/$t" "$build/fuzz-artifacts"
	"$bin" "${dict[@]}" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$t-" \
		"$build/fuzz-corpus/$t" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	tap $rc "$t: no crash in ${execs:-?} executions in ${secs}s ($cov)"
done
echo "1..$n"
