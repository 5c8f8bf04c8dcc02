#!/usr/bin/env bash
# vigild's privileges on the host: it starts with CAP_BPF and CAP_PERFMON
# only, holds no capability in any thread once its programs are attached, and
# seeds its process table from the task iterator, which shows it what /proc
# would not. Run as root: tests/deploy/caps.sh build/vigild
set -uo pipefail
. "$(dirname "$0")/lib.sh"

VIGILD=$(realpath "${1:-$top/build/vigild}")
work=$(mktemp -d /tmp/vigil-caps.XXXXXX)
chmod 0755 "$work"
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

"$top/tests/setup-host.sh" journald || exit 1
command -v setcap >/dev/null || "$top/tests/setup-host.sh" deps libcap2-bin || exit 1

# start NAME COMMAND...: runs a vigild and waits until it runs; sets $pid.
start() {
	local log=$work/$1.log
	shift
	"$@" >/dev/null 2>"$log" &
	pid=$!
	pids+=("$pid")
	if ! wait_log "$log" running 30; then
		cat "$log"
		return 1
	fi
}

# privileges NAME: the checks on $pid once vigild runs.
privileges() {
	expect "$1: every thread's capabilities (eff prm amb)" \
		"$(every_thread_caps "$pid" | sort -u)" \
		"0000000000000000 0000000000000000 0000000000000000 "
	expect "$1: no_new_privs" "$(status_field "$pid" NoNewPrivs)" 1
}

# 1. As the systemd unit starts it: root, CAP_BPF and CAP_PERFMON only.
if start root setpriv --inh-caps=-all,+bpf,+perfmon --ambient-caps=-all,+bpf,+perfmon \
	--bounding-set=-all,+bpf,+perfmon "$VIGILD" -r "$top/rules"; then
	pass "root with CAP_BPF and CAP_PERFMON: vigild runs"
	privileges root
	since=$(date +%s)
	sh -c 'exec cat /etc/shadow >/dev/null' &
	reader=$!
	wait $reader
	if alert=$(wait_alert "$since" _PID="$pid" VIGIL_PROC_PID="$reader"); then
		expect "root: alert after the drop" "$(jq -r .VIGIL_FD_NAME <<<"$alert")" /etc/shadow
	else
		fail "root: no alert after the drop"
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null
else
	fail "root with CAP_BPF and CAP_PERFMON: vigild runs"
fi

# 2. As Kubernetes starts a non-root container: uid 65534, no ambient or
# inheritable capabilities, a bounding set of CAP_BPF and CAP_PERFMON, and
# the capabilities on the program file (as the image's vigild has them).
# Meanwhile another user's process that uid 65534 cannot inspect in /proc.
cp "$VIGILD" "$work/vigild"
setcap cap_bpf,cap_perfmon=ep "$work/vigild"
mkdir -m 0700 "$work/secret-cwd"
chown 4242:4242 "$work/secret-cwd"
(cd "$work/secret-cwd" && exec env -i VIGIL_SEED_MARK=42 \
	setpriv --reuid 4242 --regid 4242 --clear-groups sleep 300.5) &
other=$!
pids+=("$other")
sleep 0.5
check "uid 65534 cannot read the other user's /proc/PID/environ" \
	test -z "$(setpriv --reuid 65534 --regid 65534 --clear-groups \
		cat /proc/$other/environ 2>/dev/null)"
mkdir -m 0777 "$work/out"
if start nonroot setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
	--ambient-caps=-all --bounding-set=-all,+bpf,+perfmon \
	"$work/vigild" -r "$top/rules" --record "$work/out/seed.vcap"; then
	pass "uid 65534 with file capabilities: vigild runs"
	privileges nonroot
	kill "$pid"
	wait "$pid" 2>/dev/null
	entry=$("$VIGILD" --dump "$work/out/seed.vcap" 2>/dev/null |
		jq -c --argjson p "$other" 'select(.type == "process" and .pid == $p)')
	expect "seeded: the other user's program" "$(jq -r .exe <<<"$entry")" "$(readlink -f "$(command -v sleep)")"
	expect "seeded: its arguments" "$(jq -r '.args | join(" ")' <<<"$entry")" "sleep 300.5"
	expect "seeded: its working directory" "$(jq -r .cwd <<<"$entry")" "$work/secret-cwd"
	expect "seeded: its environment" "$(jq -r '.env | join(" ")' <<<"$entry")" "VIGIL_SEED_MARK=42"
	expect "seeded: its uid" "$(jq -r .uid <<<"$entry")" 4242
else
	fail "uid 65534 with file capabilities: vigild runs"
fi

finish
