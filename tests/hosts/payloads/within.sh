# Waiting in the payloads of both test hosts, bounded by the clock and not by
# rounds: under TCG one round of xlc list can take a second, and 1200 rounds
# of 0.1 s would be twenty minutes.
uptime_s() { cut -d. -f1 /proc/uptime; }
# within SECONDS CONDITION: evaluates the shell condition until it holds (0)
# or the seconds have passed (1). The condition sees functions and variables,
# but $1, $2... are within's own: expand the caller's before the call.
within() {
	within_end=$(($(uptime_s) + $1))
	until eval "$2"; do
		[ "$(uptime_s)" -le "$within_end" ] || return 1
		sleep 0.2
	done
}
