/* SPDX-License-Identifier: GPL-2.0 */
/* The supervisor's helper processes (vif scripts, qemu-storage-daemon): waited for with a bound. */
#ifndef XLC_KVM_CHILD_H
#define XLC_KVM_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Waits for the child pid up to timeout_ms, then kills it (SIGKILL) and
 * reaps it; its wait status, or -1. *timed_out says whether it was killed.
 */
int child_wait_bounded(pid_t pid, int timeout_ms, bool *timed_out);
/*
 * In a child before exec: the supervisor's blocked signals (it reads
 * SIGTERM, SIGINT and SIGHUP from a signalfd) unblocked again, or the
 * program could not be stopped with them.
 */
void child_unblock_signals(void);

#endif
