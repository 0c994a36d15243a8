# Shared by the payloads that run inside the KVM test host: the guests'
# console logs, and waiting for a line in one.
export XLC_RUN_DIR=/run/xlc XLC_LOG_DIR=/var/log/xlc
# The guest's bytes, without the timestamp xlc puts at each console log line.
log() { sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} //' "$XLC_LOG_DIR/console/$1.log" 2>/dev/null; }
. ./within.sh
wait_for() { # name pattern seconds
	wait_name=$1 wait_pattern=$2
	within "$3" 'log "$wait_name" | grep -q "$wait_pattern"' && return 0
	echo "CHECK timeout waiting for '$2' in $1's console"
	log "$1" | tail -5
	# What the VMM said and where its threads are, for a guest that never ran.
	tail -5 "$XLC_LOG_DIR/xlc-$1.log" 2>/dev/null | sed "s/^/DIAG $1 vmm log: /"
	xlc list --json 2>/dev/null | jq -c ".[] | select(.name == \"$1\") | {state, vmm_pid, cpu_time_ns}" |
		sed "s/^/DIAG $1: /"
	pid=$(xlc list --json 2>/dev/null | jq ".[] | select(.name == \"$1\") | .vmm_pid")
	[ -n "$pid" ] && for t in /proc/$pid/task/*; do
		echo "DIAG $1 thread $(cat "$t/comm" 2>/dev/null) $(cut -d' ' -f3 "$t/stat" 2>/dev/null) $(cat "$t/wchan" 2>/dev/null)"
	done 2>/dev/null
	return 1
}
