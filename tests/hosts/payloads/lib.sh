# Shared by the payloads that run inside the KVM test host: the guests'
# console logs, and waiting for a line in one.
export XLC_RUN_DIR=/run/xlc XLC_LOG_DIR=/var/log/xlc
# The guest's bytes, without the timestamp xlc puts at each console log line.
log() { sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} //' "$XLC_LOG_DIR/console/$1.log" 2>/dev/null; }
wait_for() { # name pattern seconds
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		log "$1" | grep -q "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "CHECK timeout waiting for '$2' in $1's console"
	log "$1" | tail -5
	return 1
}
