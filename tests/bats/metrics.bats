#!/usr/bin/env bats
# xlc metrics on this machine's kvm-pvm with kit guests: top's figures in
# Prometheus' text format, checked line by line by a strict checker here;
# counters that follow the guests; -o's atomic file; --http over a real TCP
# connection (socat plays the socket unit with Accept=yes) and its bounds.
#
# Label escaping of a name with a quote, backslash or newline cannot be shown
# here: xlc refuses such names (letters, digits and -_.+@ only). A Xen domain
# made by other tools may have one; tests/unit/test_prom.c pins its escaping.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"
CONTENT_TYPE='text/plain; version=0.0.4; charset=utf-8'

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
	SOCAT_PID=""
}

teardown() {
	if [ -n "${SOCAT_PID}" ]; then
		kill "${SOCAT_PID}" 2>/dev/null
		wait "${SOCAT_PID}" 2>/dev/null
	fi
	teardown_guests
}

xlc() { "${XLC}" "$@"; }

# Checks file $1 as Prometheus text exposition format 0.0.4, strictly: every
# line is # HELP, # TYPE or a sample; names match [a-zA-Z_:][a-zA-Z0-9_:]*;
# a family's HELP and TYPE come once each, before its samples, and its lines
# are together; label values use only the escapes \\ \" \n; values are
# numbers (or +Inf, -Inf, NaN); counters end in _total and are not negative;
# no series twice; the file ends with a newline. Prints the first fault.
check_prom() {
	if [ ! -s "$1" ] || [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" != '\n' ]; then
		echo "$1: empty, or its last line does not end with a newline"
		return 1
	fi
	awk '
	function fail(msg) { printf "line %d: %s: %s\n", NR, msg, $0; bad = 1; exit 1 }
	function valid_name(n) { return n ~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/ }
	function valid_value(v) {
		return v ~ /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/ ||
		       v ~ /^[+-]Inf$/ || v == "NaN"
	}
	function enter_family(n) {
		if (n == current)
			return
		if (n in closed)
			fail("the lines of family " n " are not together")
		if (current != "")
			closed[current] = 1
		current = n
	}
	# Reads the {...} at the start of rest; sets rest to what follows it.
	function read_labels(   i, c, d, lname, seen_names) {
		split("", seen_names)
		labels = ""
		i = 2
		if (substr(rest, i, 1) == "}") {
			rest = substr(rest, 3)
			return
		}
		for (;;) {
			if (!match(substr(rest, i), /^[a-zA-Z_][a-zA-Z0-9_]*="/))
				fail("a label name that is not [a-zA-Z_][a-zA-Z0-9_]* followed by =\"")
			lname = substr(rest, i, RLENGTH - 2)
			if (lname ~ /^__/)
				fail("a reserved label name " lname)
			if (lname in seen_names)
				fail("label " lname " twice")
			seen_names[lname] = 1
			labels = labels lname "="
			for (i += RLENGTH; ; i++) {
				c = substr(rest, i, 1)
				if (c == "")
					fail("a label value without its closing quote")
				if (c == "\"")
					break
				if (c == "\\") {
					d = substr(rest, ++i, 1)
					if (d != "\\" && d != "\"" && d != "n")
						fail("an escape other than \\\\ \\\" \\n in a label value")
					c = c d
				}
				labels = labels c
			}
			labels = labels ","
			c = substr(rest, ++i, 1)
			if (c == ",")
				c = substr(rest, ++i, 1)
			if (c == "}") {
				rest = substr(rest, i + 1)
				return
			}
			if (c == "")
				fail("labels without their closing brace")
		}
	}
	/^# HELP / {
		if (!valid_name($3))
			fail("HELP of a bad metric name")
		if ($3 in help)
			fail("a second HELP for " $3)
		enter_family($3)
		if ($3 in samples)
			fail("HELP after the samples of " $3)
		help[$3] = 1
		next
	}
	/^# TYPE / {
		if (!valid_name($3))
			fail("TYPE of a bad metric name")
		if (NF != 4 || $4 !~ /^(counter|gauge|untyped|summary|histogram)$/)
			fail("TYPE without one of counter gauge untyped summary histogram")
		if ($3 in type)
			fail("a second TYPE for " $3)
		enter_family($3)
		if ($3 in samples)
			fail("TYPE after the samples of " $3)
		type[$3] = $4
		next
	}
	/^#/ { fail("a comment that is neither HELP nor TYPE") }
	/^$/ { fail("an empty line") }
	{
		if (!match($0, /^[a-zA-Z_:][a-zA-Z0-9_:]*/))
			fail("a sample whose metric name is not [a-zA-Z_:][a-zA-Z0-9_:]*")
		name = substr($0, 1, RLENGTH)
		rest = substr($0, RLENGTH + 1)
		labels = ""
		if (substr(rest, 1, 1) == "{")
			read_labels()
		if (rest !~ /^ [^ ]+( -?[0-9]+)?$/)
			fail("not one space, a value and at most a timestamp after the name and labels")
		split(substr(rest, 2), parts, " ")
		if (!valid_value(parts[1]))
			fail("a value that is not a number")
		if (!(name in help) || !(name in type))
			fail("a sample before its family HELP and TYPE")
		if (name != current)
			fail("a sample away from its family lines")
		if (type[name] == "counter" && (name !~ /_total$/ || parts[1] ~ /^-/))
			fail("a counter whose name does not end in _total, or that is negative")
		if ((name "{" labels "}") in series)
			fail("the same series twice")
		series[name "{" labels "}"] = 1
		samples[name]++
	}
	' "$1"
}

# The value of the sample whose name and labels are exactly $2, in file $1.
value_of() {
	awk -v key="$2" 'index($0, key " ") == 1 { print substr($0, length(key) + 2) }' "$1"
}

# Whether number $1 is greater than $2 (the counters have fractions).
greater() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'
}

@test "metrics: strict Prometheus text with real guests: ids, names, states, memory, host" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"busy\" kernel=\"${KIT}/spin.bzImage\"
	xlc create -q "${SANDBOX}/g.cfg" name=\"idle\" memory=32
	wait_console idle "KIT-EXIT code=0" # then it halts: blocked
	busy=$(xlc domid busy)
	idle=$(xlc domid idle)
	run --separate-stderr xlc metrics
	[ "${status}" -eq 0 ]
	[ -z "${stderr}" ]
	printf '%s\n' "${output}" >"${SANDBOX}/m.prom"
	run check_prom "${SANDBOX}/m.prom"
	echo "${output}"
	[ "${status}" -eq 0 ]
	m="${SANDBOX}/m.prom"
	[ "$(value_of "${m}" 'xlc_host_domains')" = 2 ]
	[ "$(value_of "${m}" 'xlc_host_domains_by_state{state="running"}')" = 1 ]
	[ "$(value_of "${m}" 'xlc_host_domains_by_state{state="blocked"}')" = 1 ]
	[ "$(value_of "${m}" 'xlc_host_info{backend="kvm",version="kvm (API 12)"}')" = 1 ]
	[ "$(value_of "${m}" 'xlc_host_memory_total_bytes')" = $(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024)) ]
	[ "$(value_of "${m}" 'xlc_host_cpus')" = "$(getconf _NPROCESSORS_ONLN)" ]
	[ "$(value_of "${m}" "xlc_domain_state{name=\"busy\",domid=\"${busy}\",state=\"running\"}")" = 1 ]
	[ "$(value_of "${m}" "xlc_domain_state{name=\"busy\",domid=\"${busy}\",state=\"blocked\"}")" = 0 ]
	[ "$(value_of "${m}" "xlc_domain_state{name=\"idle\",domid=\"${idle}\",state=\"blocked\"}")" = 1 ]
	[ "$(value_of "${m}" "xlc_domain_state{name=\"idle\",domid=\"${idle}\",state=\"running\"}")" = 0 ]
	[ "$(value_of "${m}" "xlc_domain_memory_bytes{name=\"busy\",domid=\"${busy}\"}")" = 67108864 ]
	[ "$(value_of "${m}" "xlc_domain_memory_bytes{name=\"idle\",domid=\"${idle}\"}")" = 33554432 ]
	[ "$(value_of "${m}" "xlc_domain_memory_max_bytes{name=\"idle\",domid=\"${idle}\"}")" = 33554432 ]
	[ "$(value_of "${m}" "xlc_domain_vcpus{name=\"idle\",domid=\"${idle}\"}")" = 1 ]
	[ "$(grep -c '^xlc_domain_state{' "${m}")" -eq 12 ] # six states for each guest
	grep -qx '# TYPE xlc_domain_cpu_seconds_total counter' "${m}"
	grep -qx '# TYPE xlc_domain_memory_bytes gauge' "${m}"
	# Neither guest has a vif or a disk: those families are left out whole.
	[ "$(grep -c '_network_\|_block_' "${m}")" -eq 0 ]
}

@test "metrics: the strict checker refuses what the format forbids" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"g\"
	xlc metrics >"${SANDBOX}/good.prom"
	run check_prom "${SANDBOX}/good.prom"
	[ "${status}" -eq 0 ]
	# Each change below breaks xlc's real output one way; each must be refused.
	refused() {
		sed "$1" "${SANDBOX}/good.prom" >"${SANDBOX}/bad.prom"
		run cmp -s "${SANDBOX}/good.prom" "${SANDBOX}/bad.prom"
		[ "${status}" -eq 1 ] || { echo "sed '$1' changed nothing"; return 1; }
		run check_prom "${SANDBOX}/bad.prom"
		[ "${status}" -eq 1 ] || { echo "not refused: sed '$1'"; return 1; }
		echo "refused, $1: ${output}"
	}
	refused '1i xlc_host_cpus 2'			    # a sample before its HELP and TYPE
	refused 's/^xlc_host_cpus /xlc-host_cpus /'	    # a bad metric name
	refused 's/^\(xlc_host_cpus\) .*/\1 two/'	    # a value that is no number
	refused 's/name="g"/name="\\g"/'		    # an escape the format lacks
	refused 's/name="g"/name="g"x"/'		    # a quote not escaped
	refused 's/name="g",/name="g",name="g",/'	    # a label twice
	refused '$ a xlc_host_domains 1'		    # a family split
	refused 's/^# TYPE xlc_domain_vcpus gauge/# TYPE xlc_domain_vcpus counter/' # counter naming
	refused 's/^# HELP xlc_host_cpus .*//'		    # an empty line, and no HELP
	refused '/^# TYPE xlc_host_cpus gauge/d'	    # no TYPE
}

@test "metrics: a spinning guest's CPU counter grows; per vCPU it sums to the total" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"busy\" kernel=\"${KIT}/spin.bzImage\"
	id=$(xlc domid busy)
	key="xlc_domain_cpu_seconds_total{name=\"busy\",domid=\"${id}\"}"
	xlc metrics >"${SANDBOX}/first.prom"
	first=$(value_of "${SANDBOX}/first.prom" "${key}")
	[[ "${first}" =~ ^[0-9]+\.[0-9]{9}$ ]]
	# One vCPU: its counter is the domain's, in the same sample.
	[ "$(value_of "${SANDBOX}/first.prom" "xlc_domain_vcpu_seconds_total{name=\"busy\",domid=\"${id}\",vcpu=\"0\"}")" = "${first}" ]
	# Later samples (up to 30 s of them, as a loaded host may not run it at once).
	for i in $(seq 1 150); do
		xlc metrics >"${SANDBOX}/later.prom"
		later=$(value_of "${SANDBOX}/later.prom" "${key}")
		greater "${later}" "${first}" && break
		sleep 0.2
	done
	run greater "${later}" "${first}"
	[ "${status}" -eq 0 ] || { echo "the CPU counter stayed at ${first} s for 30 s (last ${later})"; return 1; }
}

@test "metrics: disk and network counters per vbd and per vif, as top shows them" {
	make_netns
	xlc create -q "${SANDBOX}/g.cfg" name=\"disk\" kernel=\"${KIT}/blk.bzImage\" \
		"disk=['${SANDBOX}/a.img,raw,xvda,w']" 'cmdline="kit.end=halt kit.sector=9"'
	inns "${XLC}" create -q "${SANDBOX}/g.cfg" name=\"net\" \
		kernel=\"${KIT}/net.bzImage\" "vif=['bridge=br0', 'bridge=br0']"
	wait_console disk "KIT-EXIT code=0"
	wait_console net "KIT-EXIT code=0"
	disk=$(xlc domid disk)
	net=$(xlc domid net)
	xlc metrics >"${SANDBOX}/m.prom"
	run check_prom "${SANDBOX}/m.prom"
	[ "${status}" -eq 0 ]
	m="${SANDBOX}/m.prom"
	# The blk guest reads two sectors and writes one (top -x: RD 2 WR 1 RSECT 2 WSECT 1).
	vbd="name=\"disk\",domid=\"${disk}\",vbd=\"51712\""
	[ "$(value_of "${m}" "xlc_domain_block_read_requests_total{${vbd}}")" = 2 ]
	[ "$(value_of "${m}" "xlc_domain_block_write_requests_total{${vbd}}")" = 1 ]
	[ "$(value_of "${m}" "xlc_domain_block_read_bytes_total{${vbd}}")" = 1024 ]
	[ "$(value_of "${m}" "xlc_domain_block_write_bytes_total{${vbd}}")" = 512 ]
	[ "$(value_of "${m}" "xlc_domain_block_oo_requests_total{${vbd}}")" = 0 ]
	# The net guest's first vif has sent and received; both vifs are there.
	vif0="name=\"net\",domid=\"${net}\",vif=\"0\""
	[[ "$(value_of "${m}" "xlc_domain_network_transmit_packets_total{${vif0}}")" =~ ^[1-9][0-9]*$ ]]
	[[ "$(value_of "${m}" "xlc_domain_network_receive_packets_total{${vif0}}")" =~ ^[1-9][0-9]*$ ]]
	[[ "$(value_of "${m}" "xlc_domain_network_receive_bytes_total{${vif0}}")" =~ ^[1-9][0-9]*$ ]]
	[[ "$(value_of "${m}" "xlc_domain_network_transmit_drops_total{name=\"net\",domid=\"${net}\",vif=\"1\"}")" =~ ^[0-9]+$ ]]
	[ "$(grep -c "^xlc_domain_network_[a-z_]*{name=\"net\"," "${m}")" -eq 16 ] # 8 counters x 2 vifs
	[ "$(grep -c '^xlc_domain_network_[a-z_]*{name="disk",' "${m}")" -eq 0 ]
	[ "$(grep -c '^xlc_domain_block_[a-z_]*{name="net",' "${m}")" -eq 0 ]
}

@test "metrics -o: a whole new file replaces the old one; a failed sample leaves it" {
	umask 022
	xlc create -q "${SANDBOX}/g.cfg" name=\"g\"
	id=$(xlc domid g)
	dir="${SANDBOX}/textfile"
	mkdir "${dir}"
	echo old >"${dir}/xlc.prom"
	ln "${dir}/xlc.prom" "${SANDBOX}/old-inode"
	run --separate-stderr xlc metrics -o "${dir}/xlc.prom"
	[ "${status}" -eq 0 ]
	[ -z "${output}" ]
	[ -z "${stderr}" ]
	run check_prom "${dir}/xlc.prom"
	echo "${output}"
	[ "${status}" -eq 0 ]
	[ "$(value_of "${dir}/xlc.prom" "xlc_domain_vcpus{name=\"g\",domid=\"${id}\"}")" = 1 ]
	# Renamed over it, not rewritten in place: the old inode still says "old".
	[ "$(cat "${SANDBOX}/old-inode")" = old ]
	# Readable by node_exporter, which is not root; no temporary file left.
	[ "$(stat -c %a "${dir}/xlc.prom")" = 644 ]
	[ "$(ls -A "${dir}")" = xlc.prom ]
	# A sample that fails (the run directory is a file) leaves the last file whole.
	cp "${dir}/xlc.prom" "${SANDBOX}/last.prom"
	touch "${SANDBOX}/not-a-dir"
	XLC_RUN_DIR="${SANDBOX}/not-a-dir" run --separate-stderr "${XLC}" metrics -o "${dir}/xlc.prom"
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == "xlc: metrics: "*"not-a-dir"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	cmp "${dir}/xlc.prom" "${SANDBOX}/last.prom"
	[ "$(ls -A "${dir}")" = xlc.prom ]
	# A folder that is not there: one line that says so.
	run --separate-stderr xlc metrics -o "${SANDBOX}/nowhere/xlc.prom"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: metrics: cannot create a file beside ${SANDBOX}/nowhere/xlc.prom: No such file or directory; is its folder there and writable?" ]
}

# Starts socat on a free loopback port, running `xlc metrics --http` for each
# connection with the connection as its stdin and stdout, as systemd does for
# a socket unit with Accept=yes. Sets PORT and SOCAT_PID.
start_listener() {
	local try i
	for try in $(seq 1 20); do
		PORT=$((20000 + RANDOM % 30000))
		socat "TCP-LISTEN:${PORT},bind=127.0.0.1,reuseaddr,fork" \
			"EXEC:${XLC} metrics --http,nofork" 3>&- &
		SOCAT_PID=$!
		for i in $(seq 1 50); do
			[ -n "$(ss -ltnH "sport = :${PORT}")" ] && return 0
			process_gone "${SOCAT_PID}" && break # the port was taken: another one
			sleep 0.1
		done
		kill "${SOCAT_PID}" 2>/dev/null
		wait "${SOCAT_PID}" 2>/dev/null
		SOCAT_PID=""
	done
	echo "socat did not listen on any of 20 ports"
	return 1
}

# Sends request $1 (its lines CRLF-ended) to the listener; the answer in
# $SANDBOX/answer, its head (CRs removed) in $SANDBOX/head and its body in
# $SANDBOX/body.
http() {
	printf "$1" | timeout 30 socat -t 30 - "TCP:127.0.0.1:${PORT}" >"${SANDBOX}/answer"
	sed -n '1,/^\r$/p' "${SANDBOX}/answer" | tr -d '\r' >"${SANDBOX}/head"
	sed '1,/^\r$/d' "${SANDBOX}/answer" >"${SANDBOX}/body"
}

@test "metrics --http: a real GET over TCP gets the metrics; other paths 404, methods 405" {
	xlc create -q "${SANDBOX}/g.cfg" name=\"web\"
	id=$(xlc domid web)
	start_listener
	http 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\n\r\n'
	cat "${SANDBOX}/head"
	[ "$(head -1 "${SANDBOX}/head")" = "HTTP/1.0 200 OK" ]
	grep -qx "Content-Type: ${CONTENT_TYPE}" "${SANDBOX}/head"
	length=$(sed -n 's/^Content-Length: //p' "${SANDBOX}/head")
	[ "${length}" -eq "$(wc -c <"${SANDBOX}/body")" ]
	run check_prom "${SANDBOX}/body"
	echo "${output}"
	[ "${status}" -eq 0 ]
	[ "$(value_of "${SANDBOX}/body" "xlc_domain_vcpus{name=\"web\",domid=\"${id}\"}")" = 1 ]
	# A query string is a scraper's business: the same metrics.
	http 'GET /metrics?x=1 HTTP/1.0\r\n\r\n'
	[ "$(head -1 "${SANDBOX}/head")" = "HTTP/1.0 200 OK" ]
	# HEAD: the same head, no body.
	http 'HEAD /metrics HTTP/1.0\r\n\r\n'
	[ "$(head -1 "${SANDBOX}/head")" = "HTTP/1.0 200 OK" ]
	[ ! -s "${SANDBOX}/body" ]
	http 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
	[ "$(head -1 "${SANDBOX}/head")" = "HTTP/1.0 404 Not Found" ]
	[ "$(cat "${SANDBOX}/body")" = "not found: xlc's metrics are at /metrics" ]
	http 'GET /metricsx HTTP/1.0\r\n\r\n'
	[ "$(head -1 "${SANDBOX}/head")" = "HTTP/1.0 404 Not Found" ]
	http 'POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n'
	[ "$(head -1 "${SANDBOX}/head")" = "HTTP/1.0 405 Method Not Allowed" ]
	grep -qx 'Allow: GET, HEAD' "${SANDBOX}/head"
}

@test "metrics --http: a silent client gets 408, a long request 431, junk 400, a failed sample 500" {
	# A client that connects and says nothing: answered after 5 s, not waited for.
	mkfifo "${SANDBOX}/silent"
	sleep 120 >"${SANDBOX}/silent" 3>&- &
	silent=$!
	run timeout 60 "${XLC}" metrics --http <"${SANDBOX}/silent"
	kill "${silent}"
	[ "${status}" -eq 0 ]
	[ "${lines[0]}" = $'HTTP/1.0 408 Request Timeout\r' ]
	# A request head past 8 KiB.
	run bash -c "head -c 20000 /dev/zero | tr '\\0' a | timeout 60 '${XLC}' metrics --http"
	[ "${lines[0]}" = $'HTTP/1.0 431 Request Header Fields Too Large\r' ]
	# Not HTTP; a head cut short; a version that is not 1.x.
	for req in 'hello\r\n\r\n' 'GET /metrics HTTP/1.0\r\n' 'GET /metrics HTTP/2\r\n\r\n' \
		'GET  /metrics HTTP/1.0\r\n\r\n' 'get /metrics HTTP/1.0\r\n\r\n'; do
		run bash -c "printf '${req}' | timeout 60 '${XLC}' metrics --http"
		[ "${lines[0]}" = $'HTTP/1.0 400 Bad Request\r' ] || { echo "${req}: ${lines[0]}"; return 1; }
	done
	# A bare LF ends the head too (some hand-made clients send one).
	run bash -c "printf 'GET /metrics HTTP/1.0\\n\\n' | timeout 60 '${XLC}' metrics --http"
	[ "${lines[0]}" = $'HTTP/1.0 200 OK\r' ]
	# The sample fails (the run directory is a file): 500 naming why, exit 1.
	touch "${SANDBOX}/not-a-dir"
	XLC_RUN_DIR="${SANDBOX}/not-a-dir" run --separate-stderr bash -c \
		"printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' | '${XLC}' metrics --http"
	[ "${status}" -eq 1 ]
	[ "${lines[0]}" = $'HTTP/1.0 500 Internal Server Error\r' ]
	[[ "${output}" == *"xlc metrics: "*"not-a-dir"* ]]
	[[ "${stderr}" == "xlc: metrics: "*"not-a-dir"* ]]
}

@test "metrics: no guests, the host alone; usage errors exit 2" {
	run --separate-stderr xlc metrics
	[ "${status}" -eq 0 ]
	printf '%s\n' "${output}" >"${SANDBOX}/m.prom"
	run check_prom "${SANDBOX}/m.prom"
	[ "${status}" -eq 0 ]
	[ "$(value_of "${SANDBOX}/m.prom" xlc_host_domains)" = 0 ]
	[ "$(grep -c '^xlc_domain_\|^# [A-Z]* xlc_domain_' "${SANDBOX}/m.prom")" -eq 0 ]
	run xlc metrics -o "${SANDBOX}/x.prom" --http
	[ "${status}" -eq 2 ]
	[[ "${output}" == *"-o and --http exclude each other"* ]]
	run xlc metrics extra
	[ "${status}" -eq 2 ]
	run xlc metrics --nosuch
	[ "${status}" -eq 2 ]
	run xlc metrics -o
	[ "${status}" -eq 2 ]
	run xlc help metrics
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"Usage: xlc"*"metrics [-o FILE | --http]"* ]]
	run xlc metrics -h
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"--http"* ]]
	[ ! -e "${SANDBOX}/x.prom" ]
}
