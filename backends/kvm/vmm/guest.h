/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest process: one per boot of a guest, forked by the supervisor,
 * confined (sandbox.h), running the machine. It is the only process that
 * touches guest memory or guest-controlled rings, so everything that comes
 * from it to the supervisor is treated as the guest's: fixed-size messages
 * with checked fields, counters in a shared page that are only ever read as
 * numbers, text that is cleaned before it reaches a log.
 */
#ifndef XLC_KVM_GUEST_H
#define XLC_KVM_GUEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backends/kvm/vmm/host.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "backends/kvm/vmm_spec.h"

/* The page the guest process writes and the supervisor reads. */
struct guest_shared {
	_Atomic int32_t vcpu_tid[VMM_SPEC_MAX_VCPUS]; /* 0: not started */
	struct virtio_stats dev[VIRTIO_MAX_DEVICES];
	_Atomic uint64_t console_dropped; /* bytes the console could not take */
};

/* Messages on the supervisor's link (a SOCK_SEQPACKET pair), both ways. */
enum guest_msg_type {
	/* guest -> supervisor */
	GUEST_READY = 1, /* arg: the sandbox flags it achieved */
	GUEST_FAILED,	 /* text: why the machine could not be built or started */
	GUEST_ENDED,	 /* arg: enum vm_exit_reason */
	GUEST_DONE,	 /* arg: 0 or -1, for the request numbered seq */
	/* supervisor -> guest */
	GUEST_PAUSE,
	GUEST_UNPAUSE,
	GUEST_POWER_BUTTON,
	GUEST_CTRL_ALT_DEL,
	GUEST_RESET,
	GUEST_BALLOON,		 /* arg: the balloon's target, in pages */
	GUEST_VCPUS,		 /* arg: how many vCPUs are present (vcpu-set) */
	GUEST_MEDIUM,		 /* arg: a cdrom's disk index; size: its new medium's bytes;
				    the medium's fd comes with it (SCM_RIGHTS), none: ejected */
	GUEST_FORBIDDEN_SYSCALL, /* tests: make a call the filter forbids */
	GUEST_SAVE, /* arg: enum guest_save_after; the stream's fd comes with it (SCM_RIGHTS),
		       its GUEST_DONE comes once the stream is written and closed, with
		       the reason in text if it could not be */
};

/* What the machine does once its state is saved (xl save's default, -p, -c). */
enum guest_save_after {
	GUEST_SAVE_STOPS,      /* it stays frozen: the supervisor ends it */
	GUEST_SAVE_PAUSES,     /* its devices carry on, its vCPUs stay paused */
	GUEST_SAVE_RUNS,       /* as it was before */
	GUEST_SAVE_HANDS_OVER, /* as PAUSES; the supervisor lets go of the disk images */
};

#define GUEST_TEXT_MAX 200

struct guest_msg {
	uint32_t type;
	int32_t arg;
	uint32_t seq; /* a request's number, which its GUEST_DONE repeats */
	uint64_t size;
	char text[GUEST_TEXT_MAX];
};

/* What a boot's process needs besides the spec and the host's fds. */
struct guest_boot {
	const struct vmm_spec *spec;
	const struct host *host;
	int domid;
	bool paused;
	uint32_t balloon_pages; /* the balloon's target at boot (pages the guest hands back) */
	struct guest_shared *shared;
	int link_fd;	    /* its end of the supervisor's link */
	int console_out_fd; /* the guest's serial output goes here */
	int console_in_fd;  /* typed input comes from here */
	int log_fd;	    /* its stderr: lines the supervisor writes to the VMM log */
	const char *empty_root_at;
	int restore_fd; /* the machine stream (restore): loaded instead of a boot; or -1 */
};

/* The guest process's life: confine, build, run; never returns. */
void guest_main(const struct guest_boot *b) __attribute__((noreturn));

#endif
