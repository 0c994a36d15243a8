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
		if timeout 20 xlc list | grep -q "^$1 "; then [ "$2" = present ] && return 0; else [ "$2" = absent ] && return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

xlc info | grep -E '^(xen_major|xen_minor|nr_cpus|total_memory|backend) ' | sed 's/^/CHECK info /'
xlc list | sed 's/^/CHECK list /'

cfg g1 idle
xlc create -q g1.cfg && echo "CHECK create g1 ok"
xlc list | sed 's/^/CHECK xlc-list /'
xl list | sed 's/^/CHECK xl-list /'
console_for g1 25
grep -q XLC-GUEST-READY g1.console && echo "CHECK g1 console marker"
xlc top -b -i 2 -d 1 | sed 's/^/TOP /'
start=$(cut -d' ' -f1 /proc/uptime)
timeout 120 xlc shutdown -w g1 2>&1 | sed 's/^/CHECK shutdown: /'
xlc list | grep -q '^g1 ' || echo "CHECK g1 gone after shutdown"

# What went on, when a step timed out.
diagnose() {
	echo "DIAG $1"
	xl list 2>&1 | sed 's/^/DIAG xl list: /'
	tail -5 "$XLC_LOG_DIR/xlc-$2.log" 2>/dev/null | sed 's/^/DIAG monitor: /'
	tail -15 "$XLC_LOG_DIR/libxl.log" 2>/dev/null | sed 's/^/DIAG libxl: /'
	ps -eo pid,stat,comm,args 2>/dev/null | grep -E 'xlc|xl ' | grep -v grep | sed 's/^/DIAG ps: /'
}

# on_reboot=restart: a guest that reboots itself comes back, as a new domain.
cfg g2 reboot 'on_reboot = "restart"'
timeout 120 xlc create -q g2.cfg || diagnose "create g2 timed out or failed" g2
i=0
while [ $i -lt 900 ] && ! grep -q "restarted as domain" "$XLC_LOG_DIR/xlc-g2.log" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
grep "restarted as domain" "$XLC_LOG_DIR/xlc-g2.log" | head -1 | sed 's/^.*xlc-monitor/CHECK monitor/'
grep -q "restarted as domain" "$XLC_LOG_DIR/xlc-g2.log" 2>/dev/null || diagnose "no restart" g2
timeout 60 xlc list | grep -q '^g2 ' && echo "CHECK g2 listed after its reboot"
timeout 60 xlc destroy g2 && echo "CHECK destroy g2 ok" || diagnose "destroy g2" g2
wait_list g2 absent 30 && echo "CHECK g2 gone"

# Bad input: each a clear line, nothing created.
cfg bad1 idle
sed -i 's|^kernel = .*|kernel = "/nonexistent/vmlinuz"|' bad1.cfg
timeout 60 xlc create -q bad1.cfg 2>&1 | sed 's/^/CHECK bad kernel: /'
cfg bad2 idle 'memory = 1000000'
timeout 60 xlc create -q bad2.cfg 2>&1 | sed 's/^/CHECK big memory: /'
cfg g3 idle
timeout 120 xlc create -q g3.cfg
timeout 60 xlc create -q g3.cfg 2>&1 | sed 's/^/CHECK duplicate: /'
timeout 60 xlc destroy g3
xl list | grep -c -E '^(bad1|bad2) ' | sed 's/^/CHECK bad domains left: /'

# create -n: libxl's JSON from xlc equals xl -N create's, config by config.
# Configs with keys only Xen honours (vnc, serial, boot...) are counted apart:
# xlc does not hand those keys' values to libxl yet.
same=0 differ=0 skipped=0 xen_only=0 xlc_rejects=0
for f in /payload/corpus/*.cfg; do
	# Corpus files that only exercise the grammar name no kernel: give both one.
	set --
	grep -q '^ *\(kernel\|bootloader\|type *= *"hvm"\|builder\)' "$f" || set -- "kernel=\"$G/vmlinuz-pv\""
	if ! xl -N create "$f" "$@" >xl.json 2>xl.err; then
		skipped=$((skipped + 1))
		echo "CHECK xl -N refuses $f: $(tail -1 xl.err)"
		continue
	fi
	if xlc -b kvm create -nq "$f" "$@" 2>&1 >/dev/null | grep -q 'ignored by the kvm backend'; then
		xen_only=$((xen_only + 1))
		continue
	fi
	if ! xlc -b xen create -nq "$f" "$@" >xlc.json 2>/dev/null; then
		# xlc is stricter than xl (typos, bad numbers, bad vif tokens): the
		# corpus declares each such file.
		if grep -q '^# differential: xlc-rejects' "$f"; then
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
echo "CHECK json same=$same differ=$differ skipped=$skipped xen_only=$xen_only xlc_rejects=$xlc_rejects"
