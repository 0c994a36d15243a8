#!/usr/bin/env bats
# xlc top on this machine's kvm-pvm with kit guests: xentop's batch format,
# CPU(%) of a spinning and an idle guest, disk and network counters, the
# machine-readable modes, and the ncurses screen driven through tmux.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"
HEADER='      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID'

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	truncate -s 1M "${SANDBOX}/a.img"
	cat >"${SANDBOX}/g.cfg" <<-CFG
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=halt"
	CFG
	NETNS=""
	TMUX_SOCKET=""
}

teardown() {
	if [ -n "${TMUX_SOCKET}" ]; then
		tm kill-server 2>/dev/null || true
	fi
	teardown_guests
}

xlc() { "${XLC}" "$@"; }


# The value of a column (by header name) in the row of domain $2 of the last block.
col() {
	awk -v name="$2" -v col="$3" '
		$1 == "NAME" { for (i = 1; i <= NF; i++) idx[$i] = i; next }
		$1 == name { v = $(idx[col]) }
		END { print v }' <<<"$1"
}

# top on a terminal of W columns by H lines: a tmux server of this test's own,
# so that resizing its window changes no one else's, and teardown ends it.
# Its socket is in the sandbox, which teardown removes (tmux leaves it).
# The pane stays 30 s after top quits, to be read.
start_top() {
	local width=$1 height=$2
	shift 2
	TMUX_SOCKET="${SANDBOX}/tmux.sock"
	tm new-session -d -s top -x "${width}" -y "${height}" \
		"env XLC_RUN_DIR='${XLC_RUN_DIR}' LANG=C.UTF-8 '${XLC}' top $*; sleep 30"
}
tm() { tmux -S "${TMUX_SOCKET}" "$@"; }

# The screen into $output and $lines, blank lines kept so that ${lines[i]} is
# line i; the blank lines below the last one with text are left out. A
# capture can catch top halfway through a redraw (seen on a loaded machine:
# the rows drawn, the keys' line not yet), so the screen is the one that two
# captures in a row agree on.
screen() {
	local again i
	output=$(tm capture-pane -p -t top)
	for i in $(seq 1 20); do
		sleep 0.05
		again=$(tm capture-pane -p -t top)
		[ "${again}" = "${output}" ] && break
		output=${again}
	done
	mapfile -t lines <<<"${output}"
}

# The screen once CHECK (a condition on $output and $lines) holds, or after
# 15 s: top redraws every 0.5 s, slower under ASan or load. Else it prints
# what was awaited (WHAT) and the last screen.
screen_until() {
	local check=$1 what=${2:-$1} deadline=$((SECONDS + 15))
	while [ "${SECONDS}" -lt "${deadline}" ]; do
		screen
		eval "${check}" && return 0
		sleep 0.2
	done
	echo "# never on the screen within 15 s: ${what}"
	printf '%s\n' "${output}"
	return 1
}

# True when the lines below the column header (from line 4) name these
# domains, in this order, and no other domain follows them.
rows_are() {
	local got
	got=$(printf '%s\n' "${lines[@]:4}" | awk 'length($2) == 6 && $2 ~ /^[-a-z]+$/ { print $1 }' | paste -sd' ')
	[ "${got}" = "$*" ]
}

# Line N of the screen is TEXT (line_is), or matches REGEX (line_matches);
# else both lines and the whole screen are printed.
line_is() {
	[ "${lines[$1]}" = "$2" ] && return 0
	printf '# line %s is\n#   [%s]\n# not\n#   [%s]\n' "$1" "${lines[$1]}" "$2"
	printf '%s\n' "${output}"
	return 1
}
line_matches() {
	[[ "${lines[$1]}" =~ $2 ]] && return 0
	printf '# line %s,\n#   [%s]\n# does not match %s\n' "$1" "${lines[$1]}" "$2"
	printf '%s\n' "${output}"
	return 1
}

# TEXT cut at WIDTH columns, without the blanks tmux does not print at a
# line's end.
clip() {
	local cut="${2:0:$1}"
	printf '%s' "${cut%"${cut##*[! ]}"}"
}

# The CPU time (clock ticks) of guest $1's VMM process, all its threads.
vmm_ticks() {
	local pid
	pid=$(xlc list --json | jq ".[] | select(.name == \"$1\") | .vmm_pid")
	awk '{ print $14 + $15 }' "/proc/${pid}/stat"
}

# Runs "$@" (a top) and sets REF_PCT: guest $GUEST's CPU% over that time,
# measured apart from top, from /proc. On a busy machine a spinning guest
# gets what the host scheduler gives it; top must report that, not 100 %.
measure() {
	local t0 t1 w0 w1
	t0=$(vmm_ticks "${GUEST}")
	w0=$(date +%s.%N)
	run "$@"
	t1=$(vmm_ticks "${GUEST}")
	w1=$(date +%s.%N)
	REF_PCT=$(awk -v a="${t0}" -v b="${t1}" -v x="${w0}" -v y="${w1}" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f", (b - a) / hz / (y - x) * 100 }')
}

# A CPU history above the lowest block (a guest that used the CPU).
shows_use() { grep -qE '▂|▃|▄|▅|▆|▇|█' <<<"$1"; }

# $1 within 25 points of $2, and above 20: a spinner's share, as measured.
near_ref() {
	awk -v p="$1" -v r="$2" 'BEGIN { d = p - r; if (d < 0) d = -d; exit !(d <= 25 && p > 20) }'
}

@test "top -b: xentop's header and rows; a spinning guest near 100 %, an idle one near 0" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"busy\" kernel=\"${KIT}/spin.bzImage\"
	xlc create -q "${SANDBOX}/g.cfg" name=\"idle\"
	wait_console idle "KIT-EXIT code=0" # then it halts
	GUEST=busy measure xlc top -b -i 3 -d 1
	[ "${status}" -eq 0 ]
	[ "$(grep -c '^      NAME' <<<"${output}")" -eq 3 ]
	[ "${lines[0]}" = "${HEADER}" ]
	[ "${#lines[@]}" -eq 9 ] # three blocks: header and two rows each
	# Rows sorted by name; state letters in xentop's order (d s b c p r).
	[[ "${lines[1]}" =~ ^\ {6}busy\ -----r\ +[0-9]+\ +0\.0\ +65536\ + ]]
	[[ "${lines[2]}" =~ ^\ {6}idle\ --b---\ +[0-9]+\ +0\.0\ +65536\ + ]]
	busy=$(col "${output}" busy 'CPU(%)')
	idle=$(col "${output}" idle 'CPU(%)')
	echo "busy ${busy}% (measured apart: ${REF_PCT}%) idle ${idle}%"
	near_ref "${busy}" "${REF_PCT}"
	awk -v i="${idle}" 'BEGIN { exit !(i < 5) }'
}

@test "top -b: disk and network counters, and the -n -x -v detail lines" {
	make_netns
	xlc create -q "${SANDBOX}/g.cfg" name=\"disk\" kernel=\"${KIT}/blk.bzImage\" \
		"disk=['${SANDBOX}/a.img,raw,xvda,w']" 'cmdline="kit.end=halt kit.sector=9"'
	inns "${XLC}" create -q "${SANDBOX}/g.cfg" name=\"net\" \
		kernel=\"${KIT}/net.bzImage\" "vif=['bridge=br0', 'bridge=br0']"
	wait_console disk "KIT-EXIT code=0"
	wait_console net "KIT-EXIT code=0"
	run xlc top -b -i 1 -n -x -v
	[ "${status}" -eq 0 ]
	echo "${output}"
	[ "$(col "${output}" disk VBDS)" -eq 1 ]
	[ "$(col "${output}" disk VBD_RD)" -eq 2 ]
	[ "$(col "${output}" disk VBD_WR)" -eq 1 ]
	[ "$(col "${output}" disk VBD_RSECT)" -eq 2 ]
	[ "$(col "${output}" disk VBD_WSECT)" -eq 1 ]
	[ "$(col "${output}" net NETS)" -eq 2 ]
	[[ "${output}" == *"VBD BlkBack 51712 [ca: 0]  OO:        0   RD:        2   WR:        1   RSECT:          2   WSECT:          1"* ]]
	[[ "${output}" =~ Net0\ RX:\ +[0-9]+bytes\ +[1-9][0-9]*pkts\ +0err\ +0drop\ \ TX:\ +[1-9][0-9]*bytes\ +[1-9][0-9]*pkts ]]
	[[ "${output}" =~ VCPUs\(sec\):\ \ \ 0:\ +[0-9]+s ]]
}

@test "top --csv and --json: one record per domain per sample, CPU(%) right from the first" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"busy\" kernel=\"${KIT}/spin.bzImage\"
	GUEST=busy measure xlc top --csv -i 2 -d 0.5
	[ "${status}" -eq 0 ]
	[ "${lines[0]}" = "timestamp,interval,domid,name,state,cpu_sec,cpu_pct,mem_k,mem_pct,maxmem_k,vcpus,nets,nettx_k,netrx_k,vbds,vbd_oo,vbd_rd,vbd_wr,vbd_rsect,vbd_wsect" ]
	[ "${#lines[@]}" -eq 3 ]
	pct=$(cut -d, -f7 <<<"${lines[1]}")
	echo "first record ${pct}% (measured apart: ${REF_PCT}%)"
	near_ref "${pct}" "${REF_PCT}"
	GUEST=busy measure xlc top --json -i 1 -d 0.5
	[ "$(jq -r .name <<<"${output}")" = busy ]
	echo "json $(jq .cpu_pct <<<"${output}")% (measured apart: ${REF_PCT}%)"
	near_ref "$(jq .cpu_pct <<<"${output}")" "${REF_PCT}"
	jq -e '.interval > 0.4 and (.timestamp | test("^20"))' <<<"${output}"
}

@test "top: bad options are usage errors; -d takes fractions" {
	run xlc top -b -d 0
	[ "${status}" -eq 2 ]
	[[ "${output}" == *"-d 0: the delay is a number of seconds > 0"* ]]
	run xlc top --sort nosuch -b
	[ "${status}" -eq 2 ]
	run xlc top -b -i 2 -d 0.2
	[ "${status}" -eq 0 ]
	[ "$(grep -c '^      NAME' <<<"${output}")" -eq 2 ]
}

@test "top: no guests, a guest that ends between samples, and output into a pipe" {
	# No guests: the header alone, every sample.
	run xlc top -b -i 2 -d 0.1
	[ "${status}" -eq 0 ]
	[ "${output}" = "$(printf '%s\n%s' "${HEADER}" "${HEADER}")" ]
	# Into a pipe without -b: batch output rather than a screen.
	xlc create -q "${SANDBOX}/g.cfg" name=\"averyveryverylongname\"
	xlc create -q "${SANDBOX}/g.cfg" name=\"short\"
	out=$(xlc top -i 1 </dev/null | cat)
	[ "$(head -1 <<<"${out}")" = "$(printf '%21s' NAME)${HEADER#      NAME}" ] # -f: NAME widens
	[[ "${out}" == *$'\n'"averyveryverylongname "* ]] # in full, not cut at 10
	# A guest destroyed while top samples: it drops out, top goes on.
	xlc top -b -i 12 -d 0.25 >"${SANDBOX}/top.out" 2>&1 &
	top_pid=$!
	sleep 1
	xlc destroy short
	wait "${top_pid}"
	[ "$(grep -c '^ *NAME' "${SANDBOX}/top.out")" -eq 12 ]
	[ "$(grep -c ' short ' "${SANDBOX}/top.out")" -ge 1 ]
	[ "$(tail -1 "${SANDBOX}/top.out" | awk '{print $1}')" = averyveryverylongname ]
}

@test "top on a terminal: summary, sorting, toggles, filter, a guest that appears, quit" {
	make_netns
	inns "${XLC}" create -q "${SANDBOX}/g.cfg" name=\"busy\" \
		kernel=\"${KIT}/spin.bzImage\" "vif=['bridge=br0']"
	xlc create -q "${SANDBOX}/g.cfg" name=\"idle\" "disk=['${SANDBOX}/a.img,raw,xvda,r']"
	wait_console idle "KIT-EXIT code=0"
	start_top 220 30 -d 0.5
	screen_until 'shows_use "${lines[4]}"' # two samples drawn
	[[ "${lines[0]}" =~ ^xlc\ top\ -\ [0-9:]{8}\ \ \ kvm\ \(API\ 12\)$ ]]
	# (tmux drops the trailing space xentop prints after "shutdown")
	[ "${lines[1]}" = "2 domains: 1 running, 1 blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown" ]
	[[ "${lines[2]}" =~ ^Mem:\ [0-9]+k\ total,\ [0-9]+k\ used,\ [0-9]+k\ free\ +CPUs:\ [0-9]+\ @ ]]
	[[ "${lines[3]}" == *"NAME  STATE   CPU(sec) CPU(%)"*"SSID CPU HISTORY" ]]
	[[ "${lines[4]}" =~ ^\ +busy\ -----r ]] # by name
	shows_use "${lines[4]}" # the busy guest's history shows its use
	[[ "${output}" == *"Delay  Networks  vBds  VCPUs  Repeat header  Sort order  Order by  Filter  Quit"* ]]
	tm send-keys -t top s # sort by STATE: blocked before running
	screen_until '[[ "${lines[4]}" =~ ^\ +idle\ --b--- ]]'
	tm send-keys -t top n # the vif's detail line
	screen_until '[[ "${output}" =~ Net0\ RX:\ +[0-9]+bytes ]]'
	tm send-keys -t top n
	screen_until '[[ "${output}" != *"Net0 RX:"* ]]'
	tm send-keys -t top b # the disk's detail line
	screen_until '[[ "${output}" == *"VBD BlkBack 51712 [ca: 0]  OO:"* ]]'
	tm send-keys -t top / b u s y Enter # filter by name
	screen_until '[[ "${output}" == *" busy -----r"* && "${output}" != *" idle --b---"* ]]'
	tm send-keys -t top / Enter o C P U '(' % Enter # no filter; sort by CPU(%)
	xlc create -q "${SANDBOX}/g.cfg" name=\"newcomer\"
	screen_until '[[ "${lines[1]}" == "3 domains:"* && "${output}" == *" newcomer --b---"* ]]'
	[[ "${lines[4]}" =~ ^\ +busy ]] # the busiest first
	xlc destroy newcomer
	screen_until '[[ "${lines[1]}" == "2 domains:"* && "${output}" != *newcomer* ]]'
	tm resize-window -t top -x 100 -y 12 # smaller: redrawn to fit
	screen_until '[ "${#lines[@]}" -le 12 ]'
	[[ "${lines[0]}" == "xlc top - "* && "${output}" == *" busy -----r"* ]]
	tm send-keys -t top x # an unknown key does nothing
	tm send-keys -t top q
	for i in $(seq 1 50); do
		pgrep -f "${XLC} top -d 0.5" >/dev/null || break
		sleep 0.2
	done
	run pgrep -f "${XLC} top -d 0.5"
	[ "${status}" -eq 1 ] # top has quit
}


@test "top on a terminal: rows that tie on the sort column are in name order, refresh after refresh" {
	# Created out of name order, so their ids are; the three of 64 MiB tie on MEM(k).
	for g in zeta alpha mid; do
		xlc create -q "${SANDBOX}/g.cfg" name=\"${g}\"
	done
	xlc create -q "${SANDBOX}/g.cfg" name=\"big\" memory=96
	start_top 200 20 -d 0.5 --sort MEM
	screen_until 'rows_are big alpha mid zeta' "big, then the ties by name"
	# The same order on the next three redraws (each shows a later time).
	for redraw in 1 2 3; do
		shown="${lines[0]}"
		screen_until '[ "${lines[0]}" != "${shown}" ]' "redraw ${redraw}"
		rows_are big alpha mid zeta || {
			echo "# the order changed on redraw ${redraw}:"
			printf '%s\n' "${output}"
			return 1
		}
	done
}

@test "top on a terminal: at 60 columns every line is clipped, none wraps" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"solo\"
	wait_console solo "KIT-EXIT code=0"
	start_top 60 12 -d 0.5
	screen_until 'rows_are solo && [ -n "${lines[11]}" ]' "solo's row, and the keys' line"
	line_is 1 "$(clip 60 "1 domains: 0 running, 1 blocked, 0 paused, 0 crashed, 0 dying")"
	line_matches 2 '^Mem: [0-9]+k total, [0-9]+k used' # not the rest of line 1
	line_is 3 "$(clip 60 "${HEADER}")"
	line_matches 4 '^ +solo --b---'
	line_is 11 "$(clip 60 "  Delay  Networks  vBds  VCPUs  Repeat header  Sort order  Order by")"
	# A prompt longer than the line is clipped too, on the last line.
	tm send-keys -t top / a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9
	screen_until '[ "${lines[11]}" = "  Filter by name: abcdefghijklmnopqrstuvwxyz0123456789" ]' \
		"the whole prompt on line 11"
	tm send-keys -t top a b c d e f g h i j k l m n o p q r s t u v w x y z
	screen_until '[ "${lines[11]}" = "$(clip 60 "  Filter by name: abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz")" ]' \
		"the prompt clipped at 60 columns on line 11"
}

@test "top on a terminal: at 30x4 the header has every line; then rows, then the keys" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"solo\"
	wait_console solo "KIT-EXIT code=0"
	start_top 30 4 -d 0.5
	screen_until '[[ "${lines[1]}" == "1 domains:"* ]]' "the domain count on line 1"
	line_matches 0 '^xlc top - [0-9:]{8}   kvm \(API$'
	line_is 1 "1 domains: 0 running, 1 blocke"
	line_matches 2 '^Mem: [0-9]+k'
	line_is 3 "$(clip 30 "${HEADER}")" # the column header, not the keys
	# One line more goes to the guest's row: the keys need a line of their own.
	tm resize-window -t top -x 30 -y 5
	screen_until 'rows_are solo' "solo's row on line 4 at 30x5"
	line_is 3 "$(clip 30 "${HEADER}")"
	line_matches 4 '^ +solo --b---'
	# ... unless a prompt is being typed: what is typed must show.
	tm send-keys -t top / s o
	screen_until '[ "${lines[4]}" = "  Filter by name: so" ]' "the prompt on line 4 at 30x5"
	line_is 3 "$(clip 30 "${HEADER}")"
	tm send-keys -t top Escape
	screen_until 'rows_are solo' "solo's row back on line 4 once the prompt is gone"
	# Two lines more: the row, then the keys on the last line.
	tm resize-window -t top -x 30 -y 6
	screen_until '[ "${lines[5]}" = "$(clip 30 "  Delay  Networks  vBds  VCPUs  Repeat")" ]' \
		"the keys on line 5 at 30x6"
	line_is 3 "$(clip 30 "${HEADER}")"
	line_matches 4 '^ +solo --b---'
}

@test "top on a terminal: scrolled at 60x8, then enlarged to 200x50, it shows every guest" {
	for g in g1 g2 g3 g4 g5 g6; do
		xlc create -q "${SANDBOX}/g.cfg" name=\"${g}\"
	done
	start_top 60 8 -d 0.5
	# 60x8: the summary, the column header, three rows, the keys.
	screen_until 'rows_are g1 g2 g3' "g1 to g3 at 60x8"
	tm send-keys -t top Down Down Down
	screen_until 'rows_are g4 g5 g6' "g4 to g6, scrolled down by three"
	tm resize-window -t top -x 200 -y 50
	screen_until 'rows_are g1 g2 g3 g4 g5 g6' "all six guests once 200x50 has room for them"
	# Scrolling stops at the last page: the last three guests, not the last alone.
	tm resize-window -t top -x 60 -y 8
	screen_until 'rows_are g1 g2 g3' "g1 to g3 at 60x8 again"
	tm send-keys -t top Down Down Down Down Down Down Down Down
	screen_until '[[ "${lines[7]}" == "  Delay  Networks"* ]] && rows_are g4 g5 g6' \
		"g4 to g6 after eight downs, the keys below them"
	# Detail lines count: with the VCPUs lines on each guest takes two lines,
	# and the last page at 60x12 is again the last three guests.
	tm send-keys -t top Up Up Up v
	tm resize-window -t top -x 60 -y 12
	screen_until 'rows_are g1 g2 g3 g4' "g1 to g4 at 60x12 with the VCPUs lines"
	tm send-keys -t top Down Down Down Down Down Down Down Down
	screen_until '[[ "${lines[9]}" == "VCPUs(sec):"* ]] && rows_are g4 g5 g6' \
		"g4 to g6 and their VCPUs lines after eight downs"
}
