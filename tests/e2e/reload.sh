#!/usr/bin/env bash
# Hot reload: a changed rules file (watch_rules: true) and SIGHUP swap the
# rules, kernel filters included; a broken file keeps the old rules running.
# Run as root: tests/e2e/reload.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/vigil-reload.XXXXXX)
passed=0
failed=0
pid=

"$top/tests/setup-host.sh" journald || exit 1
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait; rm -rf "$work"' EXIT

pass() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }

# rule NAME FILE: a rules file that fires NAME when FILE is opened.
rule() {
	cat >"$work/rules/new.tmp" <<EOR
- rule: $1
  desc: reload test
  condition: evt.type in (open, openat) and fd.name = $2
  output: "$1 opened %fd.name"
  priority: WARNING
EOR
	mv "$work/rules/new.tmp" "$work/rules/test.yaml" # as editors replace files
}

# expect_alert WHAT RULE FILE: open FILE, wait for RULE's alert on stdout.
expect_alert() {
	cat "$3" >/dev/null
	for _ in $(seq 50); do
		if grep -F "\"rule\":\"$2\"" "$work/out.json" | grep -qF "\"fd.name\":\"$3\""; then
			pass "$1"
			return
		fi
		sleep 0.1
	done
	fail "$1: no '$2' alert for $3"
}

mkdir -p "$work/rules"
for f in a b c; do echo x >"$work/marker-$f"; done
printf 'watch_rules: true\nrate_limit:\n  enabled: false\n' >"$work/vigil.yaml"
rule "Reload A" "$work/marker-a"

"$VIGILD" -c "$work/vigil.yaml" -r "$work/rules" --stdout json >"$work/out.json" \
	2>"$work/err.log" &
pid=$!
for _ in $(seq 100); do
	grep -q running "$work/err.log" && break
	sleep 0.1
done
expect_alert "rules as loaded" "Reload A" "$work/marker-a"

# The file changes: the new rule runs, and its file passes the kernel's open
# filter, which was made from the old rules.
rule "Reload B" "$work/marker-b"
sleep 1.5
expect_alert "changed file reloaded" "Reload B" "$work/marker-b"

# A broken file: errors logged, the running rules stay.
printf -- '- rule: broken\n  condition: (evt.type =\n' >"$work/rules/new.tmp"
mv "$work/rules/new.tmp" "$work/rules/test.yaml"
sleep 1.5
if grep -q "test.yaml:[0-9]*:[0-9]*: error" "$work/err.log" &&
	grep -q "still running the 1 rules loaded before" "$work/err.log"; then
	pass "broken file reported with its position, old rules kept"
else
	fail "broken file: $(tail -n 3 "$work/err.log")"
fi
expect_alert "old rules still fire" "Reload B" "$work/marker-b"

# SIGHUP does the same on request.
rule "Reload C" "$work/marker-c"
kill -HUP $pid
sleep 1.5
expect_alert "SIGHUP reload" "Reload C" "$work/marker-c"

kill -TERM $pid
wait $pid
pid=
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
