// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (backends/kvm/vmm/virtio/virtqueue.c) on a detached
 * machine whose RAM is a buffer here: chains, indirect tables, index
 * wrap-around, and everything a hostile driver may do to them.
 */
#include <linux/virtio_ring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/vmm/machine/dirty.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"
#include "tap.h"

#define RAM (256 * 1024)
#define QSIZE 8
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define BUF 0x10000

static uint8_t ram[RAM] __attribute__((aligned(4096)));
static struct vm *vm;
static struct virtio_dev dev;
static struct virtq vq;

static struct vring_desc *desc(unsigned i)
{
	return (struct vring_desc *)(ram + DESC) + i;
}

static struct vring_avail *avail(void)
{
	return (struct vring_avail *)(ram + AVAIL);
}

static struct vring_used *used(void)
{
	return (struct vring_used *)(ram + USED);
}

static void fresh(uint64_t features)
{
	memset(ram, 0, sizeof(ram));
	memset(&dev, 0, sizeof(dev));
	dev.vm = vm;
	dev.driver_features = features;
	virtq_init(&vq, &dev, 0);
	vq.size = QSIZE;
	vq.desc_gpa = DESC;
	vq.avail_gpa = AVAIL;
	vq.used_gpa = USED;
	ok(virtq_activate(&vq) == 0, "the queue activates");
}

static void post(uint16_t head)
{
	avail()->ring[avail()->idx % QSIZE] = head;
	avail()->idx++;
}

/* A 2-buffer chain at i: readable then writable. */
static void chain(unsigned i, unsigned next)
{
	*desc(i) = (struct vring_desc){ BUF, 16, VRING_DESC_F_NEXT, (uint16_t)next };
	*desc(next) = (struct vring_desc){ BUF + 0x100, 32, VRING_DESC_F_WRITE, 0 };
}

static void chains_and_completions(void)
{
	struct virtq_chain c;

	fresh(0);
	chain(0, 1);
	post(0);
	is_int(virtq_pop(&vq, &c), 1, "a chain is taken");
	ok(c.nout == 1 && c.nin == 1 && c.out_len == 16 && c.in_len == 32, "its buffers, in order");
	ok(c.iov[0].iov_base == ram + BUF, "its buffer is the guest's memory");
	is_int(virtq_pop(&vq, &c), 0, "then the ring is empty");
	ok(virtq_push(&vq, &c, 7), "the completion asks for an interrupt");
	is_int(used()->idx, 1, "used->idx moves");
	is_int(used()->ring[0].id, 0, "with the head");
	is_int(used()->ring[0].len, 7, "and the length written");
	ok(!virtq_push(&vq, &c, 7) && used()->idx == 1, "a second completion of it is ignored");
}

static void wrap_around(void)
{
	struct virtq_chain c;
	unsigned i;

	fresh(0);
	/* Both sides start just below the 16-bit wrap. */
	avail()->idx = 65533;
	vq.last_avail = vq.used_idx = 65533;
	used()->idx = 65533;
	chain(0, 1);
	for (i = 0; i < 6; i++) {
		post(0);
		if (virtq_pop(&vq, &c) != 1 || !virtq_push(&vq, &c, 1))
			break;
	}
	is_int(i, 6, "six requests across the wrap");
	is_int(used()->idx, 3, "used->idx wrapped to 3");
}

static void indirect(void)
{
	struct vring_desc *table = (struct vring_desc *)(ram + 0x4000);
	struct virtq_chain c;

	fresh(1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	table[0] = (struct vring_desc){ BUF, 8, VRING_DESC_F_NEXT, 1 };
	table[1] = (struct vring_desc){ BUF + 8, 8, VRING_DESC_F_NEXT, 2 };
	table[2] = (struct vring_desc){ BUF + 0x100, 64, VRING_DESC_F_WRITE, 0 };
	*desc(3) = (struct vring_desc){ 0x4000, 48, VRING_DESC_F_INDIRECT, 0 };
	post(3);
	is_int(virtq_pop(&vq, &c), 1, "an indirect table is walked");
	ok(c.head == 3 && c.nout == 2 && c.nin == 1 && c.in_len == 64, "its three buffers");
	fresh(0);
	*desc(3) = (struct vring_desc){ 0x4000, 48, VRING_DESC_F_INDIRECT, 0 };
	post(3);
	is_int(virtq_pop(&vq, &c), -1, "indirect without the feature breaks the ring");
	fresh(1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	table[0] = (struct vring_desc){ BUF, 8, VRING_DESC_F_NEXT, 1 };
	table[1] = (struct vring_desc){ 0x4000, 48, VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT, 2 };
	*desc(3) = (struct vring_desc){ 0x4000, 48, VRING_DESC_F_INDIRECT, 0 };
	post(3);
	is_int(virtq_pop(&vq, &c), -1, "a nested indirect table breaks the ring");
}

/* Each hostile ring: the pop says broken (-1), the VMM goes on. */
static void hostile(void)
{
	struct virtq_chain c, c2;

	fresh(0);
	*desc(0) = (struct vring_desc){ BUF, 0, VRING_DESC_F_NEXT, 0 };
	post(0);
	is_int(virtq_pop(&vq, &c), -1, "a descriptor that loops to itself");
	fresh(0);
	*desc(0) = (struct vring_desc){ RAM - 8, 16, 0, 0 };
	post(0);
	is_int(virtq_pop(&vq, &c), -1, "a buffer past the end of RAM");
	fresh(0);
	*desc(0) = (struct vring_desc){ BUF, 0xffffffff, 0, 0 };
	post(0);
	is_int(virtq_pop(&vq, &c), -1, "a 4 GiB buffer");
	fresh(0);
	*desc(0) = (struct vring_desc){ BUF, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1 };
	*desc(1) = (struct vring_desc){ BUF, 8, 0, 0 };
	post(0);
	is_int(virtq_pop(&vq, &c), -1, "a readable buffer after a writable one");
	fresh(0);
	*desc(0) = (struct vring_desc){ BUF, 8, VRING_DESC_F_NEXT, 200 };
	post(0);
	is_int(virtq_pop(&vq, &c), -1, "a next index past the queue");
	fresh(0);
	post(QSIZE);
	is_int(virtq_pop(&vq, &c), -1, "a head past the queue");
	fresh(0);
	chain(0, 1);
	avail()->idx = QSIZE + 1;
	is_int(virtq_pop(&vq, &c), -1, "an avail index that jumped past the ring");
	fresh(0);
	chain(0, 1);
	post(0);
	post(0);
	is_int(virtq_pop(&vq, &c), 1, "a head is taken");
	is_int(virtq_pop(&vq, &c2), -1, "the same head again, still in flight, breaks the ring");
}

static void reset_drops_what_is_in_flight(void)
{
	struct virtq_chain c;

	fresh(0);
	chain(0, 1);
	post(0);
	is_int(virtq_pop(&vq, &c), 1, "a request goes out");
	virtq_reset(&vq);
	vq.size = QSIZE;
	vq.desc_gpa = DESC;
	vq.avail_gpa = AVAIL;
	vq.used_gpa = USED;
	virtq_activate(&vq);
	ok(!virtq_push(&vq, &c, 4) && used()->idx == 0,
	   "after a reset its completion is dropped: the ring is untouched");
	fresh(0);
	chain(0, 1);
	post(0);
	is_int(virtq_pop(&vq, &c), 1, "a request goes out");
	pthread_mutex_lock(&vq.lock);
	virtq_disable(&vq); /* QueueReady = 0 */
	vq.size = 2;	    /* then the driver makes the queue smaller */
	ok(virtq_activate(&vq) == 0, "and the queue comes back smaller");
	pthread_mutex_unlock(&vq.lock);
	ok(!virtq_push(&vq, &c, 4) && used()->idx == 0, "the old completion is dropped too");
	is_int(vq.n_in_flight, 0, "nothing is counted in flight");
}

/* The pages of the one harvest, as "3 17 " (RAM is one 64-page word). */
static const char *harvested(void)
{
	static char out[256];
	uint64_t bits = 0;
	size_t used_chars = 0;
	char *err = NULL;
	unsigned p;

	out[0] = '\0';
	if (vm_dirty_harvest(vm, 0, &bits, &err)) {
		free(err);
		return "(no harvest)";
	}
	for (p = 0; p < 64; p++)
		if (bits >> p & 1)
			used_chars += (size_t)snprintf(out + used_chars, sizeof(out) - used_chars,
						       "%u ", p);
	return out;
}

/*
 * While the dirty log is on, what a device writes is marked for a live
 * migration: the writable buffers and the used ring, never what the
 * device only read (the readable buffer, the descriptors, the avail ring).
 */
static void dirty_marks(void)
{
	struct virtq_chain c;
	char *err = NULL;

	fresh(1ULL << VIRTIO_RING_F_EVENT_IDX);
	*desc(0) = (struct vring_desc){ BUF, 16, VRING_DESC_F_NEXT, 1 };
	*desc(1) = (struct vring_desc){ BUF + 0x2000 - 8, 16, VRING_DESC_F_WRITE, 0 };
	post(0);
	ok(!vm_dirty_start(vm, &err), "the dirty log is on (no KVM: the devices' marks)");
	is_int(virtq_pop(&vq, &c), 1, "a chain is taken");
	is_str(harvested(), "", "  taking it marks nothing: nothing is written yet");
	memset(ram + BUF + 0x2000 - 8, 0x5a, 16);
	virtq_push(&vq, &c, 16);
	is_int(used()->idx, 1, "it is completed");
	is_str(harvested(), "3 17 18 ",
	       "  the used ring's page, and both pages of the writable buffer");
	virtq_enable_kicks(&vq);
	is_str(harvested(), "3 ", "the avail event written at re-enabling kicks is marked");
	vm_dirty_stop(vm);
	is_str(harvested(), "(no harvest)", "the log is off again");
}

static void walk_never_ended(int sig)
{
	static const char msg[] = "not ok - a walk did not end within 30 s (a looping chain?)\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	_exit(1);
}

int main(void)
{
	/* A walk that never ends fails the test instead of hanging it. */
	signal(SIGALRM, walk_never_ended);
	alarm(30);
	vm = vm_create_detached(ram, RAM);
	chains_and_completions();
	wrap_around();
	indirect();
	hostile();
	reset_drops_what_is_in_flight();
	dirty_marks();
	vm_destroy(vm);
	return done_testing();
}
