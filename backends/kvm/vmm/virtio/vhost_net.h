/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net's kernel data path: the host's vhost-net moves frames between
 * the tap and the guest's rings itself, so the VMM only sets the rings up
 * (at DRIVER_OK) and takes them back (at reset). Kicks reach vhost straight
 * from KVM's ioeventfd, and vhost's "used" signals go straight to the
 * device's irqfd: the interrupt status then reports "used buffers" for as
 * long as vhost holds the rings, since the driver reads it before it looks
 * at them and nobody here sees the signal to set it. (Without an irqfd the
 * I/O thread relays each signal and sets the status first.)
 *
 * vhost reaches buffers only through the memory table, which holds guest
 * RAM alone. Ring addresses it takes as given (it checks only that they are
 * user addresses): they must be, as they are here, the host pointers
 * virtq_activate() resolved and checked. A queue the driver disables after
 * DRIVER_OK keeps its checked rings in vhost until the next reset.
 */
#ifndef XLC_KVM_VHOST_NET_H
#define XLC_KVM_VHOST_NET_H

#include <stdint.h>

#include "backends/kvm/vmm/virtio/virtio.h"

struct vhost_net;

/*
 * Takes ownership of fd (an open /dev/vhost-net) for dev, a virtio-net
 * device with two queues whose transport is set up. Returns NULL (fd closed)
 * with *why if vhost cannot serve this VM; *features then has the feature
 * bits vhost can carry, for the device to offer.
 */
struct vhost_net *vhost_net_open(struct virtio_dev *dev, int fd, uint64_t *features, char **why);
/* DRIVER_OK: the rings as the driver set them, the negotiated features, the tap. */
int vhost_net_start(struct vhost_net *v, int tap_fd, char **why);
/* A reset: vhost lets go of the rings (it stops before this returns). */
void vhost_net_stop(struct vhost_net *v);
void vhost_net_free(struct vhost_net *v);

#endif
