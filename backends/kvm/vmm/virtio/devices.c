// SPDX-License-Identifier: GPL-2.0
/* Where virtio devices sit. */
#include "backends/kvm/vmm/virtio/devices.h"

#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

/*
 * IO-APIC pins no ISA device uses: 16-23 first (as QEMU's microvm), then the
 * free ISA ones. Each device gets its own edge-triggered line.
 */
static const unsigned slot_gsis[VIRTIO_SLOTS] = { 16, 17, 18, 19, 20, 21, 22, 23,
						  5,  6,  7,  10, 11, 14, 15 };

bool virtio_slot_get(unsigned index, struct virtio_slot *slot)
{
	if (index >= VIRTIO_SLOTS)
		return false;
	*slot = (struct virtio_slot){
		.base = VIRTIO_MMIO_BASE + (uint64_t)index * VIRTIO_MMIO_SIZE,
		.gsi = slot_gsis[index],
	};
	return true;
}

struct virtio_dev *virtio_dev_new(struct vm *vm, const struct virtio_dev_ops *ops, const char *kind,
				  const char *name, uint32_t device_id, unsigned nqueues,
				  void *priv, const struct virtio_slot *slot)
{
	struct virtio_dev *dev = xcalloc(1, sizeof(*dev));

	dev->ops = ops;
	dev->kind = kind;
	dev->name = xstrdup(name);
	dev->device_id = device_id;
	dev->nqueues = nqueues;
	dev->priv = priv;
	dev->inline_io = slot->inline_io;
	dev->stats = slot->stats;
	if (!dev->stats) {
		dev->stats = xcalloc(1, sizeof(*dev->stats));
		dev->stats_owned = true;
	}
	vm->virtio[vm->nvirtio++] = dev;
	return dev;
}
