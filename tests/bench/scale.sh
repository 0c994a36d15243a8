#!/bin/bash
# Scale on this machine's kvm-pvm: SCALE_N (500) kit guests. `xlc create DIR`
# until all run, then `xlc list`, `xlc list --json` and `xlc top -b -i 1`
# with all of them running, and `xlc destroy -a -f`; RUNS (3) rounds, each
# timed; median [min-max]. Then what idle guests cost: 100 halted guests,
# the host CPU time their processes (supervisor and guest process, all
# threads) use over IDLE_SECONDS (60); and the VMM memory overhead per guest
# (RSS and PSS beyond guest RAM) with 1, 100 and SCALE_N guests, which should
# stay flat. Prints a markdown table; writes scale.dat when BENCH_OUT is set.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
. "${HERE}/lib.sh"
RUNS=${RUNS:-3}
N=${SCALE_N:-500}
IDLE_SECONDS=${IDLE_SECONDS:-60}
kit_bench scale
trap '"${XLC}" destroy -a -f >/dev/null 2>&1; rm -rf "${work}"' EXIT

fleet() { # N DIR: N halted kit guests of 16 MiB
	rm -rf "$2" && mkdir -p "$2"
	for i in $(seq -w 1 "$1"); do
		printf 'name = "s%s"\nmemory = 16\nkernel = "%s/hello.bzImage"\ncmdline = "kit.end=halt"\n' \
			"$i" "${KIT}" >"$2/s$i.cfg"
	done
}

timeit() { # FILE CMD...: appends the command's wall time in seconds
	local f=$1 t0 t1
	shift
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$f"
}

running() { "${XLC}" list | tail -n +2 | wc -l; }

# Every process of every guest: each VMM's supervisor and guest process.
guest_pids() { "${XLC}" list --json | jq -r '.[] | select(.domid != 0) | .pid, .vmm_pid' | grep -v null; }

# CPU ticks (utime + stime, all threads) of the given PIDs, summed.
cpu_ticks() { # PID...
	local p sum=0 t
	for p in "$@"; do
		t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
		sum=$((sum + ${t:-0}))
	done
	echo "${sum}"
}

# Overhead in KiB per guest: RSS and PSS of each guest's processes minus
# those of its 16 MiB guest-RAM mapping (memory.sh explains the measure).
overhead() { # -> "rss_kib pss_kib" per guest
	local p
	for p in $(guest_pids); do
		awk '/^[0-9a-f]+-[0-9a-f]+ / { ram = 0 } /^Size:/ { ram = ($2 == 16384) }
			/^Rss:/ { if (!ram) r += $2 } /^Pss:/ { if (!ram) s += $2 }
			END { print r + 0, s + 0 }' "/proc/$p/smaps" 2>/dev/null
	done | awk -v n="$(running)" '{ r += $1; s += $2 } END { printf "%.0f %.0f\n", r / n, s / n }'
}

fleet "${N}" "${work}/fleet"
for f in create list json top destroy; do : >"${work}/${f}"; done
for r in $(seq "${RUNS}"); do
	timeit "${work}/create" "${XLC}" create "${work}/fleet"
	have=$(running)
	[ "${have}" -eq "${N}" ] || echo "warning: ${have} of ${N} running" >&2
	timeit "${work}/list" "${XLC}" list
	timeit "${work}/json" "${XLC}" list --json
	timeit "${work}/top" "${XLC}" top -b -i 1
	[ "$r" -eq "${RUNS}" ] && read -r rss_n pss_n < <(overhead)
	timeit "${work}/destroy" "${XLC}" destroy -a -f
done

fleet 1 "${work}/one"
"${XLC}" create "${work}/one" >/dev/null 2>&1
read -r rss_1 pss_1 < <(overhead)
"${XLC}" destroy -a -f >/dev/null 2>&1
fleet 100 "${work}/idle"
"${XLC}" create "${work}/idle" >/dev/null 2>&1
idle_guests=$(running)
read -r rss_100 pss_100 < <(overhead)
sleep 2 # past the guests' boot: they halt at once
mapfile -t pids < <(guest_pids)
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "${pids[@]}")
sleep "${IDLE_SECONDS}"
t1=$(cpu_ticks "${pids[@]}")
"${XLC}" destroy -a -f >/dev/null 2>&1
idle_ms=$(awk -v a="$t0" -v b="$t1" -v hz="${hz}" 'BEGIN { printf "%.0f", (b - a) * 1000 / hz }')

echo "## Scale on kvm-pvm ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(machine). ${N} kit guests (\`hello\`, 16 MiB, halted after boot), ${RUNS} rounds;"
echo "median [min-max] seconds. \`create\` returns when every guest runs."
echo
echo "| guests | xlc create DIR | xlc list | xlc list --json | xlc top -b -i 1 | xlc destroy -a -f |"
echo "|---|---|---|---|---|---|"
echo "| ${N} | $(stats "${work}/create") | $(stats "${work}/list") | $(stats "${work}/json") | $(stats "${work}/top") | $(stats "${work}/destroy") |"
echo
echo "Idle cost: ${idle_guests} halted guests (${#pids[@]} processes) used ${idle_ms} ms of host CPU in ${IDLE_SECONDS} s, all their threads together."
echo
echo "| guests | VMM RSS per guest beyond guest RAM (KiB) | PSS per guest (KiB) |"
echo "|---|---|---|"
echo "| 1 | ${rss_1} | ${pss_1} |"
echo "| 100 | ${rss_100} | ${pss_100} |"
echo "| ${N} | ${rss_n} | ${pss_n} |"
if [ -n "${BENCH_OUT:-}" ]; then
	{
		echo "create_s $(median "${work}/create")"
		echo "list_s $(median "${work}/list")"
		echo "list_json_s $(median "${work}/json")"
		echo "top_s $(median "${work}/top")"
		echo "destroy_s $(median "${work}/destroy")"
		echo "idle_cpu_ms ${idle_ms}"
		echo "rss_kib_1 ${rss_1}"
		echo "rss_kib_100 ${rss_100}"
		echo "rss_kib_${N} ${rss_n}"
	} >"${BENCH_OUT}/scale.dat"
fi
