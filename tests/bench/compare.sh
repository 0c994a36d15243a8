#!/bin/bash
# compare.sh OLD NEW: two results folders of `make bench` (their .dat files,
# one row per label, numbers after it) side by side: for every label and
# column both have, OLD's figure, NEW's and the ratio NEW / OLD. Whether a
# ratio above 1 is better depends on the column (times: worse; rates: better);
# the .dat file's benchmark says which. `make bench-compare OLD=... NEW=...`.
set -u
[ $# -eq 2 ] && [ -d "$1" ] && [ -d "$2" ] || { echo "usage: $0 OLD-results-dir NEW-results-dir" >&2; exit 2; }
found=0
for new in "$2"/*.dat; do
	[ -e "${new}" ] || continue
	old="$1/$(basename "${new}")"
	[ -f "${old}" ] || { echo "# $(basename "${new}"): only in $2"; continue; }
	found=1
	echo "# $(basename "${new}" .dat)"
	awk 'NR == FNR { for (i = 2; i <= NF; i++) o[$1, i] = $i; next }
		{ line = $1
		  for (i = 2; i <= NF; i++) {
			if (!(($1, i) in o)) { line = line "  " $i " (new)"; continue }
			r = (o[$1, i] + 0 != 0) ? sprintf("%.2fx", $i / o[$1, i]) : "-"
			line = line "  " o[$1, i] " -> " $i " " r }
		  print line }' "${old}" "${new}"
done
[ "${found}" -eq 1 ] || { echo "no benchmark in both $1 and $2" >&2; exit 1; }
