#!/bin/bash
# The control plane on this machine's kvm-pvm: how long `xlc list`,
# `xlc list --json` and `xlc top -b -i 1` take with 1, 10, 50 and 100 kit
# guests running (each VMM answers over its control socket). 11 runs each.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
. "${HERE}/lib.sh"
RUNS=${RUNS:-11}
kit_bench control
trap '"${XLC}" destroy -a -f >/dev/null 2>&1; rm -rf "${work}"' EXIT
mkdir -p "${work}/fleet"

timeit() { # FILE CMD...: appends the command's wall time in ms
	local f=$1 t0 t1
	shift
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) * 1000 }' >>"$f"
}

echo "## Control plane on kvm-pvm ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(machine). ${RUNS} runs each; median [min-max] milliseconds."
echo
echo "| guests | xlc list | xlc list --json | xlc top -b -i 1 |"
echo "|---|---|---|---|"
have=0
for n in 1 10 50 100; do
	while [ "${have}" -lt "$n" ]; do
		have=$((have + 1))
		printf 'name = "c%03d"\nmemory = 16\nkernel = "%s/hello.bzImage"\ncmdline = "kit.end=halt"\n' \
			"${have}" "${KIT}" >"${work}/fleet/c${have}.cfg"
	done
	"${XLC}" create "${work}/fleet" >/dev/null 2>&1
	: >"${work}/l" && : >"${work}/j" && : >"${work}/t"
	for r in $(seq "${RUNS}"); do
		timeit "${work}/l" "${XLC}" list
		timeit "${work}/j" "${XLC}" list --json
		timeit "${work}/t" "${XLC}" top -b -i 1
	done
	printf '| %d | %s | %s | %s |\n' "$n" "$(stats "${work}/l")" "$(stats "${work}/j")" \
		"$(stats "${work}/t")"
	[ -n "${BENCH_OUT:-}" ] && echo "$n $(median "${work}/l") $(median "${work}/j") $(median "${work}/t")" \
		>>"${BENCH_OUT}/control.dat"
	# The next row adds guests to these: a batch only creates names not running yet.
	mkdir -p "${work}/old" && mv "${work}"/fleet/*.cfg "${work}/old/"
done
