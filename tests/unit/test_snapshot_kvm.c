// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/snapshot/vcpu_state.c and vm_state.c on
 * the host's real /dev/kvm: a vCPU's registers, special registers and MSRs,
 * and the VM's IOAPIC, PIT and kvmclock, saved from one VM and loaded into
 * another, read back the same; broken input is refused before anything is
 * set. Without /dev/kvm: skipped.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/snapshot/vcpu_state.h"
#include "backends/kvm/vmm/snapshot/vm_state.h"
#include "tap.h"

#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_STAR 0xc0000081

static int kvm_fd = -1;

/* A VM with an in-kernel irqchip and one vCPU that has KVM's CPUID. */
static int new_vcpu(int *vm_fd)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[256];
	} cpuid = { .c.nent = 256 };
	int fd;

	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	*vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (*vm_fd < 0 || ioctl(*vm_fd, KVM_CREATE_IRQCHIP, 0) < 0 ||
	    ioctl(*vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return -1;
	fd = ioctl(*vm_fd, KVM_CREATE_VCPU, 0);
	if (fd < 0 || ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0 ||
	    ioctl(fd, KVM_SET_CPUID2, &cpuid) < 0)
		return -1;
	return fd;
}

static uint64_t get_msr(int fd, uint32_t index)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} m = { .h.nmsrs = 1, .e.index = index };

	return ioctl(fd, KVM_GET_MSRS, &m) == 1 ? m.e.data : ~0ULL;
}

static int set_msr(int fd, uint32_t index, uint64_t v)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} m = { .h.nmsrs = 1, .e = { .index = index, .data = v } };

	return ioctl(fd, KVM_SET_MSRS, &m) == 1 ? 0 : -1;
}

/* The IOAPIC, PIT and clock of vm1, through a stream, into vm2. */
static void vm_state(int vm1, int vm2)
{
	struct kvm_irqchip ioapic = { .chip_id = 2 }, back = { .chip_id = 2 };
	struct kvm_pit_state2 pit, pit_back;
	struct kvm_clock_data clock = { .clock = 5000000000ULL }, clock_back = { 0 };
	struct snap_writer w;
	struct snap_reader r;
	struct snap_record rec;
	char *err = NULL;
	int fd = memfd_create("vm", MFD_CLOEXEC), n = 0, bad = 0;

	ioctl(vm1, KVM_GET_IRQCHIP, &ioapic);
	ioapic.chip.ioapic.redirtbl[5].bits = 0x10000 | 0x31; /* masked, vector 0x31 */
	ioctl(vm1, KVM_GET_PIT2, &pit);
	pit.channels[0].count = 0x1234;
	pit.channels[0].mode = 2;
	ok(!ioctl(vm1, KVM_SET_IRQCHIP, &ioapic) && !ioctl(vm1, KVM_SET_PIT2, &pit) &&
		   !ioctl(vm1, KVM_SET_CLOCK, &clock),
	   "vm: an IOAPIC entry, a PIT channel and the clock are set");
	n = snap_write_start(&w, fd, &err) || snap_vm_save(vm1, &w, &err) ||
	    snap_write_end(&w, &err);
	ok(!n && w.records == 4, "vm: saved in 3 records and the end");
	n = 0;
	lseek(fd, 0, SEEK_SET);
	if (snap_read_start(&r, fd, &err))
		bad++;
	while (!bad && !snap_read_record(&r, &rec, &err) && rec.type != SNAP_END)
		if (snap_vm_load(vm2, &rec, &err))
			bad++;
		else
			n++;
	ok(!bad && n == 3, "vm: loaded into the other VM: %s", err ? err : "ok");
	free(err);
	err = NULL;
	ioctl(vm2, KVM_GET_IRQCHIP, &back);
	ok(back.chip.ioapic.redirtbl[5].bits == ioapic.chip.ioapic.redirtbl[5].bits,
	   "  its IOAPIC entry");
	ioctl(vm2, KVM_GET_PIT2, &pit_back);
	ok(pit_back.channels[0].count == 0x1234 && pit_back.channels[0].mode == 2,
	   "  its PIT channel");
	ioctl(vm2, KVM_GET_CLOCK, &clock_back);
	ok(clock_back.clock >= clock.clock && clock_back.clock < clock.clock + 60000000000ULL,
	   "  its clock goes on from where it was (%llu ns)", (unsigned long long)clock_back.clock);

	rec = (struct snap_record){ .type = SNAP_PIT, .data = (const uint8_t *)&pit, .len = 8 };
	n = snap_vm_load(vm2, &rec, &err);
	ok(n && err && strstr(err, "it must be"), "vm: a record of the wrong size is refused: %s",
	   err ? err : "(accepted)");
	free(err);
	snap_read_finish(&r);
	close(fd);
}

int main(void)
{
	struct snap_msr_list msrs;
	struct snap_out o = { 0 };
	struct kvm_regs regs = { 0 }, back = { 0 };
	struct kvm_sregs sregs, sback;
	char *err = NULL;
	int vm1, vm2, a, b, r;
	uint8_t *bad;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		printf("1..0 # SKIP no /dev/kvm\n");
		return 0;
	}
	a = new_vcpu(&vm1);
	b = new_vcpu(&vm2);
	ok(a >= 0 && b >= 0, "two VMs with a vCPU each");
	r = snap_msr_list_get(kvm_fd, &msrs, &err);
	ok(!r && msrs.n > 10, "KVM's MSR list (%u)", msrs.n);

	regs.rax = 0x1234567890abcdefULL;
	regs.rsp = 0x8000;
	regs.rip = 0xfff0;
	regs.rflags = 0x202;
	ioctl(a, KVM_GET_SREGS, &sregs);
	sregs.cr0 |= 1; /* protected mode, as a kernel would have it */
	sregs.cs.base = 0x10000;
	ok(!ioctl(a, KVM_SET_REGS, &regs) && !ioctl(a, KVM_SET_SREGS, &sregs) &&
		   !set_msr(a, MSR_IA32_SYSENTER_CS, 0x10) &&
		   !set_msr(a, MSR_STAR, 0x0023001000000000ULL),
	   "the first vCPU is set up");

	r = snap_vcpu_save(a, &msrs, &o, &err);
	ok(!r, "saved (%zu bytes): %s", o.len, err ? err : "ok");
	r = snap_vcpu_load(b, &msrs, o.p, o.len, &err);
	ok(!r, "loaded into the other VM's vCPU: %s", err ? err : "ok");
	free(err);
	err = NULL;
	ioctl(b, KVM_GET_REGS, &back);
	ok(back.rax == regs.rax && back.rsp == regs.rsp && back.rip == regs.rip &&
		   back.rflags == regs.rflags,
	   "  its general registers");
	ioctl(b, KVM_GET_SREGS, &sback);
	ok(sback.cr0 == sregs.cr0 && sback.cs.base == 0x10000, "  its special registers");
	is_int((long long)get_msr(b, MSR_IA32_SYSENTER_CS), 0x10, "  an MSR (SYSENTER_CS)");
	ok(get_msr(b, MSR_STAR) == 0x0023001000000000ULL, "  another (STAR)");

	/* Broken payloads: refused, and the vCPU keeps what it had. */
	regs.rax = 7;
	ioctl(b, KVM_SET_REGS, &regs);
	r = snap_vcpu_load(b, &msrs, o.p, o.len - 1, &err);
	ok(r && err && strstr(err, "malformed"), "a payload cut short is refused: %s",
	   err ? err : "(accepted)");
	free(err);
	err = NULL;
	bad = malloc(o.len);
	memcpy(bad, o.p, o.len);
	bad[0] = 200; /* the first part's tag: no such part */
	r = snap_vcpu_load(b, &msrs, bad, o.len, &err);
	ok(r && err && strstr(err, "malformed"), "an unknown part is refused: %s",
	   err ? err : "(accepted)");
	free(err);
	err = NULL;
	memcpy(bad, o.p, o.len);
	{ /* the first MSR's index, past regs, sregs, xsave and xcrs and the MSR count */
		size_t at = 4 * 6 + sizeof(struct kvm_regs) + sizeof(struct kvm_sregs) +
			    sizeof(struct kvm_xsave) + sizeof(struct kvm_xcrs) + 6 + 4;
		uint32_t index = 0x4b564dff; /* in no KVM's list */

		memcpy(bad + at, &index, 4);
	}
	r = snap_vcpu_load(b, &msrs, bad, o.len, &err);
	ok(r && err && strstr(err, "MSR 0x4b564dff"), "an MSR outside KVM's list is refused: %s",
	   err ? err : "(accepted)");
	free(err);
	err = NULL;
	ioctl(b, KVM_GET_REGS, &back);
	is_int((long long)back.rax, 7, "  and nothing was set");
	free(bad);

	snap_out_free(&o);
	snap_msr_list_free(&msrs);
	vm_state(vm1, vm2);
	return done_testing();
}
