# Shared by the end-to-end scripts and the soak (sourced): counters, checks,
# host set-up, polling, journald queries and field checks. The caller sets work (its scratch directory), since (the
# epoch second the test began) and vigild_pid.

passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # check DESCRIPTION COMMAND...: passes if the command succeeds
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
expect() { # expect DESCRIPTION ARITHMETIC: passes if it is true
	if (($2)); then pass "$1"; else fail "$1 ($2)"; fi
}

# need_host [rsyslog]: root, a running journald and podman with the test image;
# the tools named too, or the script stops here.
need_host() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "run as root" >&2
		exit 1
	fi
	if [ "${1:-}" = rsyslog ] && ! command -v rsyslogd >/dev/null; then
		echo "rsyslogd is missing: make deps installs it" >&2
		exit 1
	fi
	"$top/tests/setup-host.sh" journald || exit 1
	"$top/tests/setup-host.sh" podman || exit 1
}

wait_until() { # wait_until SECONDS COMMAND...: polls every 0.1 s
	local tries=$(($1 * 10))
	shift
	while [ $tries -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

stop_pid() { # stop_pid PID: TERM, then KILL after 5 s
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

free_port() { # a port nobody uses on TCP nor UDP
	local p
	while :; do
		p=$(shuf -i 20000-32767 -n 1)
		[ -z "$(ss -Htuln "( sport = :$p )")" ] && echo "$p" && return
	done
}

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
