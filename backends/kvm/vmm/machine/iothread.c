// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's I/O thread: one epoll loop that waits on every virtqueue's kick
 * eventfd, every tap and every rate-limit timer, and calls the device that
 * owns the fd. vCPU threads only ever write an eventfd (or KVM does it for
 * them), so guest code keeps running while its I/O is done here.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

struct watch {
	int fd;
	io_callback fn;
	void *opaque;
};

struct iothread {
	int epoll_fd;
	int stop_fd;
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	struct watch **watches;
	unsigned nwatches;
	/* iothread_park(): the thread waits, between two callbacks, until released. */
	int park_fd;
	bool park_requested, parked;
	pthread_cond_t park_cond;
};

/* The park eventfd's callback: holds the thread here while a park is requested. */
static void park_here(void *opaque, uint32_t events)
{
	struct iothread *io = opaque;
	uint64_t v;

	(void)events;
	if (read(io->park_fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: a park already taken; the flag below decides */
	}
	pthread_mutex_lock(&io->lock);
	while (io->park_requested) {
		io->parked = true;
		pthread_cond_broadcast(&io->park_cond);
		pthread_cond_wait(&io->park_cond, &io->lock);
	}
	io->parked = false;
	pthread_mutex_unlock(&io->lock);
}

static void *iothread_main(void *arg)
{
	struct vm *vm = arg;
	struct iothread *io = vm->io;
	struct epoll_event ev[16];
	sigset_t all;
	int i, n;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), "xlc-io");
	vm_thread_started(vm, VM_THREAD_IO, 0);
	for (;;) {
		n = epoll_wait(io->epoll_fd, ev, ARRAY_SIZE(ev), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (i = 0; i < n; i++) {
			struct watch *w = ev[i].data.ptr;

			if (!w)
				return NULL; /* the stop eventfd */
			w->fn(w->opaque, ev[i].events);
		}
	}
	return NULL;
}

static struct iothread *get(struct vm *vm)
{
	struct iothread *io = vm->io;

	if (io)
		return io;
	io = xcalloc(1, sizeof(*io));
	pthread_mutex_init(&io->lock, NULL);
	cond_init_monotonic(&io->park_cond);
	io->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	io->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	io->park_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vm->io = io;
	return io;
}

int iothread_watch(struct vm *vm, int fd, uint32_t events, io_callback fn, void *opaque)
{
	struct iothread *io = get(vm);
	struct watch *w = xcalloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events, .data.ptr = w };

	*w = (struct watch){ fd, fn, opaque };
	if (io->epoll_fd < 0 || epoll_ctl(io->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return -1;
	}
	pthread_mutex_lock(&io->lock);
	io->watches = xreallocarray(io->watches, io->nwatches + 1, sizeof(*io->watches));
	io->watches[io->nwatches++] = w;
	pthread_mutex_unlock(&io->lock);
	return 0;
}

int iothread_modify(struct vm *vm, int fd, uint32_t events)
{
	struct iothread *io = get(vm);
	struct watch *w = NULL;
	struct epoll_event ev;
	unsigned i;

	pthread_mutex_lock(&io->lock);
	for (i = 0; i < io->nwatches; i++)
		if (io->watches[i]->fd == fd)
			w = io->watches[i];
	pthread_mutex_unlock(&io->lock);
	if (!w)
		return -1;
	ev = (struct epoll_event){ .events = events, .data.ptr = w };
	return epoll_ctl(io->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
}

int iothread_start(struct vm *vm, char **err)
{
	struct iothread *io = get(vm);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	int e;

	if (io->epoll_fd < 0 || io->stop_fd < 0 || io->park_fd < 0 ||
	    epoll_ctl(io->epoll_fd, EPOLL_CTL_ADD, io->stop_fd, &ev) < 0 ||
	    iothread_watch(vm, io->park_fd, EPOLLIN, park_here, io)) {
		*err = xasprintf("cannot set up the I/O thread: %s", strerror(errno));
		return -1;
	}
	e = pthread_create(&io->thread, NULL, iothread_main, vm);
	if (e) {
		*err = xasprintf("cannot start the I/O thread: %s", strerror(e));
		return -1;
	}
	io->running = true;
	return 0;
}

int iothread_park(struct vm *vm, bool park)
{
	struct iothread *io = vm->io;
	struct timespec until;
	uint64_t one = 1;
	int e = 0;

	if (!io || !io->running)
		return 0;
	pthread_mutex_lock(&io->lock);
	io->park_requested = park;
	pthread_cond_broadcast(&io->park_cond);
	pthread_mutex_unlock(&io->lock);
	if (!park)
		return 0;
	if (write(io->park_fd, &one, sizeof(one)) != sizeof(one))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += VIRTIO_QUIESCE_MS / 1000;
	pthread_mutex_lock(&io->lock);
	while (!io->parked && !e)
		e = pthread_cond_timedwait(&io->park_cond, &io->lock, &until);
	pthread_mutex_unlock(&io->lock);
	return e ? -1 : 0;
}

/* Stops the thread and frees the loop; the watched fds belong to their devices. */
void iothread_stop(struct vm *vm)
{
	struct iothread *io = vm->io;
	uint64_t one = 1;
	unsigned i;

	if (!io)
		return;
	if (io->running) {
		iothread_park(vm, false);
		if (write(io->stop_fd, &one, sizeof(one)) == sizeof(one))
			pthread_join(io->thread, NULL);
	}
	for (i = 0; i < io->nwatches; i++)
		free(io->watches[i]);
	free(io->watches);
	if (io->epoll_fd >= 0)
		close(io->epoll_fd);
	if (io->stop_fd >= 0)
		close(io->stop_fd);
	if (io->park_fd >= 0)
		close(io->park_fd);
	free(io);
	vm->io = NULL;
}
