// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: one thread each. The boot vCPU starts in 64-bit mode at the
 * kernel's entry with identity page tables and a flat GDT (Linux's 64-bit
 * boot protocol); the others wait in the in-kernel local APIC for the
 * guest's INIT/SIPI, as on real hardware.
 */
#include <errno.h>
#include <sched.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/machine/vm.h"
#include "lib/util.h"

#define KICK_SIGNAL SIGUSR1

#define CR0_PE 0x1ULL
#define CR0_ET 0x10ULL
#define CR0_NE 0x20ULL
#define CR0_PG 0x80000000ULL
#define CR4_PAE 0x20ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL

#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_MTRR_DEF_TYPE 0x2ff

static __thread struct vcpu *this_vcpu;

/* The kick only has to interrupt KVM_RUN; immediate_exit closes the race. */
static void kick_handler(int sig)
{
	(void)sig;
	if (this_vcpu)
		this_vcpu->run->immediate_exit = 1;
}

static int fail(char **err, const char *what, int id)
{
	*err = xasprintf("vCPU %d: %s: %s", id, what, strerror(errno));
	return -1;
}

static struct kvm_cpuid2 *supported_cpuid(struct vm *vm)
{
	int n = 128;

	for (;;) {
		struct kvm_cpuid2 *c = xcalloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));

		c->nent = (uint32_t)n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG || n > 4096)
			return NULL;
		n *= 2;
	}
}

static unsigned log2_ceil(unsigned n)
{
	unsigned s = 0;

	while ((1u << s) < n)
		s++;
	return s;
}

/* Per-vCPU CPUID: its APIC id, and the topology of one socket of n cores. */
static void patch_cpuid(struct kvm_cpuid2 *c, int id, int n)
{
	unsigned i, shift = log2_ceil((unsigned)n);

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x0000ffff) | (uint32_t)id << 24 | (uint32_t)n << 16;
			e->ecx |= 1u << 31; /* running under a hypervisor */
			if (n > 1)
				e->edx |= 1u << 28; /* HTT: the count above is valid */
			break;
		case 4: /* deterministic cache parameters: cores per package */
			e->eax = (e->eax & 0x03ffffff) | (uint32_t)(n - 1) << 26;
			break;
		case 0xb: /* x2APIC topology: SMT level, then core level */
			e->edx = (uint32_t)id;
			if (e->index == 0) {
				e->eax = 0;
				e->ebx = 1;
				e->ecx = 1u << 8;
			} else if (e->index == 1) {
				e->eax = shift;
				e->ebx = (uint32_t)n;
				e->ecx = 2u << 8 | 1;
			} else {
				e->eax = e->ebx = 0;
				e->ecx = e->index;
			}
			break;
		case 0x80000008: /* AMD: number of cores - 1 */
			e->ecx = (e->ecx & ~0xffu) | (uint32_t)(n - 1);
			break;
		}
	}
}

static int setup_cpuid(struct vcpu *cpu, const struct kvm_cpuid2 *supported, char **err)
{
	size_t size = sizeof(*supported) + supported->nent * sizeof(supported->entries[0]);
	struct kvm_cpuid2 *c = xmalloc(size);
	int r;

	memcpy(c, supported, size);
	patch_cpuid(c, cpu->id, cpu->vm->nvcpus);
	r = ioctl(cpu->fd, KVM_SET_CPUID2, c);
	free(c);
	return r < 0 ? fail(err, "KVM_SET_CPUID2", cpu->id) : 0;
}

int vcpus_create(struct vm *vm, char **err)
{
	struct kvm_cpuid2 *cpuid = supported_cpuid(vm);
	struct sigaction sa = { .sa_handler = kick_handler };
	int i;

	if (!cpuid) {
		*err = xasprintf("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL); /* no SA_RESTART: KVM_RUN must return */
	vm->vcpus = xcalloc((size_t)vm->nvcpus, sizeof(*vm->vcpus));
	for (i = 0; i < vm->nvcpus; i++)
		vm->vcpus[i].fd = -1;
	for (i = 0; i < vm->nvcpus; i++) {
		struct vcpu *cpu = &vm->vcpus[i];

		cpu->vm = vm;
		cpu->id = i;
		cpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
		if (cpu->fd < 0)
			goto fail;
		cpu->run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				cpu->fd, 0);
		if (cpu->run == MAP_FAILED) {
			cpu->run = NULL;
			goto fail;
		}
		if (setup_cpuid(cpu, cpuid, err)) {
			free(cpuid);
			return -1;
		}
	}
	free(cpuid);
	return 0;
fail:
	free(cpuid);
	return fail(err, "cannot create", i);
}

/* Identity-maps the first 4 GiB with 2 MiB pages: PML4, one PDPT, four PDs. */
static int write_page_tables(struct vm *vm)
{
	uint64_t *pml4 = gpa_to_hva(vm, PML4_ADDR, 4096);
	uint64_t *pdpt = gpa_to_hva(vm, PML4_ADDR + 0x1000, 4096);
	uint64_t *pd = gpa_to_hva(vm, PML4_ADDR + 0x2000, 4 * 4096);
	unsigned i;

	if (!pml4 || !pdpt || !pd)
		return -1;
	memset(pml4, 0, 6 * 4096);
	pml4[0] = (PML4_ADDR + 0x1000) | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (PML4_ADDR + 0x2000 + i * 0x1000ULL) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83; /* present, writable, 2 MiB */
	return 0;
}

/* The boot GDT: null, null, code (0x10), data (0x18), as boot.rst asks. */
static int write_gdt(struct vm *vm)
{
	static const uint64_t gdt[] = { 0, 0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL,
					0x00808b0000000067ULL };
	void *p = gpa_to_hva(vm, GDT_ADDR, sizeof(gdt));

	if (!p)
		return -1;
	memcpy(p, gdt, sizeof(gdt));
	return 0;
}

static void flat_segment(struct kvm_segment *s, uint16_t selector, uint8_t type, bool code)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = code ? 0 : 1,
		.s = 1,
		.l = code ? 1 : 0,
		.g = 1,
	};
}

static int setup_sregs(struct vcpu *cpu, char **err)
{
	struct kvm_sregs s;

	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return fail(err, "KVM_GET_SREGS", cpu->id);
	s.gdt.base = GDT_ADDR;
	s.gdt.limit = 5 * 8 - 1;
	s.idt.base = 0;
	s.idt.limit = 0;
	flat_segment(&s.cs, 0x10, 0xb, true);
	flat_segment(&s.ds, 0x18, 0x3, false);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct kvm_segment){ .selector = 0x20, .limit = 0x67, .type = 0xb, .present = 1 };
	s.ldt = (struct kvm_segment){ .type = 0x2, .present = 1, .limit = 0xffff };
	s.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	s.cr3 = PML4_ADDR;
	s.cr4 = CR4_PAE;
	s.efer = EFER_LME | EFER_LMA;
	if (ioctl(cpu->fd, KVM_SET_SREGS, &s) < 0)
		return fail(err, "KVM_SET_SREGS", cpu->id);
	return 0;
}

/* Firmware would leave fast strings on and write-back as the MTRR default. */
static void setup_msrs(struct vcpu *cpu)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[2];
	} m = { .hdr.nmsrs = 2,
		.e = { { .index = MSR_IA32_MISC_ENABLE, .data = 1 },
		       { .index = MSR_MTRR_DEF_TYPE, .data = (1 << 11) | 6 } } };

	ioctl(cpu->fd, KVM_SET_MSRS, &m);
}

/* LINT0 takes the PIC's ExtINT, LINT1 is NMI: what the BIOS leaves. */
static void setup_lapic(struct vcpu *cpu)
{
	struct kvm_lapic_state l;
	uint32_t *lint0 = (uint32_t *)&l.regs[0x350], *lint1 = (uint32_t *)&l.regs[0x360];

	if (ioctl(cpu->fd, KVM_GET_LAPIC, &l) < 0)
		return;
	*lint0 = (*lint0 & ~0x700u) | 0x700u;
	*lint1 = (*lint1 & ~0x700u) | 0x400u;
	ioctl(cpu->fd, KVM_SET_LAPIC, &l);
}

int vcpu_setup_boot(struct vcpu *cpu, uint64_t entry, uint64_t boot_params, char **err)
{
	struct kvm_regs r = { 0 };
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };

	if (write_page_tables(cpu->vm) || write_gdt(cpu->vm)) {
		*err = xstrdup("guest memory is too small for the boot page tables");
		return -1;
	}
	if (setup_sregs(cpu, err))
		return -1;
	r.rflags = 2;
	r.rip = entry;
	r.rsi = boot_params;
	r.rsp = r.rbp = 0x8ff0;
	if (ioctl(cpu->fd, KVM_SET_REGS, &r) < 0)
		return fail(err, "KVM_SET_REGS", cpu->id);
	if (ioctl(cpu->fd, KVM_SET_FPU, &fpu) < 0)
		return fail(err, "KVM_SET_FPU", cpu->id);
	setup_msrs(cpu);
	setup_lapic(cpu);
	return 0;
}

static void handle_io(struct vcpu *cpu)
{
	struct kvm_run *run = cpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size)
		bus_access(cpu->vm, &cpu->vm->pio, run->io.port, data, run->io.size,
			   run->io.direction == KVM_EXIT_IO_OUT);
}

static void report(struct vcpu *cpu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(struct vcpu *cpu, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xlc-vmm: vCPU %d: ", cpu->id);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Handles one exit; false when the vCPU must stop. */
static bool handle_exit(struct vcpu *cpu)
{
	struct kvm_run *run = cpu->run;
	struct vm *vm = cpu->vm;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(cpu);
		return true;
	case KVM_EXIT_MMIO:
		bus_access(vm, &vm->mmio, run->mmio.phys_addr, run->mmio.data,
			   run->mmio.len > 8 ? 8 : run->mmio.len, run->mmio.is_write);
		return true;
	case KVM_EXIT_SHUTDOWN: /* a triple fault: the machine resets */
		report(cpu, "triple fault: the guest reset itself");
		vm_request_exit(vm, VM_REBOOT);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		vm_request_exit(vm, run->system_event.type == KVM_SYSTEM_EVENT_RESET ? VM_REBOOT
				    : run->system_event.type == KVM_SYSTEM_EVENT_CRASH
					    ? VM_CRASH
					    : VM_POWEROFF);
		return false;
	case KVM_EXIT_HLT:
		return true;
	case KVM_EXIT_INTERNAL_ERROR:
		report(cpu, "KVM internal error, suberror %u (the host cannot run this guest)",
		       run->internal.suberror);
		vm_request_exit(vm, VM_CRASH);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		report(cpu, "VM entry failed, reason %#llx",
		       run->fail_entry.hardware_entry_failure_reason);
		vm_request_exit(vm, VM_CRASH);
		return false;
	default:
		report(cpu, "unexpected KVM exit %u", run->exit_reason);
		vm_request_exit(vm, VM_CRASH);
		return false;
	}
}

static void wait_while_paused(struct vcpu *cpu)
{
	struct vm *vm = cpu->vm;

	pthread_mutex_lock(&vm->state_lock);
	cpu->paused_ack = true;
	pthread_cond_broadcast(&vm->state_cond);
	while (vm->pause_requested && vm->exit_reason == VM_RUNNING)
		pthread_cond_wait(&vm->state_cond, &vm->state_lock);
	cpu->paused_ack = false;
	pthread_mutex_unlock(&vm->state_lock);
}

/*
 * XLC_BENCH_FIRST_RUN set: vCPU 0 reports the process's CPU time just before
 * the guest's first instruction, the VMM's own start-up cost (tests/bench).
 */
static void report_first_run(const struct vcpu *cpu)
{
	struct rusage ru;

	if (cpu->id || !getenv("XLC_BENCH_FIRST_RUN") || getrusage(RUSAGE_SELF, &ru))
		return;
	fprintf(stderr, "xlc-vmm: first guest instruction after %.3f ms of VMM CPU time\n",
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
}

/*
 * A port or MMIO read's result reaches the guest's registers only when
 * KVM_RUN is entered again. Entered with immediate_exit, it finishes the
 * instruction without running the guest: a paused vCPU is then past it, and
 * a save holds its result (restored, the read would be done twice).
 */
static void complete_exit(struct vcpu *cpu)
{
	cpu->run->immediate_exit = 1;
	if (ioctl(cpu->fd, KVM_RUN, 0) < 0 && errno != EINTR && errno != EAGAIN)
		report(cpu, "KVM_RUN to finish an exit failed: %s", strerror(errno));
	cpu->run->immediate_exit = 0;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *cpu = arg;
	struct vm *vm = cpu->vm;
	sigset_t set;
	char name[16];

	this_vcpu = cpu;
	cpu->tid = (int)gettid();
	snprintf(name, sizeof(name), "vcpu%d", cpu->id);
	pthread_setname_np(pthread_self(), name);
	vm_thread_started(vm, VM_THREAD_VCPU, cpu->id);
	sigemptyset(&set);
	sigaddset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	report_first_run(cpu);
	while (vm->exit_reason == VM_RUNNING) {
		if (vm->pause_requested) {
			complete_exit(cpu);
			wait_while_paused(cpu);
			continue;
		}
		if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				cpu->run->immediate_exit = 0;
				continue;
			}
			report(cpu, "KVM_RUN failed: %s", strerror(errno));
			vm_request_exit(vm, VM_CRASH);
			break;
		}
		if (!handle_exit(cpu))
			break;
	}
	return NULL;
}

int vcpus_start(struct vm *vm, char **err)
{
	sigset_t set, old;
	int i;

	/* Threads inherit the mask: only vCPU threads take the kick signal. */
	sigemptyset(&set);
	sigaddset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	for (i = 0; i < vm->nvcpus; i++) {
		if (pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i])) {
			*err = xasprintf("cannot start vCPU %d's thread", i);
			vm_request_exit(vm, VM_CRASH);
			return -1;
		}
		vm->vcpus[i].started = true;
	}
	return 0;
}

int vcpu_pin(struct vcpu *cpu, const uint16_t *cpus, unsigned n, char **err)
{
	cpu_set_t set;
	unsigned i;
	int r;

	CPU_ZERO(&set);
	for (i = 0; i < n; i++)
		if (cpus[i] < CPU_SETSIZE)
			CPU_SET(cpus[i], &set);
	r = pthread_setaffinity_np(cpu->thread, sizeof(set), &set);
	if (r) {
		*err = xasprintf("vCPU %d: cannot pin it: %s", cpu->id, strerror(r));
		return -1;
	}
	return 0;
}

static void kick_all(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nvcpus; i++) {
		if (!vm->vcpus[i].started)
			continue;
		vm->vcpus[i].run->immediate_exit = 1;
		pthread_kill(vm->vcpus[i].thread, KICK_SIGNAL);
	}
}

void vcpus_stop(struct vm *vm)
{
	int i;

	vm_request_exit(vm, VM_DESTROY); /* no-op if the guest already ended */
	pthread_mutex_lock(&vm->state_lock);
	pthread_cond_broadcast(&vm->state_cond);
	pthread_mutex_unlock(&vm->state_lock);
	kick_all(vm);
	for (i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
		vm->vcpus[i].started = false;
	}
}

void vcpus_pause(struct vm *vm, bool pause)
{
	int i;

	pthread_mutex_lock(&vm->state_lock);
	vm->pause_requested = pause;
	pthread_cond_broadcast(&vm->state_cond);
	pthread_mutex_unlock(&vm->state_lock);
	if (!pause)
		return;
	kick_all(vm);
	pthread_mutex_lock(&vm->state_lock);
	for (i = 0; i < vm->nvcpus; i++)
		while (vm->vcpus[i].started && !vm->vcpus[i].paused_ack &&
		       vm->exit_reason == VM_RUNNING)
			pthread_cond_wait(&vm->state_cond, &vm->state_lock);
	pthread_mutex_unlock(&vm->state_lock);
}
