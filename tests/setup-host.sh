#!/usr/bin/env bash
# Prepares this machine for running and testing vigild: a journald to send
# alerts to, and podman with a small local test image. Idempotent.
#   tests/setup-host.sh journald   start journald unless one is running
#   tests/setup-host.sh podman     configure podman and build the test image
#   tests/setup-host.sh deps PKG.. install the Debian packages that are missing
set -euo pipefail

TEST_IMAGE=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}
here=$(cd "$(dirname "$0")" && pwd)

start_journald() {
	if [ -S /run/systemd/journal/socket ] && pgrep -x systemd-journal >/dev/null; then
		return 0
	fi
	mkdir -p /run/systemd/journal /var/log/journal
	# Outside systemd, journald runs as a plain background daemon.
	setsid /lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &
	for _ in $(seq 50); do
		[ -S /run/systemd/journal/socket ] && return 0
		sleep 0.1
	done
	echo "journald did not create /run/systemd/journal/socket" >&2
	return 1
}

configure_podman() {
	mkdir -p /etc/containers
	if ! grep -qs 'cgroup_manager = "cgroupfs"' /etc/containers/containers.conf; then
		cat >/etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
CONF
	fi
}

# A busybox image with what the default rules look for: /etc/shadow, a
# package manager name, and a program that asks to become root.
build_test_image() {
	podman image exists "$TEST_IMAGE" && return 0
	local root
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,usr/bin,etc,tmp,root}
	chmod 1777 "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	for applet in sh cat cp echo nc sleep true ls id; do
		ln -s busybox "$root/bin/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
	printf '#!/bin/sh\necho "apt-get: $*"\n' >"$root/usr/bin/apt-get"
	chmod 755 "$root/usr/bin/apt-get"
	cc -static -O2 -o "$root/bin/become-root" "$here/e2e/become-root.c"
	tar -C "$root" -cf "$root.tar" .
	podman import -q "$root.tar" "$TEST_IMAGE" >/dev/null
	rm -rf "$root" "$root.tar"
}

install_missing() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages; run: sudo apt-get install -y ${missing[*]}" >&2
		return 1
	fi
	echo "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		"${missing[@]}" >/dev/null
}

case "${1:-}" in
deps)
	shift
	install_missing "$@"
	;;
journald) start_journald ;;
podman)
	configure_podman
	build_test_image
	;;
*)
	echo "usage: $0 journald|podman|deps PACKAGE..." >&2
	exit 2
	;;
esac
