#!/usr/bin/env bash
# End-to-end test of hostile strings in alerts: file names, argv and program
# names with quotes, backslashes, newlines, terminal escapes, control bytes,
# invalid UTF-8, Unicode controls and very long values, made by real
# syscalls on the host and in a podman container (with a hostile label:
# podman's names allow none of this). vigild sends to journald, to a syslog
# collector over UDP (a listener keeping each datagram raw) and to a JSON
# file; tests/e2e/hostile.py reads every sink back and checks each value is
# exact, or escaped as README's Alerts section says.
# Run as root: tests/e2e/hostile.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
work=$(mktemp -d /tmp/vigil-ho.XXXXXX)
chmod 755 "$work"
vigild_pid=
listen_pid=
name=vigil-ho-$$
since=$(date +%s)

. "$top/tests/e2e/lib.sh"
need_host

cleanup() {
	[ -n "$vigild_pid" ] && kill -TERM "$vigild_pid" 2>/dev/null && wait "$vigild_pid"
	[ -n "$listen_pid" ] && kill "$listen_pid" 2>/dev/null
	podman rm -f -t 0 "$name" >/dev/null 2>&1
	# VIGIL_E2E_KEEP=1 keeps what the sinks wrote.
	[ -n "${VIGIL_E2E_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

python3 -u "$top/tests/e2e/hostile.py" listen "$work/udp.b64" >"$work/port" &
listen_pid=$!
wait_until 5 test -s "$work/port" || { echo "listener did not start"; exit 1; }

cat >"$work/rules.yaml" <<EOF2
- rule: vigil-ho open
  desc: files with hostile names opened
  condition: >
    evt.type in (open, openat, openat2, creat) and
    (fd.name startswith "$work/h/" or fd.name startswith /tmp/vigil-ho-c-)
  output: >-
    hostile open (file=%fd.name command=%proc.cmdline name=%proc.name
    label=%container.label[vigil.ho])
  priority: WARNING

- rule: vigil-ho exec
  desc: programs run with hostile names and arguments
  condition: evt.type in (execve, execveat) and proc.args startswith "vigil-ho-arg "
  output: hostile exec (args=%proc.args name=%proc.name container=%container.name)
  priority: WARNING
EOF2
cat >"$work/vigil.yaml" <<EOF2
sinks:
  - type: journald
  - type: syslog
    target: udp://127.0.0.1:$(cat "$work/port")
  - type: json
    path: $work/alerts.json
rate_limit:
  enabled: false
stats_interval: 0
EOF2

"$VIGILD" -c "$work/vigil.yaml" -r "$work/rules.yaml" >"$work/vigild.out" 2>"$work/vigild.err" &
vigild_pid=$!
if ! wait_until 20 grep -qs "running" "$work/vigild.err"; then
	cat "$work/vigild.err"
	echo "0 passed, 1 failed"
	exit 1
fi

# The host's share; it prints the container's strings as printf formats.
python3 "$top/tests/e2e/hostile.py" inject "$work" >"$work/formats" || exit 1
# The container builds each string itself from its format, so that what
# reaches the kernel is exact, then opens a file of that name and runs a
# program of that name with it as an argument. It starts once vigild has its
# metadata (a probe file's alert carries the label), which a loaded machine
# can delay.
mkdir -p "$work/go"
rm -f "$work/cid"
podman run -d --network=none --name "$name" --cidfile "$work/cid" \
	--label "vigil.ho=$(printf 'lbl\033[31m "q" \\] \n\303\251')" \
	-v "$work/formats:/formats:ro" -v "$work/go:/go:ro" "$IMAGE" sh -c '
	mkdir -p /tmp
	while [ ! -e /go/go ]; do : >/tmp/vigil-ho-c-probe; sleep 0.2; done
	i=0
	while IFS= read -r f; do
		t=$(printf "%02d-" $i)
		s=$(printf "${f}x"); s=${s%x}
		: >"/tmp/vigil-ho-c-$t$s"
		ln -s /bin/busybox "/tmp/x$t$s"
		"/tmp/x$t$s" vigil-ho-arg "$t" "$s" 2>/dev/null
		i=$((i + 1))
	done </formats' >/dev/null
labelled_probe() {
	journalctl -o json --no-pager --since "@$since" _PID="$vigild_pid" \
		VIGIL_FD_NAME=/tmp/vigil-ho-c-probe 2>/dev/null |
		jq -e -s 'any(.[]; .VIGIL_CONTAINER_LABEL_VIGIL_HO_ != null)' >/dev/null
}
wait_until 30 labelled_probe || echo "the container's label did not reach vigild"
touch "$work/go/go"
podman wait "$name" >/dev/null
cid=$(cat "$work/cid")
# Every sink has had the time to write.
sleep 3

python3 "$top/tests/e2e/hostile.py" check "$work" "$vigild_pid" "$since" "$cid"
