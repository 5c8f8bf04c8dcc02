# Sourced by bench/run.sh: vigild's peak RSS while it tracks many running
# containers. Sets containers_count, containers_rss_mib (peak),
# containers_rss_now_mib (at the end), containers_drops and
# containers_procs (processes vigild tracked, the machine's others included).

containers_ids=

containers_cleanup() {
	[ -n "$containers_ids" ] && [ -s "$containers_ids" ] &&
		xargs podman rm -f -t 0 <"$containers_ids" >/dev/null 2>&1
	containers_ids=
}

containers_rss() {
	local n=$1 image=${VIGIL_TEST_IMAGE:-localhost/vigil-test:1}

	containers_ids="$work/containers"
	: >"$containers_ids"
	tracer_start vigild
	# Each one starts a program in a cgroup of its own, then sleeps: vigild
	# sees the exec and attributes it, and its resolver reads the metadata.
	# A container that fails to start is not counted, and does not stop the rest.
	seq "$n" | xargs -P 4 -I{} podman run -d --pull=never --network=none "$image" \
		sh -c 'cat /etc/hostname >/dev/null; exec sleep 600' >>"$containers_ids" || true
	containers_count=$(grep -c . "$containers_ids" || true)
	sleep 2 # the resolver catches up
	tracer_stop
	containers_rss_mib=$(awk -v k="$t_rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
	containers_rss_now_mib=$(awk -v k="$t_rss_now_kb" 'BEGIN { printf "%.1f", k / 1024 }')
	containers_drops=$t_drops
	containers_procs=$t_procs
	containers_cleanup
}
