# Shared by the benchmarks: medians and ranges of repeated measurements.
# Nothing here asserts: benchmarks report, they never fail a build.

# stats FILE: one number per line -> "median [min-max]" to 3 decimals.
stats() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f [%.3f-%.3f]\n", m, v[1], v[NR] }'
}

# median FILE: just the median.
median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# now: seconds since the epoch, nanosecond resolution.
now() { date +%s.%N; }

machine() {
	echo "$(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r), /dev/kvm: $( [ -c /dev/kvm ] && echo yes || echo no)"
}

# kit_bench NAME: what every kvm-pvm benchmark of kit guests starts with: the
# build's xlc and kit (unless XLC and KIT say otherwise), and a fresh work
# directory ($work) holding xlc's own run, log and config directories, so
# that a benchmark never meets the host's guests.
kit_bench() {
	XLC=${XLC:-${REPO}/build/xlc}
	KIT=${KIT:-${REPO}/build/kit}
	work=$(mktemp -d "/tmp/xlc-bench-$1.XXXXXX")
	export XLC_RUN_DIR=${work}/run XLC_LOG_DIR=${work}/log XLC_SYSCONFDIR=${work}/etc
}
