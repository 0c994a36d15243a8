/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlc's VMM over /dev/kvm: one process per guest. This header is the shared
 * model of the machine: its memory, its vCPUs, and the buses devices sit on.
 *
 * Guest physical layout (x86-64, no firmware):
 *   0x00500  boot GDT          0x07000  zero page (boot_params)
 *   0x09000  page tables (identity map of the first 4 GiB, 2 MiB pages)
 *   0x20000  kernel command line
 *   0xe0000  ACPI tables (RSDP first), reserved in the e820 map
 *   1 MiB..  RAM; RAM beyond 3 GiB continues at 4 GiB
 *   3 GiB..4 GiB  MMIO: virtio-mmio devices, IO-APIC, local APICs
 */
#ifndef XLC_KVM_VM_H
#define XLC_KVM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define GDT_ADDR 0x500
#define ZERO_PAGE_ADDR 0x7000
#define PML4_ADDR 0x9000
#define CMDLINE_ADDR 0x20000
#define CMDLINE_MAX 4096
#define EBDA_START 0x9fc00
#define ACPI_TABLES_ADDR 0xe0000
#define ACPI_TABLES_END 0x100000
#define HIGH_MEMORY 0x100000
#define MMIO_HOLE_START 0xc0000000ULL
#define MMIO_HOLE_END 0x100000000ULL
#define VIRTIO_MMIO_BASE 0xd0000000ULL
#define VIRTIO_MMIO_SIZE 0x1000
#define IOAPIC_ADDR 0xfec00000U
#define LAPIC_ADDR 0xfee00000U
#define MAX_VCPUS 255

/* How a guest ended, which decides the on_* action. */
enum vm_exit_reason {
	VM_RUNNING,
	VM_POWEROFF, /* ACPI S5 */
	VM_REBOOT,   /* i8042 reset, ACPI reset register, triple fault */
	VM_CRASH,    /* pvpanic, or KVM could not run the guest */
	VM_DESTROY,  /* xlc destroy, or the VMM was told to stop */
};

struct vm;
struct iothread;
struct i8042;
struct virtio_dev;

#define VIRTIO_MAX_DEVICES 16

struct snap_out;
struct snap_in;

/*
 * A device's part of a saved machine (snapshot/devices.c writes one
 * "device" record per registered device, named as registered). save writes
 * the device's fields; load reads them back into a device made from the
 * same config, checking every value the stream could have forged, and
 * fails (with *err) rather than leave the device half set. resume
 * (optional) runs once the whole machine has loaded, before the vCPUs do:
 * what a device may only do once guest RAM and every device are in place.
 */
struct device_state_ops {
	void (*save)(const void *dev, struct snap_out *o);
	int (*load)(void *dev, struct snap_in *in, char **err);
	void (*resume)(void *dev);
};

struct device_state {
	char name[32];
	const struct device_state_ops *ops;
	void *dev;
};

#define VM_STATE_DEVICES (VIRTIO_MAX_DEVICES + 16)

/* The threads a machine runs, each confined to what its kind needs. */
enum vm_thread_kind { VM_THREAD_VCPU, VM_THREAD_IO, VM_THREAD_DISK };
/* index: the vCPU's number, or the thread's among its kind. */
typedef void (*vm_thread_hook)(struct vm *vm, enum vm_thread_kind kind, int index);

/* A device's handler for port I/O or MMIO: data is len bytes, little-endian. */
typedef void (*io_handler)(struct vm *vm, void *dev, uint64_t offset, uint8_t *data, unsigned len,
			   bool is_write);

struct io_range {
	uint64_t base, len;
	io_handler handler;
	void *dev; /* freed with the VM if owned */
	const char *name;
	bool owned;
};

struct bus {
	struct io_range *ranges;
	unsigned n;
	pthread_mutex_t lock; /* devices are called under it, one access at a time */
};

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	_Atomic int tid; /* the thread's id, for its state in /proc */
	bool started;
	_Atomic bool paused_ack;
};

struct mem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

/* The pages written since the last harvest, while logging (machine/dirty.h). */
struct vm_dirty {
	_Atomic bool on;	   /* devices mark user[] while set */
	_Atomic uint64_t *user[2]; /* per region, a bit per page; freed by vm_destroy */
	uint64_t *scratch;	   /* KVM_GET_DIRTY_LOG's buffer, the largest region's size */
};

struct vm {
	int kvm_fd, vm_fd;
	int run_size;
	struct mem_region mem[2]; /* below the MMIO hole, and above 4 GiB */
	unsigned nmem;
	struct vm_dirty dirty;
	uint8_t *ram;
	uint64_t ram_size;
	struct vcpu *vcpus;
	int nvcpus;
	struct bus pio, mmio;
	_Atomic int exit_reason; /* enum vm_exit_reason */
	_Atomic bool pause_requested;
	pthread_mutex_t state_lock;
	pthread_cond_t state_cond;
	int event_fd;		    /* written when the guest ends or a vCPU pauses */
	vm_thread_hook thread_hook; /* run first by every thread the machine starts */
	void *owner;		    /* the program's, for the hook */
	struct serial *serial;
	struct i8042 *i8042;
	struct acpi_pm *pm;
	struct cpu_hotplug *cpuhp;
	struct iothread *io;
	struct virtio_dev *virtio[VIRTIO_MAX_DEVICES];
	unsigned nvirtio;
	struct virtio_dev *balloon;		      /* also in virtio[]: for mem-set */
	struct device_state states[VM_STATE_DEVICES]; /* what a save holds */
	unsigned nstates;
	char *err; /* why setup failed */
};

/*
 * Creates the VM on an open /dev/kvm (which the VM now owns): memory, the
 * in-kernel irqchip and PIT. Opening /dev/kvm is for the caller, which
 * may be allowed to when the VMM no longer is.
 */
struct vm *vm_create(int kvm_fd, uint64_t ram_bytes, int nvcpus, char **err);
void vm_destroy(struct vm *vm);
/*
 * A machine without KVM whose RAM is the caller's buffer: for unit tests and
 * fuzzers of the devices (vm_destroy frees it, not the buffer).
 */
struct vm *vm_create_detached(uint8_t *ram, uint64_t ram_bytes);
/*
 * (Re)declares memory slot i (vm->mem[i]) with these KVM_MEM_* flags: only
 * the flags may change once the guest runs (the dirty log's, machine/dirty.c).
 */
int vm_set_slot(struct vm *vm, unsigned slot, uint32_t flags);
/* Opens /dev/kvm; -1 with a message that says what to do. */
int kvm_open(char **err);

static inline void vm_thread_started(struct vm *vm, enum vm_thread_kind kind, int index)
{
	if (vm->thread_hook)
		vm->thread_hook(vm, kind, index);
}

/*
 * Guest memory, checked: the host address of [gpa, gpa + len) if all of it
 * is guest RAM, else NULL. Every guest-supplied address goes through here.
 */
void *gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

/* Registers a device on a bus (which frees dev with the VM); ranges must not overlap. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, io_handler handler, void *dev,
		 const char *name);
/* The same for a device that frees itself (virtio devices). */
int bus_register_shared(struct bus *bus, uint64_t base, uint64_t len, io_handler handler, void *dev,
			const char *name);
/* Dispatches one access; unclaimed reads return all ones. */
void bus_access(struct vm *vm, struct bus *bus, uint64_t addr, uint8_t *data, unsigned len,
		bool is_write);

/* Registers dev's state for save and restore under a name unique in the VM. */
int vm_register_state(struct vm *vm, const char *name, const struct device_state_ops *ops,
		      void *dev);

/* Raises or lowers an interrupt line of the in-kernel PIC/IO-APIC. */
void vm_irq_line(struct vm *vm, unsigned gsi, bool level);

/* Ends the guest for this reason (the first reason wins) and stops the vCPUs. */
void vm_request_exit(struct vm *vm, enum vm_exit_reason why);

/* vCPUs: CPUID, registers, threads. */
int vcpus_create(struct vm *vm, char **err);
int vcpu_setup_boot(struct vcpu *cpu, uint64_t entry, uint64_t boot_params, char **err);
int vcpus_start(struct vm *vm, char **err);
/* Pins a vCPU's thread to these host CPUs. */
int vcpu_pin(struct vcpu *cpu, const uint16_t *cpus, unsigned n, char **err);
void vcpus_stop(struct vm *vm);
/* Stops (or restarts) every vCPU between instructions; returns when done. */
void vcpus_pause(struct vm *vm, bool pause);

#endif
