/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `xlc create` hands the VMM program (xlc-vmm): one guest, with every
 * default already applied and every path absolute, as a versioned JSON
 * document on a memfd. The CLI writes it (vmm_spec_to_json), the VMM reads
 * it (vmm_spec_from_json); nothing else of the config reaches the VMM, so
 * the VMM links neither the config parsers nor any Xen library.
 *
 * The JSON is also the record of what a guest was started with: list -l
 * prints its "config" member, the libxl-shaped config, as is.
 */
#ifndef XLC_KVM_VMM_SPEC_H
#define XLC_KVM_VMM_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMM_SPEC_VERSION 1
#define VMM_SPEC_MAX_BYTES (4u << 20) /* a spec larger than this is refused */
#define VMM_SPEC_MAX_DISKS 15
#define VMM_SPEC_MAX_NICS 15
#define VMM_SPEC_MAX_VCPUS 255

/* What happens when the guest powers off, reboots or crashes (xl's on_*). */
enum vmm_action {
	VMM_ACTION_DESTROY,
	VMM_ACTION_RESTART,
	VMM_ACTION_RENAME_RESTART,
	VMM_ACTION_PRESERVE,
};

/* A virtio-blk disk, in the guest's order (vda first). */
struct vmm_disk {
	char *vdev;	      /* "xvda": its name in stats and messages */
	char *path;	      /* absolute: an image or a block device; NULL: an empty cdrom */
	char *format;	      /* QEMU's driver (vmm_disk_format_known) or NULL: raw */
	unsigned long devnum; /* Xen's number for vdev, for top's VBD lines */
	bool readonly;	      /* every cdrom is */
	bool cdrom;
	bool discard; /* the guest may punch holes (unless no-discard) */
};

/* Whether format is an image format the VMM serves through qemu-storage-daemon. */
bool vmm_disk_format_known(const char *format);

/* A virtio-net NIC on a tap. */
struct vmm_nic {
	int devid;
	uint8_t mac[6];
	char *ifname; /* vifname=, or NULL: vif<domid>.<devid> */
	char *bridge; /* the bridge xlc attaches the tap to, unless script is set */
	char *script; /* absolute path of the vif script, or NULL */
	char *ip;     /* passed to the script */
	unsigned long mtu;
	uint64_t rate_bytes; /* per interval; 0: no limit */
	uint32_t rate_interval_us;
};

/* Where one vCPU may run: the host CPUs of its cpus= list (none: anywhere). */
struct vmm_pin {
	char *text; /* the list as the config wrote it ("0-3"), or NULL */
	uint16_t *cpus;
	unsigned ncpus;
};

/* How the VMM confines itself (xlc.conf's vmm_* keys). */
enum vmm_seccomp_mode {
	VMM_SECCOMP_KILL, /* a system call outside the allow-list kills the VMM */
	VMM_SECCOMP_TRAP, /* the same, after naming the call in the log (debugging) */
	VMM_SECCOMP_LOG,  /* allowed, but the kernel logs it (finding a missing entry) */
	VMM_SECCOMP_OFF,
};

struct vmm_limits {
	uint32_t uid_base;     /* the VMM runs as uid_base + domid (and that gid) */
	char *cgroup_parent;   /* cgroup v2 folder for the guests' cgroups, "" for none */
	uint64_t mem_overhead; /* bytes above guest RAM the cgroup allows */
	enum vmm_seccomp_mode seccomp;
	uint64_t console_log_max; /* bytes before a log is rotated to .1 */
	uint64_t vmm_log_max;
	bool console_timestamps;
	bool vhost_net;	 /* NICs without rate= move frames in the host kernel, if it can */
	bool test_hooks; /* the "debug-" control commands (tests only) */
};

struct vmm_spec {
	int version;
	char *name;
	char *uuid;
	uint64_t memory_mib; /* RAM at boot */
	uint64_t maxmem_mib;
	int vcpus;	      /* online at boot */
	int max_vcpus;	      /* present (maxcpus= onlines the first vcpus) */
	struct vmm_pin *pins; /* max_vcpus entries */
	char *kernel, *ramdisk, *cmdline;
	/*
	 * bootloader = "pygrub": the kernel, initrd and command line come from
	 * the first disk's boot menu at each boot; kernel, ramdisk and cmdline
	 * above are then pygrub's --kernel, --ramdisk (paths on that disk) and
	 * --args, each NULL when not given.
	 */
	bool bootloader;
	char *boot_entry; /* pygrub's --entry, or NULL */
	int boot_disk;	  /* the disk it reads: the config's first (disks[] is in vdev order) */
	enum vmm_action on_poweroff, on_reboot, on_crash;
	struct vmm_disk *disks;
	unsigned ndisks;
	struct vmm_nic *nics;
	unsigned nnics;
	char *run_dir, *log_dir;
	struct vmm_limits limits;
	bool paused;  /* create -p */
	bool restore; /* restore: the machine stream on the VMM's fd 5 replaces the boot */
	/*
	 * migrate-receive: a disk image still locked (by the source, which lets
	 * go as it starts to send) is tried again for this long
	 */
	uint32_t disk_lock_wait_s;
	bool foreground;   /* create -F: the console on stdout, messages on stderr */
	bool console_tty;  /* create -F on a terminal: xlc relays the console instead */
	char *config_json; /* the libxl-shaped config, for list -l */
};

/* The JSON document; the caller frees it. */
char *vmm_spec_to_json(const struct vmm_spec *s);
/*
 * Reads a spec; NULL with a one-line *err if the text is not a spec of this
 * version, a member is missing or has the wrong type, or a value is out of
 * range. Every string is checked to be NUL-free and every count bounded.
 */
struct vmm_spec *vmm_spec_from_json(const char *text, size_t len, char **err);
void vmm_spec_free(struct vmm_spec *s);

const char *vmm_action_name(enum vmm_action a); /* xl's: "rename-restart" */
bool vmm_action_parse(const char *name, enum vmm_action *out);
const char *vmm_seccomp_mode_name(enum vmm_seccomp_mode m);
bool vmm_seccomp_mode_parse(const char *name, enum vmm_seccomp_mode *out);

#endif
