#!/usr/bin/env bash
# The tables of bench/run.sh from its raw figures, one line per run:
#   WORKLOAD TRACER ROUND WALL_S CPU_S EVENTS DROPS VIGILD_CPU_S RSS_KB READY_MS
# ("-" where a figure does not apply). Ratios are medians of the per-round
# ratios to the same round's run with nothing attached, which cancels drift.
#   bench/report.sh build/bench/results.txt
set -euo pipefail

raw=$1

median() {
	sort -n | awk '{ v[NR] = $1 }
		END { if (!NR) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio WORKLOAD TRACER COLUMN
ratio() {
	awk -v w="$1" -v t="$2" -v col="$3" '$1 == w && $2 == "none" { base[$3] = $col }
		$1 == w && $2 == t && $col != "-" && base[$3] > 0 { print $col / base[$3] }' "$raw" |
		median | awk '{ print ($1 == "-") ? "-" : sprintf("%.3f", $1) }'
}

report() {
	local w=$1 tracer cpu_ratio wall_ratio rate drops cpu rss
	shift

	echo "| $w | CPU time ratio | wall time ratio | events/s to userspace | ring-buffer drops | vigild CPU s | vigild peak RSS MiB |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for tracer in "$@"; do
		if grep -q "^$w $tracer [0-9]* failed" "$raw"; then
			echo "| $tracer | failed to attach | | | | | |"
			continue
		fi
		cpu_ratio=$(ratio "$w" "$tracer" 5)
		wall_ratio=$(ratio "$w" "$tracer" 4)
		rate=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $6 != "-" { printf "%.0f\n", $6 / $4 }' "$raw" | median)
		drops=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $7 != "-" { n += $7; seen = 1 }
			END { print seen ? n : "-" }' "$raw")
		cpu=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $8 != "-" { print $8 }' "$raw" | median)
		rss=$(awk -v w="$w" -v t="$tracer" '$1 == w && $2 == t && $9 != "-" { if ($9 > m) m = $9 }
			END { print m ? sprintf("%.1f", m / 1024) : "-" }' "$raw")
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$tracer" "$cpu_ratio" "$wall_ratio" \
			"$rate" "$drops" "$cpu" "$rss"
	done
	echo
}

# Each workload's tracers in the order they ran.
for w in $(awk '{ print $1 }' "$raw" | uniq); do
	report "$w" $(awk -v w="$w" '$1 == w && !seen[$2]++ { print $2 }' "$raw")
done
ready=$(awk '$2 == "vigild" && $10 != "-" { print $10 }' "$raw")
if [ -n "$ready" ]; then
	echo "vigild ready (exec to READY=1): median $(echo "$ready" | median) ms," \
	     "max $(echo "$ready" | sort -n | tail -n 1) ms over $(echo "$ready" | wc -l) starts"
fi
