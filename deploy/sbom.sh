#!/bin/sh
# Prints an SPDX 2.3 JSON SBOM of the runtime image laid out under ROOTFS:
# vigil at the version vigild reports, and every Debian package a file of the
# image comes from, at its exact installed version, with a package URL.
# PACKAGES has one line per library: "PATH PACKAGE:ARCH VERSION".
#   deploy/sbom.sh ROOTFS PACKAGES VIGIL_VERSION > sbom.spdx.json
# SOURCE_DATE_EPOCH, when set, is the creation time (reproducible builds).
set -eu

root=$1
packages=$2
version=$3
[ -n "$version" ] || { echo "sbom.sh: no vigil version" >&2; exit 1; }
sha=$(sha256sum "$root/usr/sbin/vigild" | cut -c1-64)
distro=debian-$(. /etc/os-release && echo "$VERSION_ID")
created=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)

# An SPDX id from a package name: letters, digits, '.' and '-' only.
spdx_id() {
	printf '%s' "$1" | tr -c 'A-Za-z0-9.-' '-'
}

# A package URL component: the characters a Debian version may hold that a
# purl must escape.
purl_escape() {
	printf '%s' "$1" | sed -e 's/%/%25/g' -e 's/:/%3A/g' -e 's/+/%2B/g'
}

file_entry() {
	printf '    {"fileName": "./%s", "SPDXID": "SPDXRef-File-%s",\n' "$1" "$2"
	printf '     "checksums": [{"algorithm": "SHA1", "checksumValue": "%s"},\n' \
		"$(sha1sum "$root/$1" | cut -c1-40)"
	printf '                   {"algorithm": "SHA256", "checksumValue": "%s"}],\n' \
		"$(sha256sum "$root/$1" | cut -c1-64)"
	printf '     "licenseConcluded": "NOASSERTION", "copyrightText": "NOASSERTION"}'
}

sep() {
	if [ "$first" = 1 ]; then first=0; else printf ',\n'; fi
}

cat <<JSON
{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "vigil-image-$version",
  "documentNamespace": "urn:vigil:image:$version:$sha",
  "creationInfo": {"created": "$created", "creators": ["Tool: vigil deploy/sbom.sh"]},
  "documentDescribes": ["SPDXRef-Package-vigil"],
  "packages": [
    {"name": "vigil", "SPDXID": "SPDXRef-Package-vigil", "versionInfo": "$version",
     "primaryPackagePurpose": "APPLICATION", "supplier": "NOASSERTION",
     "downloadLocation": "NOASSERTION", "filesAnalyzed": false,
     "licenseConcluded": "GPL-2.0-only", "licenseDeclared": "GPL-2.0-only",
     "copyrightText": "NOASSERTION"}
JSON
cut -d' ' -f2- "$packages" | sort -u | while read -r pkg ver; do
	name=${pkg%%:*}
	arch=${pkg#*:}
	[ "$arch" = "$pkg" ] && arch=$(dpkg --print-architecture)
	printf '    ,{"name": "%s", "SPDXID": "SPDXRef-Package-deb-%s", "versionInfo": "%s",\n' \
		"$name" "$(spdx_id "$name")" "$ver"
	printf '     "primaryPackagePurpose": "LIBRARY", "supplier": "Organization: Debian",\n'
	printf '     "downloadLocation": "NOASSERTION", "filesAnalyzed": false,\n'
	printf '     "licenseConcluded": "NOASSERTION", "licenseDeclared": "NOASSERTION",\n'
	printf '     "copyrightText": "NOASSERTION",\n'
	printf '     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",\n'
	printf '       "referenceLocator": "pkg:deb/debian/%s@%s?arch=%s&distro=%s"}]}\n' \
		"$name" "$(purl_escape "$ver")" "$arch" "$distro"
done
printf '  ],\n  "files": [\n'

# Every file of the image but the SBOM itself, numbered in path order.
(cd "$root" && find . -type f ! -path ./usr/share/doc/vigil/sbom.spdx.json | sed 's|^\./||' |
	sort) >"$packages.files"
first=1
n=0
while read -r f; do
	n=$((n + 1))
	sep
	file_entry "$f" "$n"
done <"$packages.files"
printf '\n  ],\n  "relationships": [\n'
printf '    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",\n'
printf '     "relatedSpdxElement": "SPDXRef-Package-vigil"}'
cut -d' ' -f2 "$packages" | sort -u | while read -r pkg; do
	printf ',\n    {"spdxElementId": "SPDXRef-Package-vigil", "relationshipType": "DEPENDS_ON",\n'
	printf '     "relatedSpdxElement": "SPDXRef-Package-deb-%s"}' "$(spdx_id "${pkg%%:*}")"
done
n=0
while read -r f; do
	n=$((n + 1))
	# A library belongs to its Debian package, a copyright file to the
	# package it describes, everything else to vigil.
	pkg=$(awk -v p="/$f" '$1 == p { print $2 }' "$packages")
	case $f in
	usr/share/doc/*/copyright)
		pkg=${f#usr/share/doc/}
		pkg=${pkg%/copyright}
		;;
	esac
	if [ -n "$pkg" ]; then
		owner=SPDXRef-Package-deb-$(spdx_id "${pkg%%:*}")
	else
		owner=SPDXRef-Package-vigil
	fi
	printf ',\n    {"spdxElementId": "%s", "relationshipType": "CONTAINS",\n' "$owner"
	printf '     "relatedSpdxElement": "SPDXRef-File-%s"}' "$n"
done <"$packages.files"
rm -f "$packages.files"
printf '\n  ]\n}\n'
