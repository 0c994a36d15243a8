// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/snapshot/vcpu_state.c on the host's real
 * /dev/kvm: a vCPU's registers, special registers and MSRs, saved from one
 * VM and loaded into a vCPU of another, read back the same; a broken
 * payload is refused before anything is set. Without /dev/kvm: skipped.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backends/kvm/vmm/snapshot/vcpu_state.h"
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

	*vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (*vm_fd < 0 || ioctl(*vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
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
	r = snap_vcpu_load(b, o.p, o.len, &err);
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
	r = snap_vcpu_load(b, o.p, o.len - 1, &err);
	ok(r && err && strstr(err, "malformed"), "a payload cut short is refused: %s",
	   err ? err : "(accepted)");
	free(err);
	err = NULL;
	bad = malloc(o.len);
	memcpy(bad, o.p, o.len);
	bad[0] = 200; /* the first part's tag: no such part */
	r = snap_vcpu_load(b, bad, o.len, &err);
	ok(r && err && strstr(err, "malformed"), "an unknown part is refused: %s",
	   err ? err : "(accepted)");
	free(err);
	err = NULL;
	ioctl(b, KVM_GET_REGS, &back);
	is_int((long long)back.rax, 7, "  and nothing was set");
	free(bad);

	snap_out_free(&o);
	snap_msr_list_free(&msrs);
	return done_testing();
}
