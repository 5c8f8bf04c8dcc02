# Shared by the deployment tests: counting, and starting what they need.
# Each test sources this, calls pass/fail, and ends with `finish`.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0
failed=0

pass() {
	passed=$((passed + 1))
	echo "ok   - $*"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL - $*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# expect DESCRIPTION GOT WANT
expect() {
	if [ "$2" = "$3" ]; then
		pass "$1: $3"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# status_field PID FIELD: a field of /proc/PID/status ("CapEff", "Uid").
status_field() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null
}

# every_thread_caps PID: "CapEff CapPrm CapAmb" of each thread, one line each.
every_thread_caps() {
	local t
	for t in /proc/"$1"/task/*; do
		awk '$1 ~ /^Cap(Eff|Prm|Amb):$/ { printf "%s ", $2 } END { print "" }' "$t/status"
	done
}

# journal_alerts SINCE FIELD=VALUE...: vigild's alerts since SINCE (epoch s).
journal_alerts() {
	local since=$1
	shift
	journalctl -o json --no-pager --since "@$since" SYSLOG_IDENTIFIER=vigild "$@" 2>/dev/null
}

# wait_alert SINCE FIELD=VALUE...: the first matching alert, waiting up to 15 s.
wait_alert() {
	local since=$1 out
	shift
	for _ in $(seq 150); do
		out=$(journal_alerts "$since" "$@" | head -n 1)
		if [ -n "$out" ]; then
			echo "$out"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# wait_log FILE TEXT [SECONDS]: waits for TEXT to appear in FILE.
wait_log() {
	for _ in $(seq $((${3:-20} * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# The image the container tests run; built by `make image` when missing.
IMAGE=${VIGIL_IMAGE:-localhost/vigil:$(sed -n 's/^#define VIGIL_VERSION "\(.*\)"/\1/p' \
	"$top/daemon/vigil.h")}

# Built from the tree each time (buildah reuses the layers that did not
# change); VIGIL_IMAGE_NO_BUILD=1 takes the image as it is.
ensure_image() {
	if [ -n "${VIGIL_IMAGE_NO_BUILD:-}" ] && podman image exists "$IMAGE"; then
		return 0
	fi
	make -C "$top" --no-print-directory image IMAGE="$IMAGE" >&2
}
