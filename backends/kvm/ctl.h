/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kvm backend's control protocol: what `xlc` (the client) and a guest's
 * VMM (xlc-vmm, the server on <run_dir>/<name>.sock) say to each other.
 *
 * A client connects, writes one command line and reads the reply up to EOF:
 * "ok\n", "error <why>\n", or for "info" the record below as one JSON object.
 * "wait" gets no reply: the VMM closes the connection when the domain is
 * gone. "console" replies "ok\n" and the connection then carries the guest's
 * serial port both ways. A line longer than CTL_LINE_MAX, holding a byte
 * below 0x20, or not finished within CTL_CLIENT_TIMEOUT_MS is refused.
 *
 * Both sides name commands and record keys only through this header.
 */
#ifndef XLC_KVM_CTL_H
#define XLC_KVM_CTL_H

#include <stdbool.h>

#define CTL_VERSION 1
#define CTL_LINE_MAX 4224	   /* "medium VDEV PATH": a path of up to PATH_MAX */
#define CTL_CLIENT_TIMEOUT_MS 5000 /* the VMM drops a client silent for this long */
#define CTL_REPLY_TIMEOUT_MS 1000  /* the client gives up on a VMM silent for this long */
#define CTL_REPLY_MAX (16u << 20)  /* the client reads at most this much */

enum ctl_command {
	CTL_INFO,
	CTL_WAIT,
	CTL_DESTROY,
	CTL_SHUTDOWN, /* the ACPI power button */
	CTL_REBOOT,   /* Ctrl-Alt-Del */
	CTL_RESET,    /* reboot -F */
	CTL_PAUSE,
	CTL_UNPAUSE,
	CTL_CONSOLE,
	CTL_RENAME,	   /* "rename NEWNAME" */
	CTL_MEM_SET,	   /* "mem-set KIB": the balloon's target */
	CTL_MEM_MAX,	   /* "mem-max KIB": the ceiling of mem-set */
	CTL_VCPU_PIN,	   /* "vcpu-pin N|all CPULIST": a vCPU's hard affinity */
	CTL_VCPU_SET,	   /* "vcpu-set N": vCPUs 0..N-1 present, the others removed */
	CTL_MEDIUM,	   /* "medium VDEV [PATH]": a cdrom's new medium, or none */
	CTL_DEBUG_SYSCALL, /* tests: the VMM makes a system call its filter forbids */
	CTL_SPEC,	   /* "spec": the reply is the spec the VMM runs (vmm_spec.h) */
	CTL_SAVE,	   /* "save stop|pause|run|handover", with the stream's fd (below) */
	CTL_RELOCK,	   /* "relock": a failed migration's source takes its disks back */
	CTL_NCOMMANDS,
	CTL_UNKNOWN = CTL_NCOMMANDS,
};

const char *ctl_command_name(enum ctl_command c);
/*
 * The command a line names (without its newline), or CTL_UNKNOWN; *arg (if
 * not NULL) points at what follows its first blank, or is NULL.
 */
enum ctl_command ctl_command_parse(const char *line, const char **arg);

/*
 * save: the line comes with one fd (SCM_RIGHTS on its first byte), which
 * the machine stream (snapshot/FORMAT.md) is written to and then closed;
 * the reply follows once it is. Then the guest ends (stop), stays paused
 * (pause, xl save -p; handover, a migration's, also lets go of its disk
 * images until "relock") or runs on (run, -c); a failed save leaves it as
 * it was. Make it non-blocking: the VMM then gives up on a reader that takes
 * nothing for SNAP_STALL_MS instead of waiting for ever.
 */
#define CTL_SAVE_TIMEOUT_MS (30 * 60 * 1000) /* the whole save, whatever the guest's size */
#define CTL_SAVE_STOP "stop"
#define CTL_SAVE_PAUSE "pause"
#define CTL_SAVE_RUN "run"
#define CTL_SAVE_HANDOVER "handover" /* pause, and let go of the disk images' locks */

/* The info record's keys. */
#define CTL_KEY_VERSION "ctl_version"
#define CTL_KEY_DOMID "domid"
#define CTL_KEY_NAME "name"
#define CTL_KEY_PID "pid"
#define CTL_KEY_VMM_PID "vmm_pid"
#define CTL_KEY_STATE "state" /* running, paused, shutdown */
#define CTL_KEY_SHUTDOWN_REASON "shutdown_reason"
#define CTL_KEY_CRASH_REASON "crash_reason"
#define CTL_KEY_MEMORY_MIB "memory_mib"
#define CTL_KEY_MAXMEM_MIB "maxmem_mib"
#define CTL_KEY_TARGET_MIB "memory_target_mib" /* mem-set's, which the guest follows */
#define CTL_KEY_RAM_MIB "ram_mib"	       /* the machine's RAM: the most mem-max allows */
#define CTL_KEY_VCPUS "vcpus"
#define CTL_KEY_MAX_VCPUS "max_vcpus"
#define CTL_KEY_CPU_TIME_NS "cpu_time_ns"
#define CTL_KEY_BLOCKED "blocked"
#define CTL_KEY_START_TIME "start_time"
#define CTL_KEY_BOOTS "boots"
#define CTL_KEY_DEVICES "devices"
#define CTL_KEY_CONFINEMENT "confinement"
#define CTL_KEY_CONFIG "config"
/* Each device. */
#define CTL_KEY_DEV_KIND "kind" /* vbd, vif, rng */
#define CTL_KEY_DEV_NAME "name"
#define CTL_KEY_DEV_STATE "state" /* reset, starting, running, needs-reset */
#define CTL_KEY_DEV_SECTORS "sectors"
#define CTL_KEY_DEV_READONLY "readonly"
#define CTL_KEY_DEV_PATH "path" /* a disk's image; "" for an empty cdrom drive */
#define CTL_KEY_DEV_CDROM "cdrom"
#define CTL_KEY_DEV_MAC "mac"
#define CTL_KEY_DEV_PATH_NET "data_path" /* a NIC's: "vhost-net" or "vmm" */

/* The states a VMM reports; a client that gets no answer says "unresponsive". */
#define CTL_STATE_RUNNING "running"
#define CTL_STATE_PAUSED "paused"
#define CTL_STATE_SHUTDOWN "shutdown"
#define CTL_STATE_UNRESPONSIVE "unresponsive"

/*
 * Device counters: the VMM counts in these slots, the info record names them
 * with these keys, and top reads them back by the same keys.
 */
enum blk_counter {
	BLK_RD_REQ,
	BLK_WR_REQ,
	BLK_RD_SECT,
	BLK_WR_SECT,
	BLK_FLUSH_REQ,
	BLK_OO_REQ,
	BLK_ERRORS,
	BLK_NCOUNTERS
};
enum net_counter {
	NET_TX_BYTES,
	NET_TX_PACKETS,
	NET_TX_DROPS,
	NET_RX_BYTES,
	NET_RX_PACKETS,
	NET_RX_DROPS,
	NET_NCOUNTERS
};
enum rng_counter { RNG_REQUESTS, RNG_BYTES, RNG_NCOUNTERS };
/* The balloon: its target and what the guest holds (pages), and the guest's own figures. */
enum balloon_counter {
	BALLOON_TARGET_PAGES,
	BALLOON_ACTUAL_PAGES,
	BALLOON_INFLATED, /* pages given back to the host, in all */
	BALLOON_DEFLATED,
	BALLOON_FREE_BYTES, /* from the guest's statistics: 0 until it sends them */
	BALLOON_TOTAL_BYTES,
	BALLOON_AVAIL_BYTES,
	BALLOON_CACHES_BYTES,
	BALLOON_NCOUNTERS
};
#define CTL_MAX_COUNTERS 8

extern const char *const blk_counter_keys[BLK_NCOUNTERS];
extern const char *const net_counter_keys[NET_NCOUNTERS];
extern const char *const rng_counter_keys[RNG_NCOUNTERS];
extern const char *const balloon_counter_keys[BALLOON_NCOUNTERS];

#endif
