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
