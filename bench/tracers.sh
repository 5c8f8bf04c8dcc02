# Sourced by bench/run.sh: starting and stopping each tracer the workloads run
# under, and what each one reports. Expects $out, $top and $work.
#
# tracer_start NAME starts one of:
#   none        nothing attached
#   vigild      vigild on the default rules
#   opensnoop, execsnoop, tcpconnect   Debian's libbpf-tools
#   bpftrace    a one-liner counting the raw syscall tracepoints
#   enter, exit, both   empty programs on tp_btf/sys_enter, sys_exit, both
# tracer_stop then sets:
#   t_events    records that reached userspace ("-" where none are sent)
#   t_drops     records the kernel dropped ("-" where unknown)
#   t_cpu       vigild's CPU seconds since tracer_start ("-" for others)
#   t_rss_kb    vigild's peak RSS ("-" for others)
#   t_rss_now_kb  vigild's RSS as it is stopped ("-" for others)
#   t_ready_ms  vigild's time from exec to READY=1 ("-" for others)
#   t_procs     processes in vigild's table at its exit ("-" for others)

t_name= t_pid= t_cpu0=0

# A tracer is ready once its links are in place: the count of BPF links and
# perf events among its descriptors has stopped growing.
wait_attached() {
	local pid=$1 n last=-1 same=0

	for _ in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || return 1
		n=$(ls -l "/proc/$pid/fd" 2>/dev/null | grep -c -e bpf_link -e perf_event || true)
		if [ "$n" -gt 0 ] && [ "$n" -eq "$last" ]; then
			same=$((same + 1))
			[ "$same" -ge 3 ] && return 0
		else
			same=0
		fi
		last=$n
		sleep 0.1
	done
	return 1
}

# SIGINT until it goes: a background job starts with SIGINT ignored, and a
# tracer that installs its handler late (bpftrace, after attaching) misses an
# early one. SIGKILL after 10 s.
stop_pid() {
	local pid=$1 i

	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		[ $((i % 10)) -eq 1 ] && kill -INT "$pid" 2>/dev/null
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

tracer_start() {
	t_name=$1 t_pid=
	t_ready_ms=- t_events=- t_drops=- t_cpu=- t_rss_kb=- t_rss_now_kb=- t_procs=-
	case $t_name in
	none)
		return 0
		;;
	vigild)
		read -r t_pid t_ready_ms < <("$out/bench/start_ready" "$work/vigild.log" \
			"$out/vigild" -r "$top/rules") || return 1
		t_cpu0=$(cpu_ticks "$t_pid")
		return 0
		;;
	opensnoop | execsnoop | tcpconnect)
		"/usr/sbin/$t_name" >"$work/tracer.out" 2>"$work/tracer.err" &
		;;
	bpftrace)
		bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @enter = count(); }
			     tracepoint:raw_syscalls:sys_exit { @exit = count(); }' \
			>"$work/tracer.out" 2>"$work/tracer.err" &
		;;
	enter | exit | both)
		"$out/bench/empty_hooks" "$out/bench/empty_hooks.bpf.o" "$t_name" \
			>"$work/tracer.out" 2>"$work/tracer.err" &
		;;
	*)
		echo "unknown tracer $t_name" >&2
		return 1
		;;
	esac
	t_pid=$!
	if ! wait_attached "$t_pid"; then
		stop_pid "$t_pid"
		wait "$t_pid" 2>/dev/null
		t_pid=
		return 1
	fi
}

tracer_stop() {
	local ticks

	[ -n "$t_pid" ] || return 0
	if [ "$t_name" = vigild ]; then
		ticks=$(($(cpu_ticks "$t_pid") - t_cpu0))
		t_cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
		t_rss_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$t_pid/status")
		t_rss_now_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$t_pid/status")
		# Not our child (start_ready forked it): no wait, and no status.
		stop_pid "$t_pid"
		t_events=$(sed -n 's/.*: events \([0-9]*\),.*/\1/p' "$work/vigild.log")
		t_drops=$(sed -n 's/.*kernel drops ringbuf_full: \([0-9]*\)/\1/p' "$work/vigild.log")
		t_procs=$(sed -n 's/.*: events .*, processes \([0-9]*\)$/\1/p' "$work/vigild.log")
		t_pid=
		return 0
	fi
	stop_pid "$t_pid"
	wait "$t_pid" || true
	t_pid=
	case $t_name in
	opensnoop | execsnoop | tcpconnect)
		# One line per event after the header; losses go to stderr.
		t_events=$(($(wc -l <"$work/tracer.out") - 1))
		t_drops=$(awk '/^Lost/ { n += $2 } END { print n + 0 }' "$work/tracer.err")
		;;
	esac
}
