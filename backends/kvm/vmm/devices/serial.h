/* SPDX-License-Identifier: GPL-2.0 */
/* The 8250/16550A UART at 0x3f8 (ttyS0). */
#ifndef XLC_KVM_SERIAL_H
#define XLC_KVM_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#include "backends/kvm/vmm/machine/vm.h"

#define SERIAL_COM1 0x3f8

/* Where the guest's output goes (called with the I/O bus lock held). */
typedef void (*serial_sink)(void *opaque, const uint8_t *data, size_t len);

struct serial *serial_create(struct vm *vm, serial_sink sink, void *opaque);
/* Bytes typed into the guest's console. */
void serial_input(struct serial *s, const uint8_t *data, size_t len);

#endif
