/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small legacy devices every PC guest expects: the i8042 keyboard
 * controller (reset line), the CMOS RTC, the pvpanic port, and the 0xcf9
 * reset control register.
 */
#ifndef XLC_KVM_LEGACY_H
#define XLC_KVM_LEGACY_H

#include "backends/kvm/vmm/machine/vm.h"

int i8042_create(struct vm *vm);
/* Presses Ctrl-Alt-Del; -1 if no keyboard driver listens (keys would be lost). */
int i8042_ctrl_alt_del(struct vm *vm);
int rtc_create(struct vm *vm);
int pvpanic_create(struct vm *vm);
int cf9_create(struct vm *vm);

#endif
