#!/usr/bin/env bash
# The kernel matrix: vigil's kernel tests on the kernels nodes run.
#   tests/qemu/run.sh [-t SECONDS] OUT KTEST_BIN KERNEL...
# Each KERNEL is one of:
#   a Debian kernel package name or glob (linux-image-6.1.0-*-cloud-amd64):
#     the newest match is fetched once (apt-get download, dpkg -x) into
#     OUT/kernels/ and booted under qemu, then booted again with its
#     overlayfs module loaded before the tests;
#   a kernel image file: booted under qemu;
#   "running": this machine's kernel, booted from /boot when its image is
#     there, tested natively (as root) when it is not.
# Guests run in software emulation (TCG: /dev/kvm is not needed) from an
# initramfs of busybox, KTEST_BIN with its libraries, and tests/qemu/init;
# each prints one verdict line (tests/qemu/ktest.sh) and powers off, or is
# stopped after SECONDS (default 300). Prints a table; exits 1 unless every
# run passed. Logs: OUT/qemu/<kernel>.log.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
BUSYBOX=${BUSYBOX:-/bin/busybox}
CC=${CC:-cc}
timeout_s=300
# Two CPUs: the per-CPU buffers and ring buffer ordering get exercised; TCG
# runs them on two host threads.
qemu_args=(-accel tcg -cpu max -smp 2 -m 1024 -nodefaults -no-user-config
	-display none -serial stdio -no-reboot)
kernel_cmdline="console=ttyS0 panic=-1 quiet"

usage() {
	echo "usage: $0 [-t SECONDS] OUT KTEST_BIN KERNEL..." >&2
	exit 2
}

die() {
	echo "test-kernels: $*" >&2
	exit 1
}

while getopts t: opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || usage
out=$1
ktest=$2
shift 2
[ -x "$ktest" ] || die "no kernel test binary at $ktest (make $ktest)"
command -v "$QEMU" >/dev/null || die "$QEMU not found: apt-get install qemu-system-x86"
command -v cpio >/dev/null || die "cpio not found: apt-get install cpio"
[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX: apt-get install busybox-static"
if LC_ALL=C readelf -l "$BUSYBOX" | grep -q 'program interpreter'; then
	die "$BUSYBOX is dynamically linked: apt-get install busybox-static"
fi

cache=$out/kernels
work=$out/qemu
mkdir -p "$cache" "$work"

# --- the initramfs ---

# Copies a binary and the shared libraries it loads, the dynamic loader
# included, to the same paths under $1.
copy_with_libs() {
	local root=$1 bin=$2 dest=$3 lib
	install -D -m 0755 "$bin" "$root$dest"
	for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

build_initramfs() {
	local root=$work/root applet
	rm -rf "$root"
	mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp}
	install -m 0755 "$BUSYBOX" "$root/bin/busybox"
	for applet in sh mount mkdir rmdir ip insmod poweroff cat sed grep uname; do
		ln -s busybox "$root/bin/$applet"
	done
	# The exec tests run /bin/true and compare the exe with its real path:
	# a program of its own, not a busybox applet.
	echo 'int main(void) { return 0; }' |
		"$CC" -static -Os -x c - -o "$root/bin/true" ||
		die "cannot build a static /bin/true (libc6-dev provides libc.a)"
	copy_with_libs "$root" "$ktest" /bin/kernel_test_events
	install -m 0755 "$here/ktest.sh" "$root/bin/ktest.sh"
	install -m 0755 "$here/init" "$root/init"
	echo vigil-guest >"$root/etc/hostname"
	echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$work/initramfs.cpio.gz"
}

# --- kernels ---

apt_updated=false

# The newest available package matching a glob, or nothing.
newest_package() {
	local glob=$1 name
	# shellcheck disable=SC2053 # $glob is a pattern on purpose
	apt-cache search --names-only '^linux-image-' 2>/dev/null | while read -r name _; do
		[[ $name == $glob ]] && echo "$name"
	done | sort -V | tail -n 1
}

# The newest cached package matching a glob, for when apt knows nothing.
newest_cached() {
	local glob=$1 dir
	for dir in "$cache"/*/; do
		dir=$(basename "$dir")
		# shellcheck disable=SC2053
		[[ $dir == $glob ]] && echo "$dir"
	done | sort -V | tail -n 1
}

# Writes the overlayfs module found under a modules tree to $2, uncompressed;
# false if there is none (or it is compressed in a way busybox cannot undo).
extract_overlay() {
	local modules=$1 dest=$2 ko
	ko=$(find "$modules" -path '*/fs/overlayfs/overlay.ko*' 2>/dev/null | head -n 1)
	case $ko in
	*.ko) cp "$ko" "$dest" ;;
	*.ko.xz) "$BUSYBOX" unxz -c "$ko" >"$dest" ;;
	*.ko.gz) gzip -dc "$ko" >"$dest" ;;
	*) return 1 ;;
	esac
}

# Prints the cache directory of a package glob or name (its boot/ and, when
# the package has one, overlay.ko), fetching the package if needed.
kernel_dir() {
	local glob=$1 name tmp
	name=$(newest_package "$glob")
	if [ -z "$name" ] && ! $apt_updated && [ "$(id -u)" -eq 0 ]; then
		apt_updated=true
		apt-get update -qq >/dev/null 2>&1 || true
		name=$(newest_package "$glob")
	fi
	[ -n "$name" ] || name=$(newest_cached "$glob")
	if [ -z "$name" ]; then
		echo "test-kernels: no package matches $glob (apt-get update?)" >&2
		return 1
	fi
	if [ ! -e "$cache/$name/fetched" ]; then
		echo "  FETCH    $name" >&2
		tmp=$cache/$name.tmp
		rm -rf "$tmp"
		mkdir -p "$tmp/k"
		if ! (cd "$tmp" && apt-get download "$name") >"$tmp.log" 2>&1; then
			cat "$tmp.log" >&2
			return 1
		fi
		dpkg -x "$tmp"/*.deb "$tmp/x"
		# Of the modules only overlayfs is used (see tests/qemu/init).
		mv "$tmp/x/boot" "$tmp/k/boot"
		extract_overlay "$tmp/x/lib/modules" "$tmp/k/overlay.ko" || rm -f "$tmp/k/overlay.ko"
		touch "$tmp/k/fetched"
		rm -rf "${cache:?}/${name:?}"
		mv "$tmp/k" "$cache/$name"
		rm -rf "$tmp" "$tmp.log"
	fi
	echo "$cache/$name"
}

# --- running the tests ---

rows=()
all_passed=true
last_passed=true

# Adds a table row from a verdict line (or its absence).
record() {
	local kernel=$1 how=$2 verdict_line=$3 seconds=$4 note=$5
	local status="?" programs=- passed=0 failed=0 skipped=0 lacks=- events=- verdict kv
	if [ -n "$verdict_line" ]; then
		lacks=${verdict_line#*lacks=}
		lacks=${lacks:-nothing}
		for kv in ${verdict_line% lacks=*}; do
			case $kv in
			kernel=*) kernel=${kv#kernel=} ;;
			status=*) status=${kv#status=} ;;
			programs=*) programs=${kv#programs=} ;;
			passed=*) passed=${kv#passed=} ;;
			failed=*) failed=${kv#failed=} ;;
			skipped=*) skipped=${kv#skipped=} ;;
			esac
		done
		events="$passed passed, $failed failed"
		[ "$skipped" = 0 ] || events+=", $skipped skipped"
	fi
	last_passed=false
	if [ "$status" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]; then
		verdict=pass
		last_passed=true
	else
		verdict="FAIL${note:+ ($note)}"
		all_passed=false
	fi
	rows+=("| $kernel | $how | $programs | $events | $verdict | $seconds s | $lacks |")
}

now() { date +%s%N; }
elapsed() { local ns=$(($(now) - $1)); printf '%d.%d' $((ns / 1000000000)) $((ns / 100000000 % 10)); }

# Boots an image with an initramfs and extra kernel arguments; records the verdict.
run_guest() {
	local label=$1 image=$2 initrd=$3 args=$4 how=$5 log start rc=0 line note=""
	log=$work/$label.log
	log=${log// /_}
	echo "  QEMU     $label" >&2
	start=$(now)
	timeout -k 5 "$timeout_s" "$QEMU" "${qemu_args[@]}" -kernel "$image" -initrd "$initrd" \
		-append "$kernel_cmdline $args" </dev/null >"$log" 2>&1 || rc=$?
	line=$(tr -d '\r' <"$log" | grep '^VIGIL-KTEST ' | tail -n 1) || true
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		note="stopped after $timeout_s s"
	elif [ -z "$line" ]; then
		note="no verdict, see $log"
	fi
	record "$label" "$how" "$line" "$(elapsed "$start")" "$note"
	$last_passed || tr -d '\r' <"$log" | tail -n 40 >&2
}

# Tests an image as the kernel boots (cgroup v2); with its cgroups mounted as
# a cgroup v1 host and as a hybrid one mount them; and, when there is an
# overlayfs module for it, with overlayfs loaded before vigil's programs (as
# on a node where the container runtime started first).
test_image() {
	local release=$1 image=$2 overlay=$3 how=$4 initrd=$work/initramfs.cpio.gz extra layout
	run_guest "$release" "$image" "$initrd" "" "$how"
	for layout in v1 hybrid; do
		run_guest "$release, cgroup $layout" "$image" "$initrd" "vigil.cgroup=$layout" \
			"$how, cgroup $layout"
	done
	[ -n "$overlay" ] || return 0
	extra=$work/overlay-$release
	rm -rf "$extra"
	mkdir -p "$extra/lib/modules"
	cp "$overlay" "$extra/lib/modules/overlay.ko"
	# The kernel unpacks concatenated archives one over the other.
	initrd=$work/initramfs-$release.cpio.gz
	{
		cat "$work/initramfs.cpio.gz"
		(cd "$extra" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1
	} >"$initrd"
	rm -rf "$extra"
	run_guest "$release + overlay" "$image" "$initrd" vigil.overlay=1 "$how, overlayfs loaded first"
}

run_native() {
	local label=$1 how=$2 log=$work/native.log start line note=""
	echo "  NATIVE   $label" >&2
	start=$(now)
	if [ "$(id -u)" -ne 0 ]; then
		record "$label" "$how" "" "0.0" "needs root"
		return
	fi
	line=$("$here/ktest.sh" "$ktest" "$work/native-ktest.log" | tee "$log" |
		grep '^VIGIL-KTEST ' | tail -n 1) || true
	[ -n "$line" ] || note="no verdict, see $log"
	record "$label" "$how" "$line" "$(elapsed "$start")" "$note"
	$last_passed || tail -n 40 "$log" >&2
}

matrix_start=$(now)
build_initramfs
for kernel in "$@"; do
	if [ "$kernel" = running ]; then
		release=$(uname -r)
		if [ -r "/boot/vmlinuz-$release" ]; then
			overlay=$work/overlay-running.ko
			extract_overlay "/lib/modules/$release" "$overlay" || overlay=
			test_image "$release" "/boot/vmlinuz-$release" "$overlay" "qemu (running kernel)"
		else
			run_native "$release" "native (running kernel; no /boot/vmlinuz-$release)"
		fi
	elif [ -f "$kernel" ]; then
		test_image "$(basename "$kernel")" "$kernel" "" qemu
	elif dir=$(kernel_dir "$kernel"); then
		image=$(compgen -G "$dir/boot/vmlinuz-*" | head -n 1)
		release=${image##*/vmlinuz-}
		if ! grep -qs '^CONFIG_DEBUG_INFO_BTF=y' "$dir/boot/config-$release"; then
			echo "test-kernels: $release: its config has no CONFIG_DEBUG_INFO_BTF=y" >&2
		fi
		overlay=$dir/overlay.ko
		[ -f "$overlay" ] || overlay=
		test_image "$release" "$image" "$overlay" qemu
	else
		record "$kernel" "-" "" "0.0" "not found"
	fi
done

echo
echo "| kernel | booted | programs loaded | events checked | verdict | time | lacks |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
echo
echo "matrix: ${#rows[@]} runs in $(elapsed "$matrix_start") s"
$all_passed
