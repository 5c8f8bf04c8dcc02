#!/usr/bin/env bash
# End-to-end tests of the alert sinks: the real vigild, the real journald
# (fields, MESSAGE_ID, the catalog through `journalctl -x`), real rsyslog
# instances of our own (UDP and TCP on 127.0.0.1, RFC 5424 parsed by rsyslog
# and its structured data by mmpstrucdata; RFC 3164 on a local socket), a
# collector killed and restarted, a collector stopped until its queue
# overflows, journald killed and restarted, sd_notify, /metrics, SIGUSR1;
# then a container that opens /etc/shadow 100,000 times against the rate
# limit. Run as root: tests/e2e/sinks.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
FLOOD=${VIGIL_FLOOD:-100000}
work=$(mktemp -d /tmp/vigil-sinks.XXXXXX)
chmod 755 "$work"
vigild_pid=
notify_pid=
catalog=/usr/lib/systemd/catalog/vigil.catalog
catalog_saved=
flood_name=vigil-sinks-flood-$$

. "$top/tests/e2e/lib.sh"
need_host rsyslog

rsyslog_pid() { cat "$work/$1/rsyslog.pid" 2>/dev/null; }

cleanup() {
	stop_pid "$vigild_pid"
	stop_pid "$notify_pid"
	local r
	for r in net local; do
		kill -CONT "$(rsyslog_pid $r)" 2>/dev/null
		stop_pid "$(rsyslog_pid $r)"
	done
	podman rm -f -t 0 "$flood_name" >/dev/null 2>&1
	if [ -n "$catalog_saved" ]; then
		mv "$catalog_saved" "$catalog"
	else
		rm -f "$catalog"
	fi
	journalctl --update-catalog 2>/dev/null
	"$top/tests/setup-host.sh" journald >/dev/null 2>&1
	# VIGIL_E2E_KEEP=1 keeps the logs, configurations and collected messages.
	[ -n "${VIGIL_E2E_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

# A port nobody uses, on TCP nor UDP, below the ephemeral range.
# Our vigild's journal entries, as JSON lines: journalctl matches for more.
journal() {
	journalctl -o json --no-pager _PID="$vigild_pid" "$@" 2>/dev/null
}
has_journal() { [ -n "$(journal "$@" | head -n 1)" ]; }

metrics() { busybox wget -q -O - "http://127.0.0.1:$1/$2" 2>/dev/null; }
# sink_metric PORT NAME SINK [REASON]: a sink's sample, 0 when absent.
sink_metric() {
	metrics "$1" metrics | awk -v m="$2{sink=\"$3\"," -v r="${4:+reason=\"$4\"}" '
		index($0, m) == 1 && (r == "" || index($0, r)) { v = $NF } END { print v + 0 }'
}

# A host process that reads /etc/shadow, once; prints its pid.
shadow_read() {
	sh -c 'exec cat /etc/shadow >/dev/null' &
	local pid=$!
	wait $pid
	echo $pid
}

# The same for the network collectors' rule.
net_read() {
	sh -c "exec cat $work/net.target" &
	local pid=$!
	wait $pid
	echo $pid
}

# The syslog messages an rsyslog file holds for a proc_pid, parsed.
sd_of() { # sd_of FILE PID
	jq -c --arg pid "$2" 'select(.parsed != "") | (.parsed | fromjson)["rfc5424-sd"]["vigil@32473"]
		as $sd | select($sd.proc_pid == $pid) | . + {sd_parsed: $sd}' "$1" 2>/dev/null
}
in_file() { [ -n "$(sd_of "$1" "$2" | head -n 1)" ]; }

# Helpers, static so the flood runs in any container.
cc -static -O2 -o "$work/open-loop" "$top/tests/e2e/open-loop.c" || exit 1
cc -O2 -o "$work/notify-recv" "$top/tests/e2e/notify-recv.c" || exit 1

# Our own rsyslog instances: net (UDP, TCP) and local (a unix socket), each
# with its own configuration, work directory and pid file.
udp_port=$(free_port)
tcp_port=$(free_port)
metrics_port=$(free_port)
mkdir -p "$work/net" "$work/local"
template='template(name="vigil_json" type="list" option.jsonf="on") {
  property(outname="protocol_version" name="protocol-version" format="jsonf")
  property(outname="severity" name="syslogseverity" format="jsonf")
  property(outname="facility" name="syslogfacility" format="jsonf")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app_name" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="parsed" name="$!" format="jsonf")
}'
cat >"$work/net/rsyslog.conf" <<EOF
global(workDirectory="$work/net" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="mmpstrucdata")
input(type="imudp" address="127.0.0.1" port="$udp_port" ruleset="vigil")
input(type="imtcp" address="127.0.0.1" port="$tcp_port" ruleset="vigil")
$template
ruleset(name="vigil") {
  action(type="mmpstrucdata")
  if \$inputname == "imudp" then
    action(type="omfile" file="$work/udp.json" template="vigil_json")
  else
    action(type="omfile" file="$work/tcp.json" template="vigil_json")
}
EOF
cat >"$work/local/rsyslog.conf" <<EOF
global(workDirectory="$work/local")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$work/local/log.sock" RateLimit.Interval="0" ruleset="vigil")
$template
ruleset(name="vigil") {
  action(type="omfile" file="$work/local.json" template="vigil_json")
}
EOF

start_rsyslog() { # start_rsyslog net|local
	rsyslogd -n -f "$work/$1/rsyslog.conf" -i "$work/$1/rsyslog.pid" \
		>>"$work/$1/rsyslog.log" 2>&1 &
	disown # killed on purpose later: no notice from the shell
}
listening() { [ -n "$(ss -Hln "( sport = :$1 )")" ]; }
net_up() { listening "$tcp_port" && [ -n "$(ss -Huln "( sport = :$udp_port )")" ]; }

start_rsyslog net
start_rsyslog local
if ! wait_until 10 net_up || ! wait_until 10 test -S "$work/local/log.sock"; then
	cat "$work"/*/rsyslog.log
	echo "0 passed, 1 failed"
	exit 1
fi

# Rules of our own: one at Alert, a priority no default rule has, for the
# network collectors, which take nothing less (so that nothing else on the
# host is in their counts); one at Notice to flood the local collector with.
cat >"$work/e2e-rules.yaml" <<EOF
- rule: vigil e2e sinks net
  desc: opens of one file, for the network collectors
  condition: evt.type in (open, openat, openat2) and fd.name = $work/net.target
  output: net test open (file=%fd.name process=%proc.name)
  priority: ALERT
  tags: [e2e]

- rule: vigil e2e sinks overflow
  desc: opens of one file, to flood a sink
  condition: evt.type in (open, openat, openat2) and fd.name = $work/overflow.target
  output: overflow open (pid=%proc.pid)
  priority: NOTICE
  tags: [e2e]
EOF
: >"$work/overflow.target"
: >"$work/net.target"

cat >"$work/a.yaml" <<EOF
sinks:
  - type: journald
  - type: syslog
    target: udp://127.0.0.1:$udp_port
    min_priority: alert
  - type: syslog
    target: tcp://127.0.0.1:$tcp_port
    min_priority: alert
  - type: syslog
    target: unix://$work/local/log.sock
    queue_size: 20
  - type: json
    path: $work/alerts.json
rate_limit:
  enabled: false
stats_interval: 2
operational_interval: 1
metrics:
  address: 127.0.0.1:$metrics_port
EOF

"$work/notify-recv" "$work/notify.sock" >"$work/notify.log" 2>&1 &
notify_pid=$!
wait_until 5 test -S "$work/notify.sock"

NOTIFY_SOCKET=$work/notify.sock WATCHDOG_USEC=2000000 \
	"$VIGILD" -c "$work/a.yaml" -r "$top/rules" -r "$work/e2e-rules.yaml" \
	>"$work/vigild.out" 2>"$work/vigild.err" &
vigild_pid=$!
if ! wait_until 20 grep -q "READY=1" "$work/notify.log"; then
	cat "$work/vigild.err"
	echo "0 passed, 1 failed"
	exit 1
fi

# 1. sd_notify: ready with a status, then keep-alives from the event loop.
check "sd_notify READY=1 with STATUS" grep -q "^READY=1 STATUS=watching: [0-9]* rules" \
	"$work/notify.log"
sleep 3
n=$(grep -c "^WATCHDOG=1$" "$work/notify.log")
check "sd_notify WATCHDOG=1 keep-alives ($n in 3 s, WATCHDOG_USEC=2 s)" [ "$n" -ge 2 ]

# 2. journald: every field of a host alert and of a container alert.
pid=$(shadow_read)
if wait_until 10 has_journal VIGIL_PROC_PID="$pid"; then
	journal VIGIL_PROC_PID="$pid" | head -n 1 >"$work/entry.json"
	ok=1
	while read -r field want; do
		got=$(jq -r --arg f "$field" '.[$f] // "<missing>"' "$work/entry.json")
		if [ "$got" != "$want" ]; then
			fail "journald field $field is '$got', expected '$want'"
			ok=0
		fi
	done <<EOF
MESSAGE_ID c6b18e658989425fabe8165cef0ace1d
PRIORITY 4
SYSLOG_IDENTIFIER vigild
VIGIL_RULE Read sensitive file untrusted
VIGIL_PRIORITY Warning
VIGIL_TAGS host,container,filesystem,mitre_credential_access,T1555
VIGIL_FD_NAME /etc/shadow
VIGIL_PROC_NAME cat
VIGIL_PROC_PID $pid
VIGIL_CONTAINER_ID host
VIGIL_CONTAINER_NAME host
VIGIL_CONTAINER_FULL_ID host
VIGIL_USER_NAME root
EOF
	check "journald MESSAGE is the rendered output" \
		jq -e '.MESSAGE | startswith("Sensitive file opened for reading (file=/etc/shadow ")' \
		"$work/entry.json" >/dev/null
	[ $ok -eq 1 ] && pass "journald: every field of a host alert, MESSAGE_ID and PRIORITY"
else
	fail "journald: no alert for pid $pid"
fi

rm -f "$work/cid"
podman run --rm --network=none --name "vigil-sinks-$$" --cidfile "$work/cid" "$IMAGE" \
	cat /etc/shadow >/dev/null 2>&1
cid=$(cat "$work/cid")
if wait_until 10 has_journal VIGIL_CONTAINER_FULL_ID="$cid"; then
	journal VIGIL_CONTAINER_FULL_ID="$cid" | head -n 1 >"$work/entry.json"
	check "journald: container alert fields" jq -e --arg cid "$cid" --arg name "vigil-sinks-$$" '
		.MESSAGE_ID == "c6b18e658989425fabe8165cef0ace1d" and .PRIORITY == "4" and
		.VIGIL_CONTAINER_ID == $cid[0:12] and .VIGIL_CONTAINER_NAME == $name and
		.VIGIL_PROC_NAME == "cat" and .VIGIL_FD_NAME == "/etc/shadow"' \
		"$work/entry.json" >/dev/null
else
	fail "journald: no alert for container $cid"
fi

# 3. The catalog: journalctl -x explains the entry.
[ -e "$catalog" ] && catalog_saved=$work/catalog.saved && cp "$catalog" "$catalog_saved"
cp "$top/systemd/vigil.catalog" "$catalog"
journalctl --update-catalog
journalctl -x --no-pager _PID="$vigild_pid" VIGIL_PROC_PID="$pid" >"$work/x.txt" 2>&1
check "journalctl -x shows the catalog's subject" \
	grep -q "Subject: vigil alert: Read sensitive file untrusted" "$work/x.txt"
check "journalctl -x shows the catalog's text" \
	grep -q "The vigil rule \"Read sensitive file untrusted\" (priority Warning) matched" \
	"$work/x.txt"
if [ -n "$catalog_saved" ]; then
	mv "$catalog_saved" "$catalog"
	catalog_saved=
else
	rm -f "$catalog"
fi
journalctl --update-catalog

# 4. rsyslog over UDP and TCP: RFC 5424 as rsyslog parses it, structured
# data as mmpstrucdata parses it; a process name that needs SD escaping.
npid=$(net_read)
weird='we"ird]\cat'
cp /bin/cat "$work/$weird"
"$work/$weird" "$work/net.target" &
wpid=$!
wait $wpid
for proto in udp tcp; do
	if ! wait_until 10 in_file "$work/$proto.json" "$npid" ||
		! wait_until 10 in_file "$work/$proto.json" "$wpid"; then
		fail "rsyslog $proto: alerts missing"
		continue
	fi
	sd_of "$work/$proto.json" "$npid" | head -n 1 >"$work/msg.json"
	check "rsyslog $proto: RFC 5424 header (version 1, authpriv.alert, vigild, pid, MSGID alert)" \
		jq -e --arg host "$(hostname)" --arg vpid "$vigild_pid" --arg f "$work/net.target" '
		.protocol_version == "1" and .severity == "1" and .facility == "10" and
		.hostname == $host and .app_name == "vigild" and .procid == $vpid and
		.msgid == "alert" and (.timestamp | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$")) and
		(.msg | startswith("net test open (file=" + $f + " process=cat)"))' \
		"$work/msg.json" >/dev/null
	check "rsyslog $proto: structured data [vigil@32473 ...]" \
		jq -e --arg pid "$npid" '.sd_parsed == {rule: "vigil e2e sinks net",
		priority: "Alert", container_id: "host", container_name: "host",
		proc_name: "cat", proc_pid: $pid}' "$work/msg.json" >/dev/null
	sd_of "$work/$proto.json" "$wpid" | head -n 1 >"$work/msg.json"
	check "rsyslog $proto: SD-PARAM escaping of \" \\ ] round-trips" \
		jq -e --arg name "$weird" '.sd_parsed.proc_name == $name and
		(.sd | contains("proc_name=\"we\\\"ird\\]\\\\cat\""))' "$work/msg.json" >/dev/null
done
# RFC 3164 to the local socket, as syslog(3) writes it: rsyslog's imuxsock
# finds vigild[PID] as the tag, the structured data element leads the text.
# (jq 1.6's -e looks at the last input only: select, then grep.)
local_alert() {
	jq -c --arg vpid "$vigild_pid" --arg pid "$pid" 'select(.app_name == "vigild" and
		.procid == $vpid and .severity == "4" and .facility == "10" and (.msg | test(
		"^ ?\\[vigil@32473 rule=\"Read sensitive file untrusted\" priority=\"Warning\" " +
		"container_id=\"host\" container_name=\"host\" proc_name=\"cat\" proc_pid=\"" +
		$pid + "\"\\] Sensitive file opened for reading ")))' "$work/local.json" \
		2>/dev/null | grep -q .
}
check "rsyslog local socket: RFC 3164 with the structured data in the text" \
	wait_until 10 local_alert

# 5. rsyslog killed mid-stream and started again: what was sent meanwhile is
# delivered (TCP: it waited in the queue) or counted lost (UDP: the network
# said "port unreachable"); what comes after the restart arrives.
# Sink ids, in the order of a.yaml: syslog (udp), syslog2 (tcp), syslog3 (unix).
dropped() { sink_metric "$metrics_port" vigil_sink_dropped_total "$1" "$2"; }
sent() { sink_metric "$metrics_port" vigil_sink_sent_total "$1"; }
received() { wc -l <"$work/$1.json"; }
declare -A sink=([udp]=syslog [tcp]=syslog2) sent0 lost0 full0 received0
# The metrics are a second old at most: let them catch up first.
sleep 1.5
for proto in udp tcp; do
	sent0[$proto]=$(sent "${sink[$proto]}")
	lost0[$proto]=$(dropped "${sink[$proto]}" lost)
	full0[$proto]=$(dropped "${sink[$proto]}" queue_full)
	received0[$proto]=$(received $proto)
done
kill -KILL "$(rsyslog_pid net)"
wait_until 5 sh -c "! kill -0 $(rsyslog_pid net) 2>/dev/null"
wait_until 5 sh -c "! ss -Hln '( sport = :$tcp_port )' | grep -q ."
between=()
for _ in $(seq 10); do
	between+=("$(net_read)")
	sleep 0.1
done
wait_until 10 has_journal VIGIL_PROC_PID="${between[9]}"
sleep 1
start_rsyslog net
wait_until 10 net_up || fail "rsyslog did not restart"
after=()
for _ in $(seq 10); do
	after+=("$(net_read)")
done
all_after() {
	local p
	for p in "${after[@]}"; do
		in_file "$work/$1.json" "$p" || return 1
	done
}
for proto in udp tcp; do
	check "rsyslog $proto restarted: the 10 alerts after the restart arrive" \
		wait_until 30 all_after "$proto"
done
# Everything the sinks sent in the while is accounted for: arrived, or
# counted lost (once rsyslog has written it all and the metrics caught up).
sleep 2.5
for proto in udp tcp; do
	n=0
	for p in "${between[@]}"; do
		in_file "$work/$proto.json" "$p" && n=$((n + 1))
	done
	sent=$(($(sent "${sink[$proto]}") - sent0[$proto]))
	lost=$(($(dropped "${sink[$proto]}" lost) - lost0[$proto]))
	full=$(($(dropped "${sink[$proto]}" queue_full) - full0[$proto]))
	got=$(($(received $proto) - received0[$proto]))
	if [ $proto = udp ]; then
		expect "rsyslog udp down: every datagram sent arrived or is counted lost" \
			"$got + $lost == $sent && $lost >= 10 - $n"
		echo "     ($got arrived, $lost lost of $sent sent; $n of the 10 sent while down arrived)"
	else
		expect "rsyslog tcp down: the 10 alerts waited and arrived ($n), none lost, none refused" \
			"$n == 10 && $lost == 0 && $full == 0"
		expect "rsyslog tcp: every message sent arrived ($got of $sent)" "$got == $sent"
	fi
done

# 6. SIGUSR1: the JSON file is reopened, as after logrotate moved it away.
mv "$work/alerts.json" "$work/alerts.json.1"
kill -USR1 "$vigild_pid"
sleep 0.5
pid=$(shadow_read)
check "SIGUSR1: the JSON file is reopened" wait_until 10 grep -q "\"proc.pid\":$pid[,}]" \
	"$work/alerts.json"
check "SIGUSR1: the moved file has the earlier lines, not the new one" \
	sh -c "[ -s '$work/alerts.json.1' ] && ! grep -q '\"proc.pid\":$pid[,}]' '$work/alerts.json.1'"
check "JSON line in Falco's shape" jq -e -s --arg pid "$pid" 'any(.[]; .output_fields["proc.pid"]
	== ($pid | tonumber) and .rule == "Read sensitive file untrusted" and .priority == "Warning"
	and .source == "syscall" and any(.tags[]; . == "T1555") and (.hostname | length) > 0 and
	(.time | test("^[0-9-]{10}T[0-9:.]+Z$")) and (.output | test("^[0-9:.]+: Warning ")))' \
	"$work/alerts.json" >/dev/null

# 7. A collector that stops reading: its queue (20) fills, the rest is
# counted and reported, and nothing else waits for it.
full0=$(dropped syslog3 queue_full)
kill -STOP "$(rsyslog_pid local)"
t0=$(date +%s)
"$work/open-loop" 300 "$work/overflow.target"
overflow_json() {
	[ "$(grep -c '"rule":"vigil e2e sinks overflow"' "$work/alerts.json")" -eq 300 ]
}
overflow_journal() {
	[ "$(journal VIGIL_RULE="vigil e2e sinks overflow" | wc -l)" -eq 300 ]
}
check "collector stopped: all 300 alerts still reach the JSON file" wait_until 20 overflow_json
check "collector stopped: all 300 alerts still reach journald" wait_until 20 overflow_journal
echo "     (300 alerts through journald and JSON in $(($(date +%s) - t0)) s)"
refusing() { [ $(($(dropped syslog3 queue_full) - full0)) -gt 0 ]; }
wait_until 5 refusing
refused=$(($(dropped syslog3 queue_full) - full0))
expect "collector stopped: $refused alerts refused by its full queue, counted" "$refused > 0"
check "collector stopped: an operational alert says so" wait_until 10 has_journal \
	MESSAGE_ID=1cb43a77bb9844c1af9e85608d835991 VIGIL_RULE="vigil internal: events or alerts lost"
kill -CONT "$(rsyslog_pid local)"
local_drained() {
	[ "$(sink_metric "$metrics_port" vigil_sink_queue_depth syslog3)" -eq 0 ]
}
wait_until 20 local_drained
sleep 1
n=$(grep -c 'overflow open' "$work/local.json")
refused=$(($(dropped syslog3 queue_full) - full0))
expect "collector back: $n delivered + $refused refused cover the 300, none twice" \
	"$n + $refused >= 300 && $n <= 300"
# Every refusal, the operational alerts' own included, is in one of them.
reported() {
	local sum
	sum=$(journal MESSAGE_ID=1cb43a77bb9844c1af9e85608d835991 |
		jq -s '[.[] | .VIGIL_SINK_SYSLOG3_QUEUE_FULL // "0" | tonumber] | add // 0')
	[ "$sum" -eq $(($(dropped syslog3 queue_full) - full0)) ]
}
check "operational alerts account for every refusal" wait_until 10 reported

# 8. The stats entry and the metrics.
check "stats entry in the journal" wait_until 10 has_journal \
	MESSAGE_ID=cbab06c2e29d4a11b88c047850d38ca9
journal MESSAGE_ID=cbab06c2e29d4a11b88c047850d38ca9 | tail -n 1 >"$work/entry.json"
check "stats entry fields" jq -e '.PRIORITY == "6" and (.VIGIL_EVENTS | tonumber) > 0 and
	(.VIGIL_PROCESSES | tonumber) > 0 and (.VIGIL_RSS_BYTES | tonumber) > 0 and
	.VIGIL_KERNEL_DROPS_RINGBUF_FULL != null and .VIGIL_EVENTS_PER_SECOND != null and
	.VIGIL_ALERTS_PER_SECOND != null and .VIGIL_CONTAINERS != null and
	(.MESSAGE | startswith("stats: "))' "$work/entry.json" >/dev/null
metrics "$metrics_port" metrics >"$work/metrics.txt"
for m in 'vigil_events_total ' 'vigil_kernel_drops_total{reason="ringbuf_full"} ' \
	'vigil_alerts_total{rule="Read sensitive file untrusted",priority="Warning"} ' \
	'vigil_sink_errors_total{sink="syslog2",' 'vigil_sink_queue_depth{sink="journald",' \
	'vigil_sink_sent_total{sink="json",' 'vigil_processes_tracked ' \
	'vigil_containers_tracked ' 'vigil_rule_evaluation_seconds_count '; do
	check "metrics: $m" grep -qF "$m" "$work/metrics.txt"
done
healthz() { [ "$(metrics "$metrics_port" healthz)" = ok ]; }
check "metrics: /healthz" healthz

# 9. journald killed mid-stream: vigild goes on, alerts go to stderr,
# counted, and to journald again once it is back.
journald_gone() { ! pgrep -x systemd-journal >/dev/null; }
pkill_journald() {
	local p
	for p in $(pgrep -x systemd-journal); do
		kill -KILL "$p"
	done
}
pkill_journald
wait_until 5 journald_gone
pid=$(shadow_read)
check "journald down: the alert goes to stderr" wait_until 10 \
	grep -q "vigild: alert: Warning: Read sensitive file untrusted: .*pid=$pid " "$work/vigild.err"
to_stderr() { [ "$(sink_metric "$metrics_port" vigil_sink_fallback_total journald)" -ge 1 ]; }
check "journald down: counted as written to stderr" wait_until 5 to_stderr
check "journald down: vigild still runs" kill -0 "$vigild_pid"
"$top/tests/setup-host.sh" journald
# A journal file left behind by a killed journald is checked and replaced
# first: wait until journald takes entries again.
probe=vigil-e2e-probe-$$
journald_takes() {
	echo probe | systemd-cat -t "$probe" 2>/dev/null
	[ -n "$(journalctl -o cat --no-pager -t "$probe" 2>/dev/null | head -n 1)" ]
}
check "journald restarted" wait_until 30 journald_takes
# vigild tries journald again after a pause (5 s at most); the first entry
# that gets through says how many went to stderr.
journald_back() {
	journal VIGIL_RULE="vigil internal: journald back" | jq -e -s 'length > 0 and
		(.[0].VIGIL_JOURNALD_FALLBACK | tonumber) >= 1 and
		.[0].MESSAGE_ID == "1cb43a77bb9844c1af9e85608d835991"' >/dev/null
}
check "journald back: an operational entry says how many went to stderr" \
	wait_until 20 journald_back
pid=$(shadow_read)
check "journald back: alerts reach it again" wait_until 10 has_journal VIGIL_PROC_PID="$pid"

# 10. SIGTERM: a clean stop with every sink's counters.
kill -TERM "$vigild_pid"
wait "$vigild_pid"
status=$?
vigild_pid=
expect "clean stop, status $status" "$status == 0"
check "final counters: journald" grep -q 'journald: sent [0-9]*, queue full 0, lost 0' \
	"$work/vigild.err"
check "final counters: the stopped collector's refusals" \
	grep -q "syslog unix://$work/local/log.sock: sent [0-9]*, queue full [1-9]" "$work/vigild.err"
check "sd_notify STOPPING=1" grep -q "^STOPPING=1" "$work/notify.log"

# 11. The flood: a container opens /etc/shadow 100,000 times. The rate limit
# lets a few through, and one summary counts the rest.
cat >"$work/b.yaml" <<EOF
sinks:
  - type: journald
  - type: json
    path: $work/flood.json
rate_limit:
  burst: 5
  rate: 2
  summary_interval: 60
stats_interval: 0
metrics:
  address: 127.0.0.1:$metrics_port
EOF
"$VIGILD" -c "$work/b.yaml" -r "$top/rules" >/dev/null 2>"$work/vigild-b.err" &
vigild_pid=$!
if wait_until 20 grep -qs "running" "$work/vigild-b.err"; then
	rm -f "$work/cid"
	t0=$(date +%s.%N)
	podman run --rm --network=none --name "$flood_name" --cidfile "$work/cid" \
		-v "$work/open-loop:/open-loop:ro" "$IMAGE" /open-loop "$FLOOD" /etc/shadow
	t1=$(date +%s.%N)
	cid=$(cat "$work/cid")
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", b - a + 1 }')
	echo "     ($FLOOD opens in a container in $secs s)"
	summaries() {
		jq -c --arg id "${cid:0:12}" 'select(.output_fields["container.id"] == $id and
			.output_fields.suppressed != null)' "$work/flood.json"
	}
	has_summary() { [ -n "$(summaries | head -n 1)" ]; }
	check "flood: a summary alert when the burst ends" wait_until 30 has_summary
	sleep 1
	alerts=$(jq -c --arg id "${cid:0:12}" 'select(.output_fields["container.id"] == $id and
		.rule == "Read sensitive file untrusted" and .output_fields.suppressed == null)' \
		"$work/flood.json" | wc -l)
	held=$(summaries | jq -s '[.[].output_fields.suppressed] | add // 0')
	drops=$(metrics "$metrics_port" metrics |
		awk '/^vigil_kernel_drops_total/ { n += $2 } END { print n + 0 }')
	bound=$((5 + 2 * (secs + 2)))
	expect "flood: $alerts alerts let through, at most burst + rate x time ($bound)" \
		"$alerts >= 5 && $alerts <= $bound"
	if [ "$drops" -eq 0 ]; then
		expect "flood: $alerts alerts + $held summarised = $FLOOD" \
			"$alerts + $held == $FLOOD"
	else
		expect "flood: $alerts alerts + $held summarised + $drops kernel drops cover $FLOOD" \
			"$alerts + $held <= $FLOOD && $alerts + $held + $drops >= $FLOOD"
	fi
	summary_text() {
		summaries | head -n 1 | jq -r .output | grep -Eq ": Warning Read sensitive file \
untrusted: [0-9]+ more like this in the last [0-9]+ s \(container_id=${cid:0:12} \
container_name=$flood_name\)$"
	}
	check "flood: the summary says how many, and over how long" summary_text
	journal_summary() {
		journal MESSAGE_ID=ace1225783894d838b1db9850049b89d VIGIL_CONTAINER_ID="${cid:0:12}" |
			jq -e -s --argjson held "$held" 'length > 0 and
			([.[].VIGIL_SUPPRESSED | tonumber] | add) == $held and
			.[0].PRIORITY == "4"' >/dev/null
	}
	check "flood: the summary in journald (MESSAGE_ID, VIGIL_SUPPRESSED)" \
		wait_until 10 journal_summary
	stop_pid "$vigild_pid"
	wait "$vigild_pid" 2>/dev/null
	vigild_pid=
else
	fail "flood: vigild did not start"
	cat "$work/vigild-b.err"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
