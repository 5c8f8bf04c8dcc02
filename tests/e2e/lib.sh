# Shared by the end-to-end scripts (sourced): counters, journald queries and
# field checks. The caller sets work (its scratch directory), since (the
# epoch second the test began) and vigild_pid.

passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }

# journal_alerts FIELD=VALUE...: this vigild's alerts since the test began, as
# JSON lines. Other vigild instances on the machine see the same events.
journal_alerts() {
	journalctl -o json --no-pager --since "@$since" SYSLOG_IDENTIFIER=vigild \
		_PID="$vigild_pid" "$@" 2>/dev/null
}

# wait_alert DESCRIPTION FIELD=VALUE...: waits up to 10 s for a matching alert
# and leaves it in $work/alert.json.
wait_alert() {
	local what=$1
	shift
	for _ in $(seq 100); do
		journal_alerts "$@" | head -n 1 >"$work/alert.json"
		[ -s "$work/alert.json" ] && return 0
		sleep 0.1
	done
	fail "$what: no alert with $*"
	return 1
}

# expect_field DESCRIPTION FIELD VALUE: checks the last alert's field.
expect_field() {
	local got
	got=$(jq -r --arg f "$2" '.[$f] // "<missing>"' "$work/alert.json")
	if [ "$got" = "$3" ]; then
		pass "$1: $2=$3"
	else
		fail "$1: $2 is '$got', expected '$3'"
	fi
}

# remove_containers PREFIX: the test's own containers, never anyone else's.
remove_containers() {
	podman ps -a -q --filter "name=^$1-" 2>/dev/null | xargs -r podman rm -f -t 0 >/dev/null 2>&1
}
