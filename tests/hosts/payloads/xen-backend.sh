#!/bin/sh
# Runs in the Xen test host's dom0: xlc's xen backend (libxl) against the
# real hypervisor, side by side with xl. Prints CHECK lines that
# tests/bats/xen.bats asserts on.
export XLC_LOG_DIR=/var/log/xlc
G=/payload/guest
cfg() { # name test [extra line]
	cat >"$1.cfg" <<CFG
name = "$1"
type = "pv"
memory = 128
kernel = "$G/vmlinuz-pv"
ramdisk = "$G/initramfs.cpio.gz"
cmdline = "console=hvc0 quiet xlc.test=$2"
$3
CFG
}
# The guest's console through xlc console, for a few seconds.
console_for() { sleep "$(($2 + 5))" | timeout "$2" xlc console "$1" >"$1.console" 2>&1; }
wait_list() { # name present|absent seconds
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		if timeout -k 10 20 xlc list | grep -q "^$1 "; then [ "$2" = present ] && return 0; else [ "$2" = absent ] && return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# xl itself, bounded: under TCG it has hung (and crashed) right after a
# rename-restart now and then; timeout runs the binary, not this function.
xl() {
	timeout -k 10 60 xl "$@"
	xl_rc=$?
	if [ "${xl_rc}" -eq 124 ] || [ "${xl_rc}" -eq 137 ]; then
		echo "DIAG xl hung: xl $*" >&2
	fi
	return "${xl_rc}"
}

# Where the payload is, with dom0's clock: locates a step that hangs.
step() { echo "STEP $1 at $(cut -d' ' -f1 /proc/uptime)"; }

# What went on, when a step timed out.
diagnose() {
	echo "DIAG $1"
	xl list 2>&1 | sed 's/^/DIAG xl list: /'
	tail -5 "$XLC_LOG_DIR/xlc-$2.log" 2>/dev/null | sed 's/^/DIAG monitor: /'
	tail -15 "$XLC_LOG_DIR/libxl.log" 2>/dev/null | sed 's/^/DIAG libxl: /'
	ps -eo pid,stat,comm,args 2>/dev/null | grep -E 'xlc|xl ' | grep -v grep | sed 's/^/DIAG ps: /'
}

# info, list, a guest's everyday commands, shutdown -w, on_reboot=restart.
part_everyday() {
xlc info | grep -E '^(xen_major|xen_minor|nr_cpus|total_memory|backend) ' | sed 's/^/CHECK info /'
# xl's keys in xl's order (xlc's own come after xend_config_format), and info FIELD.
xl info | cut -d: -f1 | sed 's/ *$//' >info.xl
xlc info | cut -d: -f1 | sed 's/ *$//' | sed '/^xend_config_format$/q' >info.xlc
cmp -s info.xl info.xlc && echo "CHECK info keys as xl" || diff info.xl info.xlc | sed 's/^/DIAG info keys: /'
same=0
for f in host release version machine nr_cpus cpu_mhz hw_caps total_memory xen_major xen_minor xen_extra xen_caps xen_changeset xen_commandline cc_compiler xend_config_format; do
	if [ "$(xlc info $f)" = "$(xl info $f)" ]; then same=$((same + 1)); else echo "DIAG info $f: xlc '$(xlc info $f)' xl '$(xl info $f)'"; fi
done
echo "CHECK info FIELD as xl: $same of 16"
xlc list | sed 's/^/CHECK list /'

cfg g1 shell
xlc create -q g1.cfg && echo "CHECK create g1 ok"
xlc list | sed 's/^/CHECK xlc-list /'
xl list | sed 's/^/CHECK xl-list /'
console_for g1 25
grep -q XLC-GUEST-READY g1.console && echo "CHECK g1 console marker"
xlc top -b -i 2 -d 1 | sed 's/^/TOP /'

# xl's everyday commands on a running guest, beside xl's own answers.
step "everyday commands"
xlc list -l g1 | jq -r '.[0] | "\(.domid) \(.config.c_info.name) \(.config.b_info.max_memkb)"' |
	sed 's/^/CHECK list-l: /'
xlc list --json g1 | jq -r '.[0] | "\(.state) \(.vcpus) \(.vcpu_time_ns | length) \(.vcpu_affinity[0]) \(.vcpu_running[0] | type)"' |
	sed 's/^/CHECK list-json: /'
xlc vcpu-list g1 | sed 's/^/CHECK vcpu-list: /'
xl vcpu-list g1 | sed 's/^/CHECK xl-vcpu-list: /'
xlc uptime g1 | sed 's/^/CHECK uptime: /'
xlc uptime Domain-0 | sed 's/^/CHECK dom0-uptime: /'
xl uptime Domain-0 | sed 's/^/CHECK xl-dom0-uptime: /'
[ "$(xlc domid g1)" = "$(xl domid g1)" ] && echo "CHECK domid: $(xlc domid g1) as xl"
[ "$(xlc domname "$(xl domid g1)")" = g1 ] && echo "CHECK domname: g1"
xlc uptime nosuch >/dev/null 2>&1; echo "CHECK uptime nosuch: exit $?"
# rename through libxl: xl sees the new name on the same id; and back.
id=$(xl domid g1)
xlc rename g1 g1b && [ "$(xl domid g1b)" = "$id" ] && echo "CHECK rename: xl sees g1b as $id"
xlc rename g1b g1
xlc pause g1
xl list g1 | awk 'NR == 2 { print "CHECK paused: " $5 }'
t1=$(xl list g1 | awk 'NR == 2 { print $6 }')
sleep 3
t2=$(xl list g1 | awk 'NR == 2 { print $6 }')
[ "$t1" = "$t2" ] && echo "CHECK paused: cpu time stays at $t1"
xlc unpause g1
xl list g1 | awk 'NR == 2 { print "CHECK unpaused: " $5 }'
# mem-set and mem-max through libxl: Xen's target for the guest's balloon, as xl's.
xlc mem-set g1 96 && echo "CHECK mem-set 96 ok"
echo "CHECK mem target $(xenstore-read "/local/domain/$id/memory/target" 2>&1)"
i=0
while [ "$(xl list g1 | awk 'NR == 2 { print $3 }')" -gt 100 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
echo "CHECK mem list $(xl list g1 | awk 'NR == 2 { print $3 }')"
xlc mem-max g1 120 && echo "CHECK mem-max 120 ok"
echo "CHECK mem static-max $(xenstore-read "/local/domain/$id/memory/static-max" 2>&1)"
xlc mem-set g1 12x 2>&1 | sed 's/^/CHECK mem-set bad: /'
# Above mem-max: libxl refuses it, as it does xl's.
xlc mem-set g1 128 2>&1 | tail -1 | sed 's/^/CHECK mem-set above max: /'
xlc mem-max g1 128 && xlc mem-set g1 128 && echo "CHECK mem-set 128 ok"
# vcpu-pin through libxl: xl's own vcpu-list shows the hard affinity.
xlc vcpu-pin g1 0 1 && xl vcpu-list g1 | awk 'NR == 2 { print "CHECK vcpu-pin: " $7, $8, $9 }'
xlc vcpu-pin g1 all all - && xl vcpu-list g1 | awk 'NR == 2 { print "CHECK vcpu-pin all: " $7, $8, $9 }'
# console: input reaches the guest's shell; -e x detaches on x.
step "console"
mkfifo in.fifo
(sleep 3; printf 'echo XLC-IN-$((6*7))\n'; sleep 4; printf 'x'; sleep 60) >in.fifo &
feeder=$!
timeout -k 10 30 xlc console -e x g1 <in.fifo >in.console 2>&1
echo "CHECK console -e: exit $?"
kill $feeder
grep -q XLC-IN-42 in.console && echo "CHECK console input reached g1"
start=$(cut -d' ' -f1 /proc/uptime)
timeout -k 10 120 xlc shutdown -w g1 2>&1 | sed 's/^/CHECK shutdown: /'
xlc list | grep -q '^g1 ' || echo "CHECK g1 gone after shutdown"

# on_reboot=restart: a guest that reboots itself comes back, as a new domain.
step "on_reboot=restart"
cfg g2 reboot 'on_reboot = "restart"'
timeout -k 10 120 xlc create -q g2.cfg || diagnose "create g2 timed out or failed" g2
i=0
while [ $i -lt 3000 ] && ! grep -q "restarted as domain" "$XLC_LOG_DIR/xlc-g2.log" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
grep "restarted as domain" "$XLC_LOG_DIR/xlc-g2.log" | head -1 | sed 's/^.*xlc-monitor/CHECK monitor/'
grep -q "restarted as domain" "$XLC_LOG_DIR/xlc-g2.log" 2>/dev/null || diagnose "no restart" g2
timeout -k 10 60 xlc list | grep -q '^g2 ' && echo "CHECK g2 listed after its reboot"
timeout -k 10 60 xlc destroy g2 && echo "CHECK destroy g2 ok" || diagnose "destroy g2" g2
wait_list g2 absent 30 && echo "CHECK g2 gone"
}

# create -p, -c, -F and on_reboot=rename-restart.
part_creates() {
# create -p: paused until unpause, then it runs.
step "create -p"
cfg g4 idle
timeout -k 10 120 xlc create -p -q g4.cfg
xl list g4 | awk 'NR == 2 { print "CHECK create -p: " $5 }'
xlc unpause g4
sleep 3
xl list g4 | awk 'NR == 2 && $6 > 0 { print "CHECK g4 runs after unpause" }'

# create -c: the console from the first byte; the end of input detaches.
step "create -c"
cfg g5 idle
sleep 60 | timeout -k 10 150 xlc create -q -c g5.cfg >g5.out 2>&1
echo "CHECK create -c: exit $?"
grep -q XLC-GUEST-READY g5.out && echo "CHECK create -c showed the boot"

# reboot: the guest is asked to reboot (g4 booted while create -c ran); its
# monitor brings it back.
step "reboot"
timeout -k 10 60 xlc reboot g4 2>&1 | sed 's/^/CHECK reboot: /'
i=0
while [ $i -lt 90 ] && ! grep -q "restarted as domain" "$XLC_LOG_DIR/xlc-g4.log" 2>/dev/null; do sleep 1; i=$((i + 1)); done
grep "restarted as domain" "$XLC_LOG_DIR/xlc-g4.log" | head -1 | sed 's/^.*xlc-monitor/CHECK monitor/'

# shutdown -a -w: every guest (g4, g5), never Domain-0, and waits for them.
step "shutdown -a"
timeout -k 10 150 xlc shutdown -a -w 2>&1 | sed 's/^/CHECK shutdown -a: /'
xl list | awk 'NR > 1 { print "CHECK after shutdown -a: " $1 }'

# create -F: xlc stays in the foreground until the guest is gone.
step "create -F"
cfg g6 poweroff
timeout -k 10 180 xlc create -F -q g6.cfg >g6.out 2>&1
echo "CHECK create -F: exit $?"
xl list | grep -q '^g6 ' || echo "CHECK g6 gone after create -F"

# on_reboot = rename-restart: the old domain stays, renamed, and the guest comes back.
step "on_reboot = rename-restart"
cfg g7 reboot 'on_reboot = "rename-restart"'
timeout -k 10 120 xlc create -q g7.cfg
i=0
while [ $i -lt 3000 ] && ! grep -q "restarted as domain" "$XLC_LOG_DIR/xlc-g7.log" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
grep "stays as" "$XLC_LOG_DIR/xlc-g7.log" | head -1 | sed 's/^.*xlc-monitor/CHECK monitor/'
xl list | grep -E '^g7-[0-9]{8}T[0-9]{4}Z ' | awk '{ print "CHECK renamed: " $1 " " $5 }' | head -1
timeout -k 10 60 xlc destroy g7 || diagnose "destroy g7" g7
for d in $(timeout -k 10 30 xl list | awk '/^g7-/ { print $1 }'); do timeout -k 10 60 xl destroy "$d"; done
}

# Bad input, -v, and create -n against xl -N over the corpus.
part_errors() {
# Bad input: each a clear line, nothing created.
step "Bad input"
cfg bad1 idle
sed -i 's|^kernel = .*|kernel = "/nonexistent/vmlinuz"|' bad1.cfg
timeout -k 10 60 xlc create -q bad1.cfg 2>&1 | sed 's/^/CHECK bad kernel: /'
cfg bad2 idle 'memory = 1000000'
timeout -k 10 60 xlc create -q bad2.cfg 2>&1 | sed 's/^/CHECK big memory: /'
cfg g3 idle
timeout -k 10 300 xlc create -q g3.cfg || echo "DIAG create g3: exit $?"
wait_list g3 present 120 || echo "DIAG g3 not listed"
timeout -k 10 300 xlc create -q g3.cfg 2>&1 | sed 's/^/CHECK duplicate: /'
# -v: libxl's own log lines on standard error.
step "-v"
timeout -k 10 60 xlc -v destroy g3 2>&1 | grep -m1 'libxl: debug:' | sed 's/^/CHECK -v: /'
xl list | grep -c -E '^(bad1|bad2) ' | sed 's/^/CHECK bad domains left: /'

# create -n: libxl's JSON from xlc equals xl -N create's, config by config.
step "create -n"
# Configs with keys only Xen honours (vnc, serial, boot...) are compared too.
same=0 differ=0 skipped=0 xlc_rejects=0
for f in /payload/corpus/*.cfg; do
	# Corpus files that only exercise the grammar name no kernel: give both one.
	set --
	grep -q '^ *\(kernel\|bootloader\|type *= *"hvm"\|builder\)' "$f" || set -- "kernel=\"$G/vmlinuz-pv\""
	if ! xl -N create "$f" "$@" >xl.json 2>xl.err; then
		skipped=$((skipped + 1))
		echo "CHECK xl -N refuses $f: $(tail -1 xl.err)"
		continue
	fi
	if ! xlc -b xen create -nq "$f" "$@" >xlc.json 2>/dev/null; then
		# xlc is stricter than xl (typos, bad numbers, bad vif tokens): the
		# corpus declares each such file.
		if grep -q '^# \(differential\|xen\): xlc-rejects' "$f"; then
			xlc_rejects=$((xlc_rejects + 1))
		else
			differ=$((differ + 1))
			echo "CHECK xlc refuses, undeclared: $f"
		fi
		continue
	fi
	if [ "$(jq -S 'del(.c_info.uuid)' xl.json)" = "$(jq -S 'del(.c_info.uuid)' xlc.json)" ]; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "CHECK json differs: $f"
		jq -S 'del(.c_info.uuid)' xl.json >a.json
		jq -S 'del(.c_info.uuid)' xlc.json >b.json
		diff a.json b.json | head -10
	fi
done
echo "CHECK json same=$same differ=$differ skipped=$skipped xlc_rejects=$xlc_rejects"
}

# Each argument names a part; the Xen suite boots one host per group of parts.
for part in "$@"; do
	"part_${part}"
done
# Any process of dom0 that crashed on the way, with where it crashed.
dmesg | grep -iE 'segfault|general protection|traps:|invalid opcode' | sed 's/^/DIAG dmesg: /'
