#!/usr/bin/env bash
# The image: built with `make image`, runs vigild as uid 65534 from a root
# file system with no shell and no other program, carries an SBOM naming the
# exact Debian version of every library in it, and holds no credentials.
# Run as root: tests/deploy/image.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d /tmp/vigil-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
if ! make -C "$top" --no-print-directory image IMAGE="$IMAGE" OUT="$work/out" >"$work/build.log" 2>&1; then
	cat "$work/build.log"
	fail "make image"
	finish
	exit
fi
pass "make image ($(($(date +%s) - start)) s)"

# Configuration.
expect "runs as" "$(podman image inspect -f '{{.Config.User}}' "$IMAGE")" "65534:65534"
expect "entrypoint" "$(podman image inspect -f '{{json .Config.Entrypoint}}' "$IMAGE")" \
	'["/usr/sbin/vigild"]'

# Files: the root file system as a container sees it.
ctr=$(podman create -q "$IMAGE")
podman export "$ctr" -o "$work/fs.tar"
podman rm -f "$ctr" >/dev/null
mkdir "$work/fs"
tar -C "$work/fs" -xf "$work/fs.tar"
programs=$(cd "$work/fs" && find . -type f -perm /111 | sort | tr '\n' ' ')
expect "the only programs" "$programs" \
	"./lib/x86_64-linux-gnu/libc.so.6 ./lib64/ld-linux-x86-64.so.2 ./usr/sbin/vigild "
shells=$(cd "$work/fs" && find . \( -name sh -o -name bash -o -name dash -o -name busybox \
	-o -name 'apt*' -o -name dpkg \) | tr '\n' ' ')
expect "no shell, no package manager" "$shells" ""
mnt=$(podman image mount "$IMAGE")
expect "vigild's file capabilities" "$(getcap "$mnt/usr/sbin/vigild" | awk '{ print $2 }')" \
	"cap_perfmon,cap_bpf=ep"
podman image umount "$IMAGE" >/dev/null
check "default rules in the image" test -s "$work/fs/etc/vigil/rules.d/vigil_rules.yaml"

# The SBOM: the same in the image and beside it; every file of the image in
# it with its checksum; every library owned by a Debian package at a version.
sbom=$work/fs/usr/share/doc/vigil/sbom.spdx.json
check "SBOM copied out by make image" cmp -s "$sbom" "$work/out/sbom.spdx.json"
check "SBOM is SPDX 2.3 JSON" test "$(jq -r .spdxVersion "$sbom" 2>/dev/null)" = SPDX-2.3
version=$(sed -n 's/^#define VIGIL_VERSION "\(.*\)"/\1/p' "$top/daemon/vigil.h")
expect "SBOM: vigil's version" \
	"$(jq -r '.packages[] | select(.name == "vigil") | .versionInfo' "$sbom")" "$version"
missing=
(cd "$work/fs" && find . -type f ! -path ./usr/share/doc/vigil/sbom.spdx.json | sed 's|^\./||') |
	sort >"$work/files"
while read -r f; do
	sum=$(sha256sum "$work/fs/$f" | cut -c1-64)
	got=$(jq -r --arg n "./$f" '.files[] | select(.fileName == $n) | .checksums[] |
		select(.algorithm == "SHA256") | .checksumValue' "$sbom")
	[ "$got" = "$sum" ] || missing="$missing $f"
done <"$work/files"
expect "SBOM: every file with its SHA256" "$missing" ""
unowned=
while read -r f; do
	case $f in
	lib/* | lib64/*) ;;
	*) continue ;;
	esac
	# The package that CONTAINS the file, its version and its package URL.
	id=$(jq -r --arg n "./$f" '.files[] | select(.fileName == $n) | .SPDXID' "$sbom")
	pkg=$(jq -r --arg id "$id" '.relationships[] | select(.relationshipType == "CONTAINS" and
		.relatedSpdxElement == $id) | .spdxElementId' "$sbom")
	line=$(jq -r --arg p "$pkg" '.packages[] | select(.SPDXID == $p) |
		"\(.name) \(.versionInfo) \(.externalRefs[0].referenceLocator)"' "$sbom")
	read -r name ver purl <<<"$line"
	case $purl in
	"pkg:deb/debian/$name@"*) ;;
	*) unowned="$unowned $f" ;;
	esac
	[ -n "$ver" ] && [ "$ver" != NOASSERTION ] || unowned="$unowned $f"
done <"$work/files"
expect "SBOM: every library in a Debian package, with version and purl" "$unowned" ""
expect "SBOM: a copyright file for every Debian package" \
	"$(jq -r '.packages[] | select(.name != "vigil") | .name' "$sbom" | while read -r p; do
		[ -f "$work/fs/usr/share/doc/$p/copyright" ] || echo "$p"; done)" ""

# No credentials in any layer, nor in the image's configuration (environment,
# labels, history). The patterns are tried on planted secrets first.
scan() {
	local dir=$1 p
	while IFS= read -r p; do
		[ -n "$p" ] && grep -aPzl -r -e "$p" "$dir" 2>/dev/null
	done <"$here/secrets.patterns" | sed "s|^$dir/||" | sort -u
	(cd "$dir" && find . \( -name 'id_rsa*' -o -name 'id_ed25519*' -o -name 'id_ecdsa*' \
		-o -name '*.pem' -o -name '*.key' -o -name '*.p12' -o -name .netrc \
		-o -name .git-credentials -o -name .npmrc -o -name .pypirc -o -name .dockercfg \
		-o -name kubeconfig -o -name 'credentials*' \) | sed 's|^\./||')
}
here=$top/tests/deploy
mkdir -p "$work/plant/root/.ssh"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----\n' \
	b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW >"$work/plant/k"
printf 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n' >"$work/plant/env"
printf '{"auths":{"r.example":{"auth":"dXNlcjpwYXNzd29yZA=="}}}' >"$work/plant/config.json"
printf 'x ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ y\n' >"$work/plant/gh"
: >"$work/plant/root/.ssh/id_rsa"
expect "the scan finds planted secrets" "$(scan "$work/plant" | tr '\n' ' ')" \
	"config.json env gh k root/.ssh/id_rsa "

podman save -q --format docker-archive -o "$work/image.tar" "$IMAGE"
mkdir "$work/archive"
tar -C "$work/archive" -xf "$work/image.tar"
findings=
layers=0
for layer in $(jq -r '.[0].Layers[]' "$work/archive/manifest.json"); do
	layers=$((layers + 1))
	rm -rf "$work/layer"
	mkdir "$work/layer"
	tar -C "$work/layer" -xf "$work/archive/$layer"
	while read -r f; do
		[ -z "$f" ] && continue
		grep -q "^$f	" "$here/secrets.allow" || findings="$findings $layer:$f"
	done <<<"$(scan "$work/layer")"
done
expect "no credentials in the $layers layer(s)" "$findings" ""
podman image inspect "$IMAGE" | jq '.[0] | {Config, History, Labels, Annotations}' \
	>"$work/config.json"
mkdir "$work/config"
mv "$work/config.json" "$work/config/"
expect "no credentials in the image configuration" "$(scan "$work/config")" ""

finish
