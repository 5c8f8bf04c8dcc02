#!/usr/bin/env bash
# Every default rule against events that must fire it and events that must
# not: each tests/rules/*.jsonl is replayed through rules/ and its alerts must
# be exactly its "# expect: RULE | pid N" lines, in order. Every rule of the
# default rules must be expected somewhere. Usage: tests/rules/run.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for f in "$top"/tests/rules/*.jsonl; do
	name=$(basename "$f" .jsonl)
	expected=$(sed -n 's/^# expect: //p' "$f")
	if ! "$VIGILD" --replay "$f" -r "$top/rules" >"$out" 2>/dev/null; then
		failed=$((failed + 1))
		echo "FAIL - $name: replay failed"
		continue
	fi
	got=$(jq -r '"\(.rule) | pid \(.output_fields."proc.pid")"' "$out")
	if [ "$got" = "$expected" ]; then
		passed=$((passed + 1))
		echo "ok   - $name: $(echo "$expected" | grep -c .) alerts, as expected"
	else
		failed=$((failed + 1))
		echo "FAIL - $name"
		diff <(echo "$expected") <(echo "$got") | sed 's/^/    /'
	fi
done

# Every rule of the default rules has its file.
while read -r rule; do
	if grep -qF "# expect: $rule |" "$top"/tests/rules/*.jsonl; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL - no replay test fires '$rule'"
	fi
done < <(sed -n 's/^- rule: //p' "$top/rules/vigil_rules.yaml")

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
