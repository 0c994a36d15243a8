/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Image formats other than raw (qcow2, qcow, vhd, qed) through QEMU's block
 * layer, as xl serves them on Xen through QEMU's qdisk: one
 * qemu-storage-daemon per such disk, started by the supervisor, exports the
 * image as a raw file over FUSE at a mountpoint in the run directory. The
 * VMM opens that file as it opens a raw image, so its virtio-blk, its
 * confinement and its seccomp filter are the same for every format, while
 * QEMU keeps the format's own image locks and backing files.
 */
#ifndef XLC_KVM_QSD_H
#define XLC_KVM_QSD_H

#include <stdbool.h>
#include <sys/types.h>

/* How long the daemon may take to export the image, and to stop. */
#define QSD_START_TIMEOUT_MS 30000
#define QSD_STOP_TIMEOUT_MS 10000

struct qsd {
	pid_t pid;	  /* 0: no daemon */
	char *mountpoint; /* the image's raw view while the daemon runs */
};

/*
 * Starts the daemon for image in QEMU's format driver (e.g. "qcow2"), read
 * only or not, passing the guest's discards on to the image (QEMU's
 * discard=unmap) or not, and waits (bounded) until mountpoint shows the raw
 * view. The
 * daemon has no network (a net namespace of its own), of root's
 * capabilities only CAP_SYS_ADMIN (to mount its export) and
 * CAP_DAC_OVERRIDE (images of other users), gains no privilege on exec,
 * and gets SIGTERM when the supervisor dies. 0, or -1 with a
 * one-line *err (QEMU's own reason, e.g. the image locked by another
 * guest) and nothing left running or mounted.
 */
int qsd_start(struct qsd *q, const char *image, const char *driver, bool readonly, bool discard,
	      const char *mountpoint, char **err);
/* Stops the daemon (SIGTERM, SIGKILL after a bound), unmounts and removes the mountpoint. */
void qsd_stop(struct qsd *q);

#endif
