/* SPDX-License-Identifier: GPL-2.0 */
/* `xlc console` on kvm: the relay (console/) over the VMM's control socket. */
#ifndef XLC_KVM_CONSOLE_H
#define XLC_KVM_CONSOLE_H

#include "backends/kvm/rundir.h"

/* Asks a kvm domain's VMM for its console and relays; an exit status. */
int console_attach(struct rundir *rd, const char *name, int escape);

#endif
