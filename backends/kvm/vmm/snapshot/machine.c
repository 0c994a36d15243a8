// SPDX-License-Identifier: GPL-2.0
/* A whole machine, saved and loaded record by record (machine.h). */
#include "backends/kvm/vmm/snapshot/machine.h"

#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/snapshot/devices.h"
#include "backends/kvm/vmm/snapshot/vcpu_state.h"
#include "backends/kvm/vmm/snapshot/vm_state.h"
#include "lib/util.h"

/* The machine record: u32 vCPUs, u32 RAM regions, then (u64 address, u64 size) each. */
static int save_shape(struct vm *vm, struct snap_writer *w, char **err)
{
	struct snap_out o = { 0 };
	unsigned i;
	int r;

	snap_put_u32(&o, (uint32_t)vm->nvcpus);
	snap_put_u32(&o, vm->nmem);
	for (i = 0; i < vm->nmem; i++) {
		snap_put_u64(&o, vm->mem[i].gpa);
		snap_put_u64(&o, vm->mem[i].size);
	}
	r = snap_write_record(w, SNAP_MACHINE, o.p, o.len, err);
	snap_out_free(&o);
	return r;
}

void snap_machine_ram(const struct vm *vm, struct snap_ram *ram)
{
	unsigned i;

	for (i = 0; i < vm->nmem; i++)
		ram[i] = (struct snap_ram){ vm->mem[i].gpa, vm->mem[i].size, vm->mem[i].hva,
					    vm->ram != NULL }; /* mapped by vm_create */
}

/* A vcpu record: u32 its index, then its parts (vcpu_state.h). */
static int save_vcpus(struct vm *vm, struct snap_writer *w, char **err)
{
	struct snap_msr_list msrs;
	int i, r = 0;

	if (snap_msr_list_get(vm->kvm_fd, &msrs, err))
		return -1;
	for (i = 0; i < vm->nvcpus && !r; i++) {
		struct snap_out o = { 0 };

		snap_put_u32(&o, (uint32_t)i);
		r = snap_vcpu_save(vm->vcpus[i].fd, &msrs, &o, err) ||
		    snap_write_record(w, SNAP_VCPU, o.p, o.len, err);
		snap_out_free(&o);
	}
	snap_msr_list_free(&msrs);
	return r ? -1 : 0;
}

int snap_machine_save_begin(struct vm *vm, int fd, struct snap_writer *w, char **err)
{
	return snap_write_start(w, fd, err) || save_shape(vm, w, err) ? -1 : 0;
}

int snap_machine_save_state(struct vm *vm, struct snap_writer *w, char **err)
{
	return save_vcpus(vm, w, err) || snap_vm_save(vm->vm_fd, w, err) ||
			       snap_devices_save(vm, w, err) || snap_write_end(w, err)
		       ? -1
		       : 0;
}

int snap_machine_save(struct vm *vm, int fd, struct snap_writer *w, char **err)
{
	struct snap_ram ram[2];

	snap_machine_ram(vm, ram);
	return snap_machine_save_begin(vm, fd, w, err) || snap_write_ram(w, ram, vm->nmem, err) ||
			       snap_machine_save_state(vm, w, err)
		       ? -1
		       : 0;
}

/* What a load has seen: each singular record once, each vCPU once. */
struct progress {
	bool shape, irqchip, pit, clock;
	bool vcpu[MAX_VCPUS];
	struct snap_devices_loaded devices;
	struct snap_msr_list msrs; /* the MSRs a vCPU record may set */
};

static int check_shape(const struct vm *vm, const struct snap_record *rec, char **err)
{
	struct snap_in in = { rec->data, rec->len, 0, false };
	uint32_t nvcpus = snap_get_u32(&in), nmem = snap_get_u32(&in), i;
	uint64_t gpa, size;

	if (in.short_read || nvcpus != (uint32_t)vm->nvcpus) {
		*err = xasprintf("the saved guest had %u vCPUs (maxvcpus); this one has %d", nvcpus,
				 vm->nvcpus);
		return -1;
	}
	if (nmem != vm->nmem)
		goto memory;
	for (i = 0; i < nmem; i++) {
		gpa = snap_get_u64(&in);
		size = snap_get_u64(&in);
		if (gpa != vm->mem[i].gpa || size != vm->mem[i].size)
			goto memory;
	}
	if (snap_in_complete(&in))
		return 0;
memory:
	*err = xasprintf("the saved guest's memory is laid out unlike this one's (%llu MiB): "
			 "its maxmem differs",
			 (unsigned long long)(vm->ram_size >> 20));
	return -1;
}

static int load_vcpu(struct vm *vm, const struct snap_record *rec, struct progress *p, char **err)
{
	struct snap_in in = { rec->data, rec->len, 0, false };
	uint32_t i = snap_get_u32(&in);

	if (in.short_read || i >= (uint32_t)vm->nvcpus || p->vcpu[i]) {
		*err = xasprintf("the stream's vCPU record %u is not one of %d, or came twice", i,
				 vm->nvcpus);
		return -1;
	}
	p->vcpu[i] = true;
	return snap_vcpu_load(vm->vcpus[i].fd, &p->msrs, rec->data + 4, rec->len - 4, err);
}

/* A singular record: -1 if it came before. */
static int once(bool *seen, const char *what, char **err)
{
	if (*seen) {
		*err = xasprintf("the stream has its %s twice", what);
		return -1;
	}
	*seen = true;
	return 0;
}

static int load_record(struct vm *vm, struct snap_reader *r, const struct snap_record *rec,
		       struct progress *p, char **err)
{
	struct snap_round round;
	struct snap_ram ram[2];

	if (rec->type != SNAP_MACHINE && !p->shape) {
		*err = xstrdup("the stream does not start with the machine's shape");
		return -1;
	}
	switch (rec->type) {
	case SNAP_MACHINE:
		return once(&p->shape, "machine record", err) || check_shape(vm, rec, err);
	case SNAP_PAGES:
		snap_machine_ram(vm, ram);
		return snap_apply_pages(r, rec, ram, vm->nmem, err);
	case SNAP_ZERO:
		snap_machine_ram(vm, ram);
		return snap_apply_zero(r, rec, ram, vm->nmem, err);
	case SNAP_ROUND: /* progress: nothing to load, but well formed */
		return snap_read_round(rec, &round, err);
	case SNAP_VCPU:
		return load_vcpu(vm, rec, p, err);
	case SNAP_IRQCHIP:
		return once(&p->irqchip, "irqchip", err) || snap_vm_load(vm->vm_fd, rec, err);
	case SNAP_PIT:
		return once(&p->pit, "PIT", err) || snap_vm_load(vm->vm_fd, rec, err);
	case SNAP_CLOCK:
		return once(&p->clock, "clock", err) || snap_vm_load(vm->vm_fd, rec, err);
	case SNAP_DEVICE:
		return snap_device_load(vm, rec, &p->devices, err);
	default:
		*err = xasprintf("the stream has a record of type %u out of place", rec->type);
		return -1;
	}
}

/* At the end: everything the machine has came. */
static int complete(const struct vm *vm, const struct progress *p, char **err)
{
	int i;

	for (i = 0; i < vm->nvcpus; i++)
		if (!p->vcpu[i]) {
			*err = xasprintf("the stream has no state for vCPU %d", i);
			return -1;
		}
	if (!p->irqchip || !p->pit || !p->clock) {
		*err = xasprintf("the stream has no %s", !p->irqchip ? "irqchip"
							 : !p->pit   ? "PIT"
								     : "clock");
		return -1;
	}
	return snap_devices_check(vm, &p->devices, err);
}

static void resume_devices(struct vm *vm)
{
	unsigned i;

	for (i = 0; i < vm->nstates; i++)
		if (vm->states[i].ops->resume)
			vm->states[i].ops->resume(vm->states[i].dev);
}

int snap_machine_load(struct vm *vm, int fd, char **err)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	struct snap_reader r = { .fd = -1 }; /* nothing to free if the start fails */
	struct snap_record rec;
	int ret = -1;

	if (snap_msr_list_get(vm->kvm_fd, &p->msrs, err) || snap_read_start(&r, fd, err))
		goto out;
	for (;;) {
		if (snap_read_record(&r, &rec, err))
			goto out;
		if (rec.type == SNAP_END)
			break;
		if (load_record(vm, &r, &rec, p, err))
			goto out;
	}
	ret = snap_check_end(&r, &rec, err) || complete(vm, p, err) ? -1 : 0;
	if (!ret)
		resume_devices(vm);
out:
	snap_read_finish(&r);
	snap_msr_list_free(&p->msrs);
	free(p);
	return ret;
}
