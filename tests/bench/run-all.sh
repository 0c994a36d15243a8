#!/bin/bash
# Runs every benchmark and writes tests/bench/results/README.md (the tables)
# with a plot per benchmark beside it. `make bench`. Nothing here fails a
# build: a benchmark that cannot run says so in the table's place.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
OUT=${BENCH_RESULTS:-${HERE}/results}
mkdir -p "${OUT}"
rm -f "${OUT}"/*.dat
export BENCH_OUT="${OUT}"
start=$(date +%s)
{
	echo "# xlc benchmarks"
	echo
	echo "Written by \`make bench\` (tests/bench/run-all.sh) on $(date -u '+%Y-%m-%d %H:%M UTC')."
	for b in floor memory control batch scale linux-boot io; do
		echo
		echo "Running ${b}..." >&2
		"${HERE}/${b}.sh" || echo "(${b} could not run: see the output above)"
		echo
	done
} >"${OUT}/README.md.tmp"
if command -v gnuplot >/dev/null; then
	gnuplot -e "out='${OUT}'" "${HERE}/plots.gp" 2>"${OUT}/gnuplot.log" &&
		printf '\n## Plots\n\n![floor](floor.png) ![memory](memory.png)\n![boot](boot.png) ![io](io.png)\n![control](control.png) ![batch](batch.png)\n' \
			>>"${OUT}/README.md.tmp"
fi
echo "All benchmarks took $(($(date +%s) - start)) s." >>"${OUT}/README.md.tmp"
mv "${OUT}/README.md.tmp" "${OUT}/README.md"
echo "wrote ${OUT}/README.md"
