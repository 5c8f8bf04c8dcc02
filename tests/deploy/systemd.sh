#!/usr/bin/env bash
# The systemd unit: its exposure as systemd-analyze rates it, `make install`,
# and the unit run for real by systemd (as PID 1 of a podman container made
# from Debian with mmdebstrap), with every setting of its sandbox in force.
# Run as root: tests/deploy/systemd.sh build/vigild
set -uo pipefail
. "$(dirname "$0")/lib.sh"

VIGILD=$(realpath "${1:-$top/build/vigild}")
OUT_DIR=$(dirname "$VIGILD")
unit=$top/systemd/vigild.service
name=vigil-systemd-$$
work=$(mktemp -d /tmp/vigil-systemd.XXXXXX)

cleanup() {
	podman rm -f -t 0 "$name" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

# 1. Exposure.
exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null |
	sed -n 's/.*Overall exposure level for vigild.service: \([0-9.]*\).*/\1/p')
check "exposure ${exposure:-?} is at most 3.0" \
	awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 3.0) }'

# 2. make install, into DESTDIR and into a prefix.
inst=$work/inst
make -C "$top" --no-print-directory install DESTDIR="$inst" prefix=/usr OUT="$OUT_DIR" \
	>"$work/install.log" 2>&1 || cat "$work/install.log"
for f in usr/sbin/vigild etc/vigil/rules.d/vigil_rules.yaml usr/lib/systemd/system/vigild.service; do
	check "installed $f" test -s "$inst/$f"
done
if [ -f "$top/etc/vigil.yaml" ]; then
	check "installed the config" cmp -s "$top/etc/vigil.yaml" "$inst/etc/vigil/vigil.yaml"
	echo "# edited" >>"$inst/etc/vigil/vigil.yaml"
	make -C "$top" --no-print-directory install DESTDIR="$inst" prefix=/usr OUT="$OUT_DIR" \
		>/dev/null 2>&1
	check "a reinstall keeps the edited config" grep -q "# edited" "$inst/etc/vigil/vigil.yaml"
fi
if [ -f "$top/systemd/vigil.catalog" ]; then
	check "installed the catalog" test -s "$inst/usr/lib/systemd/catalog/vigil.catalog"
fi
expect "the unit's ExecStart" "$(grep ^ExecStart= "$inst/usr/lib/systemd/system/vigild.service")" \
	"ExecStart=/usr/sbin/vigild"
make -C "$top" --no-print-directory install prefix="$work/p/usr" sysconfdir="$work/p/etc" \
	OUT="$OUT_DIR" >/dev/null 2>&1
check "systemd-analyze verify accepts the unit installed elsewhere" \
	systemd-analyze verify --man=no "$work/p/usr/lib/systemd/system/vigild.service"
check "that unit names the config and rules there" \
	grep -q "^ExecStart=$work/p/usr/sbin/vigild -c $work/p/etc/vigil/vigil.yaml -r $work/p/etc/vigil/rules.d$" \
	"$work/p/usr/lib/systemd/system/vigild.service"

# 3. The unit under systemd. The container image holds systemd and the
# Debian packages of vigild's libraries, tagged by their list; procps for the
# unit's ExecReload (/bin/kill).
"$top/tests/setup-host.sh" podman >/dev/null || exit 1
command -v mmdebstrap >/dev/null || "$top/tests/setup-host.sh" deps mmdebstrap || exit 1
pkgs=$(ldd "$VIGILD" | awk '$3 ~ /^\// { print $3 }' | while read -r lib; do
	dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib"
done | sed 's/:.*//' | sort -u | tr '\n' ',')
pkgs="systemd,systemd-sysv,procps,$pkgs"
sdimage=localhost/vigil-systemd:$(printf '%s' "$pkgs" | sha256sum | cut -c1-12)
if ! podman image exists "$sdimage"; then
	echo "building $sdimage (mmdebstrap, about a minute)"
	mmdebstrap --quiet --variant=apt --mode=root --format=tar \
		--include="${pkgs%,}" bookworm "$work/sd.tar" &&
		podman import -q "$work/sd.tar" "$sdimage" >/dev/null
	rm -f "$work/sd.tar"
fi
podman run -d --name "$name" --privileged --systemd=always --network=none \
	-v "$inst/usr/sbin/vigild:/usr/sbin/vigild:ro" \
	-v "$inst/etc/vigil:/etc/vigil:ro" \
	-v "$inst/usr/lib/systemd/system/vigild.service:/etc/systemd/system/vigild.service:ro" \
	"$sdimage" /sbin/init >/dev/null
in_sd() { podman exec "$name" "$@"; }
for _ in $(seq 100); do
	state=$(in_sd systemctl is-system-running 2>/dev/null)
	case $state in running | degraded) break ;; esac
	sleep 0.2
done
check "systemd boots in the container ($state)" test "$state" = running -o "$state" = degraded
check "systemctl start vigild (Type=notify: returns once READY=1)" in_sd systemctl start vigild
expect "state" "$(in_sd systemctl show -p ActiveState -p SubState --value vigild | tr '\n' ' ')" \
	"active running "
expect "status from sd_notify" "$(in_sd systemctl show -p StatusText --value vigild)" \
	"watching: $(grep -c '^- rule:' "$top"/rules/*.yaml | awk -F: '{ s += $NF } END { print s }') rules"
expect "watchdog" "$(in_sd systemctl show -p WatchdogUSec --value vigild)" 30s
pid=$(in_sd systemctl show -p MainPID --value vigild)
# The same process from the host.
hpid=$(podman top "$name" hpid args | awk '$2 == "/usr/sbin/vigild" { print $1 }')
expect "every thread's capabilities once attached (eff prm amb)" \
	"$(every_thread_caps "$hpid" | sort -u)" "0000000000000000 0000000000000000 0000000000000000 "
expect "bounding set: CAP_BPF and CAP_PERFMON" "$(status_field "$hpid" CapBnd)" 000000c000000000
expect "no_new_privs" "$(status_field "$hpid" NoNewPrivs)" 1
expect "seccomp filter" "$(status_field "$hpid" Seccomp)" 2
in_sd sh -c 'cat /etc/shadow >/dev/null'
alert=
for _ in $(seq 100); do
	alert=$(in_sd journalctl -o json --no-pager _PID="$pid" VIGIL_FD_NAME=/etc/shadow | head -n 1)
	[ -n "$alert" ] && break
	sleep 0.1
done
expect "alert in the journal" "$(jq -r .VIGIL_RULE <<<"$alert" 2>/dev/null)" \
	"Read sensitive file untrusted"
check "systemctl reload vigild" in_sd systemctl reload vigild
sleep 1
expect "still running after the reload" "$(in_sd systemctl is-active vigild)" active
check "the reload reloaded the rules" \
	sh -c "podman exec $name journalctl --no-pager -u vigild | grep -q 'reloading rules'"
check "systemctl stop vigild" in_sd systemctl stop vigild
expect "stopped cleanly" "$(in_sd systemctl show -p Result --value vigild)" success

finish
