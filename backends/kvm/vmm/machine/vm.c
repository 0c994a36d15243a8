// SPDX-License-Identifier: GPL-2.0
/*
 * The VM itself: /dev/kvm, guest memory, the in-kernel interrupt controllers
 * and PIT, and the two buses devices are registered on.
 */
#include "backends/kvm/vmm/machine/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

/* KVM needs three pages for the TSS and one for the identity map, below 4 GiB. */
#define KVM_TSS_ADDR 0xfffbd000ULL
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000ULL

static int fail(char **err, const char *what)
{
	*err = xasprintf("%s: %s", what, strerror(errno));
	return -1;
}

int kvm_open(char **err)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		*err = xasprintf("cannot open /dev/kvm: %s%s", strerror(errno),
				 errno == ENOENT   ? " (load kvm_intel or kvm_amd)"
				 : errno == EACCES ? " (run as root or join the kvm group)"
						   : "");
	return fd;
}

static int check_kvm(struct vm *vm, char **err)
{
	static const struct {
		int cap;
		const char *name;
	} needed[] = {
		{ KVM_CAP_IRQCHIP, "in-kernel irqchip" }, { KVM_CAP_USER_MEMORY, "user memory" },
		{ KVM_CAP_SET_TSS_ADDR, "TSS address" },  { KVM_CAP_PIT2, "in-kernel PIT" },
		{ KVM_CAP_EXT_CPUID, "CPUID" },
	};
	unsigned i;
	int v;

	v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		*err = xasprintf("/dev/kvm speaks API version %d, xlc needs %d", v,
				 KVM_API_VERSION);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(needed); i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, needed[i].cap) <= 0) {
			*err = xasprintf("/dev/kvm lacks %s (KVM capability %d)", needed[i].name,
					 needed[i].cap);
			return -1;
		}
	}
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		return fail(err, "KVM_GET_VCPU_MMAP_SIZE");
	return 0;
}

/*
 * Guest RAM, aligned to 2 MiB and offered transparent huge pages: every
 * first touch of guest memory is a nested-paging fault, and with 2 MiB pages
 * there are 512 times fewer (QEMU does the same; on a nested host it decides
 * boot time).
 */
#define HUGE_PAGE (2ULL << 20)

static uint8_t *map_guest_ram(uint64_t bytes, uint64_t *mapped)
{
	uint64_t len = bytes + HUGE_PAGE;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
		*aligned;
	uint64_t head;

	if (p == MAP_FAILED)
		return NULL;
	aligned = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	head = (uint64_t)(aligned - p);
	if (head)
		munmap(p, head);
	if (len - head > bytes)
		munmap(aligned + bytes, len - head - bytes);
	madvise(aligned, bytes, MADV_HUGEPAGE);
	*mapped = bytes;
	return aligned;
}

int vm_set_slot(struct vm *vm, unsigned slot, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = vm->mem[slot].gpa,
		.memory_size = vm->mem[slot].size,
		.userspace_addr = (uintptr_t)vm->mem[slot].hva,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -1 : 0;
}

/* RAM up to the MMIO hole, and the rest from 4 GiB up: one mapping, two slots. */
static int setup_memory(struct vm *vm, uint64_t ram_bytes, char **err)
{
	uint64_t low = ram_bytes < MMIO_HOLE_START ? ram_bytes : MMIO_HOLE_START, mapped = 0;
	unsigned slot;

	vm->ram_size = ram_bytes;
	vm->ram = map_guest_ram(ram_bytes, &mapped);
	if (!vm->ram)
		return fail(err, "cannot map guest memory");
	vm->mem[0] = (struct mem_region){ 0, low, vm->ram };
	vm->nmem = 1;
	if (ram_bytes > low) {
		vm->mem[1] = (struct mem_region){ MMIO_HOLE_END, ram_bytes - low, vm->ram + low };
		vm->nmem = 2;
	}
	for (slot = 0; slot < vm->nmem; slot++)
		if (vm_set_slot(vm, slot, 0))
			return fail(err, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static int setup_irqchip(struct vm *vm, char **err)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t identity = KVM_IDENTITY_MAP_ADDR;

	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0)
		return fail(err, "KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0)
		return fail(err, "KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return fail(err, "KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return fail(err, "KVM_CREATE_PIT2");
	return 0;
}

struct vm *vm_create(int kvm_fd, uint64_t ram_bytes, int nvcpus, char **err)
{
	struct vm *vm = xcalloc(1, sizeof(*vm));

	vm->kvm_fd = kvm_fd;
	vm->vm_fd = vm->event_fd = -1;
	vm->nvcpus = nvcpus;
	pthread_mutex_init(&vm->pio.lock, NULL);
	pthread_mutex_init(&vm->mmio.lock, NULL);
	pthread_mutex_init(&vm->state_lock, NULL);
	pthread_cond_init(&vm->state_cond, NULL);
	if (check_kvm(vm, err))
		goto out;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		fail(err, "KVM_CREATE_VM");
		goto out;
	}
	vm->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->event_fd < 0) {
		fail(err, "eventfd");
		goto out;
	}
	if (setup_irqchip(vm, err) || setup_memory(vm, ram_bytes, err))
		goto out;
	return vm;
out:
	vm_destroy(vm);
	return NULL;
}

int vm_register_state(struct vm *vm, const char *name, const struct device_state_ops *ops,
		      void *dev)
{
	struct device_state *d;
	unsigned i;

	if (vm->nstates == VM_STATE_DEVICES || strlen(name) >= sizeof(d->name))
		return -1;
	for (i = 0; i < vm->nstates; i++)
		if (!strcmp(vm->states[i].name, name))
			return -1;
	d = &vm->states[vm->nstates++];
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->ops = ops;
	d->dev = dev;
	return 0;
}

struct vm *vm_create_detached(uint8_t *ram, uint64_t ram_bytes)
{
	struct vm *vm = xcalloc(1, sizeof(*vm));

	vm->kvm_fd = vm->vm_fd = vm->event_fd = -1;
	pthread_mutex_init(&vm->pio.lock, NULL);
	pthread_mutex_init(&vm->mmio.lock, NULL);
	pthread_mutex_init(&vm->state_lock, NULL);
	pthread_cond_init(&vm->state_cond, NULL);
	vm->mem[0] = (struct mem_region){ 0, ram_bytes, ram };
	vm->nmem = 1;
	return vm;
}

void vm_destroy(struct vm *vm)
{
	int i;

	if (!vm)
		return;
	/* Devices first: their threads write guest memory until they stop. */
	iothread_stop(vm);
	for (i = 0; i < (int)vm->nvirtio; i++)
		virtio_dev_free(vm->virtio[i]);
	for (i = 0; vm->vcpus && i < vm->nvcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, (size_t)vm->run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	free((void *)vm->dirty.user[0]); /* no device marks them now */
	free((void *)vm->dirty.user[1]);
	free(vm->dirty.scratch);
	if (vm->ram) /* a detached machine's RAM is its caller's */
		munmap(vm->ram, vm->ram_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->event_fd >= 0)
		close(vm->event_fd);
	for (i = 0; i < (int)vm->pio.n; i++)
		if (vm->pio.ranges[i].owned)
			free(vm->pio.ranges[i].dev);
	for (i = 0; i < (int)vm->mmio.n; i++)
		if (vm->mmio.ranges[i].owned)
			free(vm->mmio.ranges[i].dev);
	free(vm->pio.ranges);
	free(vm->mmio.ranges);
	free(vm->err);
	free(vm);
}

void *gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	unsigned i;

	for (i = 0; i < vm->nmem; i++) {
		const struct mem_region *r = &vm->mem[i];

		/* Written so that no sum can overflow: gpa and len are the guest's. */
		if (gpa >= r->gpa && gpa - r->gpa <= r->size && len <= r->size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

static int add_range(struct bus *bus, uint64_t base, uint64_t len, io_handler handler, void *dev,
		     const char *name, bool owned)
{
	unsigned i;

	for (i = 0; i < bus->n; i++)
		if (base < bus->ranges[i].base + bus->ranges[i].len &&
		    bus->ranges[i].base < base + len)
			return -1;
	bus->ranges = xreallocarray(bus->ranges, bus->n + 1, sizeof(*bus->ranges));
	bus->ranges[bus->n++] = (struct io_range){ base, len, handler, dev, name, owned };
	return 0;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, io_handler handler, void *dev,
		 const char *name)
{
	return add_range(bus, base, len, handler, dev, name, true);
}

int bus_register_shared(struct bus *bus, uint64_t base, uint64_t len, io_handler handler, void *dev,
			const char *name)
{
	return add_range(bus, base, len, handler, dev, name, false);
}

void bus_access(struct vm *vm, struct bus *bus, uint64_t addr, uint8_t *data, unsigned len,
		bool is_write)
{
	unsigned i;

	pthread_mutex_lock(&bus->lock);
	for (i = 0; i < bus->n; i++) {
		const struct io_range *r = &bus->ranges[i];

		if (addr >= r->base && addr - r->base < r->len) {
			r->handler(vm, r->dev, addr - r->base, data, len, is_write);
			pthread_mutex_unlock(&bus->lock);
			return;
		}
	}
	pthread_mutex_unlock(&bus->lock);
	if (!is_write)
		memset(data, 0xff, len);
}

void vm_irq_line(struct vm *vm, unsigned gsi, bool level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq);
}

void vm_request_exit(struct vm *vm, enum vm_exit_reason why)
{
	int expected = VM_RUNNING;
	uint64_t one = 1;

	if (atomic_compare_exchange_strong(&vm->exit_reason, &expected, (int)why))
		if (write(vm->event_fd, &one, sizeof(one)) < 0)
			return;
}
