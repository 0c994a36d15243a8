// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/ctl.h"

#include <string.h>

static const char *const command_names[CTL_NCOMMANDS] = {
	[CTL_INFO] = "info",	     [CTL_WAIT] = "wait",
	[CTL_DESTROY] = "destroy",   [CTL_SHUTDOWN] = "shutdown",
	[CTL_REBOOT] = "reboot",     [CTL_RESET] = "reset",
	[CTL_PAUSE] = "pause",	     [CTL_UNPAUSE] = "unpause",
	[CTL_CONSOLE] = "console",   [CTL_RENAME] = "rename",
	[CTL_MEM_SET] = "mem-set",   [CTL_MEM_MAX] = "mem-max",
	[CTL_VCPU_PIN] = "vcpu-pin", [CTL_VCPU_SET] = "vcpu-set",
	[CTL_MEDIUM] = "medium",     [CTL_DEBUG_SYSCALL] = "debug-forbidden-syscall",
	[CTL_SPEC] = "spec",	     [CTL_SAVE] = "save",
	[CTL_RELOCK] = "relock",
};

const char *const blk_counter_keys[BLK_NCOUNTERS] = {
	[BLK_RD_REQ] = "rd_req",   [BLK_WR_REQ] = "wr_req",	  [BLK_RD_SECT] = "rd_sect",
	[BLK_WR_SECT] = "wr_sect", [BLK_FLUSH_REQ] = "flush_req", [BLK_OO_REQ] = "oo_req",
	[BLK_ERRORS] = "errors",
};

const char *const net_counter_keys[NET_NCOUNTERS] = {
	[NET_TX_BYTES] = "tx_bytes", [NET_TX_PACKETS] = "tx_packets", [NET_TX_DROPS] = "tx_drops",
	[NET_RX_BYTES] = "rx_bytes", [NET_RX_PACKETS] = "rx_packets", [NET_RX_DROPS] = "rx_drops",
};

const char *const rng_counter_keys[RNG_NCOUNTERS] = {
	[RNG_REQUESTS] = "requests",
	[RNG_BYTES] = "bytes",
};

const char *const balloon_counter_keys[BALLOON_NCOUNTERS] = {
	[BALLOON_TARGET_PAGES] = "target_pages",
	[BALLOON_ACTUAL_PAGES] = "actual_pages",
	[BALLOON_INFLATED] = "inflated_pages",
	[BALLOON_DEFLATED] = "deflated_pages",
	[BALLOON_FREE_BYTES] = "guest_free_bytes",
	[BALLOON_TOTAL_BYTES] = "guest_total_bytes",
	[BALLOON_AVAIL_BYTES] = "guest_available_bytes",
	[BALLOON_CACHES_BYTES] = "guest_caches_bytes",
};

const char *ctl_command_name(enum ctl_command c)
{
	return (unsigned)c < CTL_NCOMMANDS ? command_names[c] : "?";
}

enum ctl_command ctl_command_parse(const char *line, const char **arg)
{
	size_t len = strcspn(line, " ");
	unsigned i;

	if (arg)
		*arg = line[len] ? line + len + 1 : NULL;
	for (i = 0; i < CTL_NCOMMANDS; i++)
		if (strlen(command_names[i]) == len && !strncmp(line, command_names[i], len))
			return (enum ctl_command)i;
	return CTL_UNKNOWN;
}
