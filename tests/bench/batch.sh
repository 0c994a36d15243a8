#!/bin/bash
# Batch provisioning on this machine's kvm-pvm: the time from `xlc create
# DIR` until all N kit guests are running (the command returns only then),
# for N = 10, 50 and 100, five runs each; and the same N guests started by
# N sequential `xlc create` commands, for comparison. Prints a markdown table.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
. "${HERE}/lib.sh"
RUNS=${RUNS:-5}
kit_bench batch
trap '"${XLC}" destroy -a -f >/dev/null 2>&1; rm -rf "${work}"' EXIT

make_fleet() { # N
	rm -rf "${work}/fleet" && mkdir -p "${work}/fleet"
	for i in $(seq -w 1 "$1"); do
		printf 'name = "b%s"\nmemory = 16\nkernel = "%s/hello.bzImage"\ncmdline = "kit.end=halt"\n' \
			"$i" "${KIT}" >"${work}/fleet/b$i.cfg"
	done
}

echo "## Batch create on kvm-pvm ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(machine). ${RUNS} runs each; median [min-max] seconds until all guests run."
echo
echo "| guests | xlc create DIR (parallel) | per guest | N x xlc create (sequential) |"
echo "|---|---|---|---|"
for n in 10 50 100; do
	make_fleet "$n"
	: >"${work}/batch.$n" && : >"${work}/seq.$n"
	for r in $(seq "${RUNS}"); do
		t0=$(now)
		"${XLC}" create "${work}/fleet" >/dev/null 2>&1
		t1=$(now)
		running=$("${XLC}" list | tail -n +2 | wc -l)
		[ "${running}" -eq "$n" ] || echo "warning: $running of $n running" >&2
		awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"${work}/batch.$n"
		"${XLC}" destroy -a -f >/dev/null 2>&1
		t0=$(now)
		for f in "${work}"/fleet/*.cfg; do "${XLC}" create -q "$f" >/dev/null 2>&1; done
		t1=$(now)
		awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"${work}/seq.$n"
		"${XLC}" destroy -a -f >/dev/null 2>&1
	done
	per=$(awk -v m="$(median "${work}/batch.$n")" -v n="$n" 'BEGIN { print m / n * 1000 }')
	printf '| %d | %s | %.1f ms | %s |\n' "$n" "$(stats "${work}/batch.$n")" "${per}" \
		"$(stats "${work}/seq.$n")"
	[ -n "${BENCH_OUT:-}" ] && echo "$n $(median "${work}/batch.$n") $(median "${work}/seq.$n")" \
		>>"${BENCH_OUT}/batch.dat"
done
