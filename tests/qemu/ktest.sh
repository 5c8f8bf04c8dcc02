#!/bin/sh
# Runs the kernel tests, shows their output, then prints one verdict line for
# tests/qemu/run.sh, the same inside a guest (busybox sh) and on the host:
#   VIGIL-KTEST kernel=R status=N programs=L/T attached=A passed=P failed=F skipped=S lacks=...
# lacks= comes last: it is what vigild said the kernel lacks, "; "-separated.
#   tests/qemu/ktest.sh build/tests/kernel_test_events [LOG]
set -u

bin=$1
log=${2:-/tmp/vigil-ktest.log}

# TAP: one line per test, whatever the outcome.
CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
status=$?
cat "$log"

total=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")
passed=$(grep -c '^ok ' "$log")
skipped=$(grep -c '^not ok .* # SKIP' "$log")
failed=$((${total:-0} - passed - skipped))
programs=$(sed -n 's/^kernel events: \([0-9]*\) of \([0-9]*\) bpf programs loaded.*/\1\/\2/p' "$log")
attached=$(sed -n 's/^kernel events: .* loaded, \([0-9]*\) attached$/\1/p' "$log")
lacks=$(sed -n 's/.*: warning: kernel lacks \([^:]*\):.*/\1/p' "$log" | sed -e ':a' -e 'N;$!ba' -e 's/\n/; /g')
# A run that stopped before its plan line checked nothing.
if [ -z "$total" ] && [ "$status" -eq 0 ]; then
	status=1
fi

echo "VIGIL-KTEST kernel=$(uname -r) status=$status programs=${programs:-0/0}" \
	"attached=${attached:-0} passed=$passed failed=$failed skipped=$skipped lacks=$lacks"
