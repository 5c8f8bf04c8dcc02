#!/usr/bin/env bash
# Builds vigil's container image with buildah, and refreshes the base image
# pin of deploy/Containerfile.
#   deploy/image.sh build IMAGE [SBOM_OUT]  build IMAGE; copy its SBOM to SBOM_OUT
#   deploy/image.sh pins                    re-resolve the pinned base's tag
# Environment:
#   BUILD_IMAGE   the build stage's base: unset, the pinned digest when a
#                 registry answers, else localhost/vigil-debian:bookworm made
#                 here with mmdebstrap; or any image name
#   DEB_BUILD     Debian packages the build stage installs (the Makefile's)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
containerfile=$here/Containerfile
LOCAL_BASE=localhost/vigil-debian:bookworm
SUITE=bookworm

pinned() {
	sed -n 's/^ARG BUILD_IMAGE=//p' "$containerfile"
}

# A Debian base like the registry's bookworm-slim, made from Debian's archive.
local_base() {
	if podman image exists "$LOCAL_BASE"; then
		return 0
	fi
	command -v mmdebstrap >/dev/null || {
		echo "no registry and no mmdebstrap: apt-get install mmdebstrap" >&2
		return 1
	}
	local tar
	tar=$(mktemp /tmp/vigil-debian.XXXXXX.tar)
	echo "building $LOCAL_BASE with mmdebstrap (Debian $SUITE)"
	mmdebstrap --quiet --variant=apt --mode=root --format=tar "$SUITE" "$tar"
	podman import -q "$tar" "$LOCAL_BASE" >/dev/null
	rm -f "$tar"
}

# The pinned base when it is here or a registry gives it; the local one otherwise.
choose_base() {
	local pin
	pin=$(pinned)
	if [ -n "${BUILD_IMAGE:-}" ]; then
		echo "$BUILD_IMAGE"
	elif podman image exists "$pin" ||
		timeout 60 podman pull -q "$pin" >/dev/null 2>&1; then
		echo "$pin"
	else
		echo "no registry reachable for $pin: using $LOCAL_BASE" >&2
		local_base >&2
		echo "$LOCAL_BASE"
	fi
}

build() {
	local image=$1 sbom_out=${2:-} base version epoch ctr
	base=$(choose_base)
	version=$(sed -n 's/^#define VIGIL_VERSION "\(.*\)"/\1/p' "$top/daemon/vigil.h")
	epoch=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)
	local args=(--build-arg "BUILD_IMAGE=$base")
	if [ -n "${DEB_BUILD:-}" ]; then
		args+=(--build-arg "DEB_BUILD=$DEB_BUILD")
	fi
	buildah bud --isolation chroot --layers --quiet \
		--ignorefile "$here/containerignore" "${args[@]}" \
		--build-arg "VIGIL_VERSION=$version" \
		--build-arg "SOURCE_DATE_EPOCH=$epoch" \
		-f "$containerfile" -t "$image" "$top" >/dev/null
	echo "built $image (build stage on $base)"
	if [ -n "$sbom_out" ]; then
		ctr=$(podman create -q "$image")
		podman cp "$ctr:/usr/share/doc/vigil/sbom.spdx.json" "$sbom_out"
		podman rm -f "$ctr" >/dev/null
		echo "SBOM: $sbom_out"
	fi
}

# Resolves the pinned reference's tag to the digest a registry serves now
# (the multi-architecture index, so that every node's architecture matches).
pins() {
	local pin ref digest
	pin=$(pinned)
	ref=${pin%@*}
	if command -v skopeo >/dev/null; then
		digest=$(skopeo inspect --raw "docker://$ref" | sha256sum | cut -d' ' -f1)
		digest=sha256:$digest
	else
		digest=$(podman manifest inspect "$ref" >/dev/null &&
			podman pull -q "$ref" >/dev/null &&
			podman image inspect --format '{{.Digest}}' "$ref")
	fi
	if [ -z "$digest" ] || [ "$digest" = "sha256:" ]; then
		echo "cannot resolve $ref: is a registry reachable?" >&2
		return 1
	fi
	sed -i "s|^ARG BUILD_IMAGE=.*|ARG BUILD_IMAGE=$ref@$digest|" "$containerfile"
	echo "pinned $ref@$digest"
}

case "${1:-}" in
build)
	shift
	build "$@"
	;;
pins) pins ;;
*)
	echo "usage: $0 build IMAGE [SBOM_OUT] | pins" >&2
	exit 2
	;;
esac
