#!/bin/sh
# Lays out the runtime image's files under ROOTFS: vigild, every shared
# library it loads (and the dynamic loader), the default rules and config,
# the copyright files of the Debian packages those libraries come from, and an
# SPDX SBOM of all of it (deploy/sbom.sh). Runs in the Containerfile's build
# stage, on Debian, from the source tree:
#   deploy/rootfs.sh VIGILD ROOTFS
set -eu

vigild=$1
root=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Debian package that owns a file; with merged /usr, dpkg may know it by
# its /lib or its /usr/lib name.
owner() {
	for p in "$1" "$(readlink -f "$1")"; do
		for q in "$p" "${p#/usr}" "/usr$p"; do
			pkg=$(dpkg -S "$q" 2>/dev/null | grep -v '^diversion' | head -n 1 | sed 's/: .*//')
			if [ -n "$pkg" ]; then
				echo "$pkg"
				return 0
			fi
		done
	done
	echo "no Debian package owns $1" >&2
	return 1
}

mkdir -p "$root"
# Asked before it carries capabilities: a program file that does cannot run
# where the bounding set lacks them, as in this build.
version=$("$vigild" --version | awk '{ print $2 }')
install -D -m 0755 "$vigild" "$root/usr/sbin/vigild"
# Kubernetes gives a non-root container's added capabilities to its bounding
# set but not to its process (no ambient capabilities), so the program file
# carries the two it needs; the container's bounding set still decides
# whether it gets them.
setcap cap_bpf,cap_perfmon=ep "$root/usr/sbin/vigild"

# ldd prints "libbpf.so.1 => /lib/x86_64-linux-gnu/libbpf.so.1 (0x...)" and
# the loader as "/lib64/ld-linux-x86-64.so.2 (0x...)". Each goes where the
# binary and the loader look for it, as a regular file: the image has no
# /lib -> usr/lib link and no ld.so.cache.
ldd "$vigild" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	sort -u >"$work/libs"
: >"$work/packages"
while read -r lib; do
	real=$(readlink -f "$lib")
	# The loader keeps its execute bit: the kernel opens it as a program.
	install -D -m "$(stat -c %a "$real")" "$real" "$root$lib"
	pkg=$(owner "$lib")
	printf '%s %s %s\n' "$lib" "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg")" >>"$work/packages"
done <"$work/libs"

# Each package's licence travels with its files.
cut -d' ' -f2 "$work/packages" | sort -u | while read -r pkg; do
	name=${pkg%%:*}
	if [ -f "/usr/share/doc/$name/copyright" ]; then
		install -D -m 0644 "/usr/share/doc/$name/copyright" "$root/usr/share/doc/$name/copyright"
	fi
done

install -d -m 0755 "$root/etc/vigil/rules.d"
install -m 0644 "$src"/rules/*.yaml "$root/etc/vigil/rules.d/"
if [ -f "$src/etc/vigil.yaml" ]; then
	install -m 0644 "$src/etc/vigil.yaml" "$root/etc/vigil/vigil.yaml"
fi

# Mount points for what the host lends at run time, the root file system
# being read-only.
install -d -m 0755 "$root/run/systemd/journal" "$root/sys" "$root/proc" "$root/dev"
install -d -m 1777 "$root/tmp"

"$here/sbom.sh" "$root" "$work/packages" "$version" >"$work/sbom.json"
install -D -m 0644 "$work/sbom.json" "$root/usr/share/doc/vigil/sbom.spdx.json"
