/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a guest stands on in the host, opened once by the VMM's privileged
 * part (the supervisor) and handed to every boot of the guest as open fds:
 * /dev/kvm, the kernel and ramdisk, the disk images (locked; a qcow2 or
 * other format served as raw by its qemu-storage-daemon), the taps
 * (created, up, on their bridge or set up by their vif script) and the
 * guest's cgroup. The process that runs the guest opens nothing by name.
 */
#ifndef XLC_KVM_HOST_H
#define XLC_KVM_HOST_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "backends/kvm/ctl.h"
#include "backends/kvm/vmm/qsd.h"
#include "backends/kvm/vmm_spec.h"

struct host_disk {
	int fd;
	uint64_t bytes;
	bool discard;	/* a regular file that may get holes */
	struct qsd qsd; /* the daemon that serves a qcow2 (...) image as raw */
};

struct host_nic {
	int fd;
	int vhost_fd; /* /dev/vhost-net for the next boot's guest process, or -1 */
	/* The tap's counters when this boot began (enum net_counter's order): its
	 * own count from its creation on, less these, is this boot's. */
	uint64_t tap_base[NET_NCOUNTERS];
	char ifname[IFNAMSIZ];
	char **script_env; /* set when its vif script ran "add": "remove" runs at close */
};

struct host {
	int kvm_fd;
	int kernel_fd, initrd_fd;
	char *boot_cmdline; /* bootloader: the chosen entry's command line */
	char *boot_what;    /* bootloader: where its kernel came from */
	struct host_disk disks[VMM_SPEC_MAX_DISKS];
	unsigned ndisks;
	struct host_nic nics[VMM_SPEC_MAX_NICS];
	unsigned nnics;
	char *cgroup;	      /* the guest's cgroup folder, or NULL */
	int cgroup_procs_fd;  /* its cgroup.procs, for each boot to join */
	char *cgroup_missing; /* why there is none, for info and the log */
	int log_fd;	      /* vif scripts write here (the VMM log), or -1 */
};

/* A host with nothing open (every fd -1). */
void host_init(struct host *h);
/*
 * Opens everything for the guest; 0, or -1 with *err (and nothing left
 * open or created). domid names the default taps (vif<domid>.<devid>).
 */
int host_open(struct host *h, const struct vmm_spec *s, int domid, char **err);
/*
 * The kernel and ramdisk files of a config without a bootloader, if not
 * open yet: a restore opens none, and its first reboot needs them. 0, or -1
 * with *err.
 */
int host_open_kernel(struct host *h, const struct vmm_spec *s, char **err);
/*
 * cd-insert / cd-eject: disk i (a cdrom) gets the medium at path (NULL:
 * none), opened read-only and locked as a reader; the old one is closed
 * here (the guest process holds its own copy until it lets go). 0, or -1
 * with *err and nothing changed.
 */
int host_change_medium(struct host *h, unsigned i, const char *path, char **err);
/*
 * bootloader = "pygrub", before each boot: the kernel, initrd and command
 * line from the guest's disk (bootloader.c), replacing the last boot's. 0,
 * or -1 with a one-line *err.
 */
int host_read_boot_disk(struct host *h, const struct vmm_spec *s, int domid, char **err);
/* Closes it all: the vif scripts' "remove", the taps, the images, the cgroup. */
void host_close(struct host *h, const struct vmm_spec *s);

/*
 * A migration's handover of the disk images: their locks go, for the
 * target (on this host too) to take; if the migration fails they come back,
 * or (another took an image meanwhile) -1 with *err. Images served by
 * qemu-storage-daemon keep its locks.
 */
void host_unlock_disks(struct host *h, const struct vmm_spec *s);
int host_relock_disks(struct host *h, const struct vmm_spec *s, char **err);
/*
 * vhost-net for a boot: opens /dev/vhost-net for each NIC that may use it
 * (vhost_net in the limits, no rate=) where the host has it; the guest
 * process takes them over, and host_vhost_close() closes the supervisor's
 * copies once it has forked (a vhost device belongs to one process for its
 * life, so each boot gets its own).
 */
void host_vhost_open(struct host *h, const struct vmm_spec *s);
void host_vhost_close(struct host *h);
/* The fds a boot of the guest inherits (kvm, kernel, initrd, disks, taps); returns how many. */
unsigned host_fds(const struct host *h, int *fds, unsigned max);

#endif
