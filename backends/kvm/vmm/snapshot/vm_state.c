// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel PICs, IOAPIC, PIT and kvmclock, saved and loaded
 * (vm_state.h). Each record is KVM's own structures (x86's KVM ABI) at
 * their exact sizes; a record of any other size is refused before KVM
 * sees it.
 */
#include "backends/kvm/vmm/snapshot/vm_state.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/util.h"

/* Master PIC, slave PIC, IOAPIC: KVM's chip ids 0, 1, 2. */
#define NCHIPS 3
/* Where every x86 machine has it (and xlc's ACPI tables say) */
#define IOAPIC_BASE 0xfec00000u

static int fail(char **err, const char *what)
{
	*err = xasprintf("%s: %s", what, strerror(errno));
	return -1;
}

int snap_vm_save(int vm_fd, struct snap_writer *w, char **err)
{
	struct kvm_irqchip chips[NCHIPS];
	struct kvm_pit_state2 pit;
	struct kvm_clock_data clock;
	unsigned i;

	memset(chips, 0, sizeof(chips));
	for (i = 0; i < NCHIPS; i++) {
		chips[i].chip_id = i;
		if (ioctl(vm_fd, KVM_GET_IRQCHIP, &chips[i]) < 0)
			return fail(err, "KVM_GET_IRQCHIP");
	}
	memset(&pit, 0, sizeof(pit));
	memset(&clock, 0, sizeof(clock));
	if (ioctl(vm_fd, KVM_GET_PIT2, &pit) < 0)
		return fail(err, "KVM_GET_PIT2");
	if (ioctl(vm_fd, KVM_GET_CLOCK, &clock) < 0)
		return fail(err, "KVM_GET_CLOCK");
	/* kvmclock continues from its value; the host's realtime is not carried */
	clock.flags = 0;
	return snap_write_record(w, SNAP_IRQCHIP, chips, sizeof(chips), err) ||
			       snap_write_record(w, SNAP_PIT, &pit, sizeof(pit), err) ||
			       snap_write_record(w, SNAP_CLOCK, &clock, sizeof(clock), err)
		       ? -1
		       : 0;
}

static bool sized(const struct snap_record *rec, size_t want, const char *what, char **err)
{
	if (rec->len == want)
		return true;
	*err = xasprintf("the stream's %s record is %zu bytes; it must be %zu", what, rec->len,
			 want);
	return false;
}

static int load_irqchip(int vm_fd, const struct snap_record *rec, char **err)
{
	struct kvm_irqchip chips[NCHIPS];
	unsigned i;

	if (!sized(rec, sizeof(chips), "irqchip", err))
		return -1;
	memcpy(chips, rec->data, sizeof(chips));
	for (i = 0; i < NCHIPS; i++) {
		if (chips[i].chip_id != i ||
		    (i == KVM_IRQCHIP_IOAPIC && chips[i].chip.ioapic.base_address != IOAPIC_BASE)) {
			*err = xasprintf("the stream's irqchip record has chip %u in place of %u, "
					 "or an IOAPIC away from %#x",
					 chips[i].chip_id, i, IOAPIC_BASE);
			return -1;
		}
		if (ioctl(vm_fd, KVM_SET_IRQCHIP, &chips[i]) < 0)
			return fail(err, "KVM_SET_IRQCHIP");
	}
	return 0;
}

int snap_vm_load(int vm_fd, const struct snap_record *rec, char **err)
{
	struct kvm_pit_state2 pit;
	struct kvm_clock_data clock;

	switch (rec->type) {
	case SNAP_IRQCHIP:
		return load_irqchip(vm_fd, rec, err);
	case SNAP_PIT:
		if (!sized(rec, sizeof(pit), "pit", err))
			return -1;
		memcpy(&pit, rec->data, sizeof(pit));
		return ioctl(vm_fd, KVM_SET_PIT2, &pit) < 0 ? fail(err, "KVM_SET_PIT2") : 0;
	case SNAP_CLOCK:
		if (!sized(rec, sizeof(clock), "clock", err))
			return -1;
		memcpy(&clock, rec->data, sizeof(clock));
		clock.flags = 0; /* only the value: no realtime, whatever the stream says */
		return ioctl(vm_fd, KVM_SET_CLOCK, &clock) < 0 ? fail(err, "KVM_SET_CLOCK") : 0;
	default:
		*err = xasprintf("record type %u is not the VM's", rec->type);
		return -1;
	}
}
