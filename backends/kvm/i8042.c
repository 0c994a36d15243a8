// SPDX-License-Identifier: GPL-2.0
/*
 * The i8042 keyboard controller, as much of it as a guest needs to reboot:
 * Linux's reboot=k (and many other kernels) pulse the CPU reset line with
 * command 0xfe on port 0x64. The controller answers its self-test and keeps
 * its command byte so drivers that probe it find a sane chip with no
 * keyboard attached.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/legacy.h"
#include "xlc/util.h"

#define DATA_PORT 0x60
#define CMD_PORT 0x64
#define STATUS_OBF 0x01	   /* output buffer full: data for the guest */
#define STATUS_SYS 0x04	   /* the self-test passed */
#define STATUS_CMD 0x08	   /* the last write went to the command port */
#define STATUS_UNLOCK 0x10 /* keyboard not inhibited */

struct i8042 {
	uint8_t ctr; /* controller command byte */
	uint8_t status;
	uint8_t out;	     /* one byte of output buffer */
	uint8_t pending_cmd; /* a command that takes a data byte next */
};

static void reply(struct i8042 *k, uint8_t v)
{
	k->out = v;
	k->status |= STATUS_OBF;
}

static void command(struct vm *vm, struct i8042 *k, uint8_t cmd)
{
	k->status |= STATUS_CMD;
	switch (cmd) {
	case 0x20: /* read the command byte */
		reply(k, k->ctr);
		break;
	case 0x60: /* write the command byte: it follows on the data port */
	case 0xd1: /* write the output port */
		k->pending_cmd = cmd;
		break;
	case 0xaa: /* self-test */
		reply(k, 0x55);
		k->status |= STATUS_SYS;
		break;
	case 0xab: /* keyboard interface test: clock or data stuck would be nonzero */
		reply(k, 0x00);
		break;
	case 0xa9: /* aux interface test: no mouse port */
		reply(k, 0xff);
		break;
	case 0xa7: /* disable the aux port: reflected in the command byte */
		k->ctr |= 0x20;
		break;
	case 0xa8:
		k->ctr &= (uint8_t)~0x20;
		break;
	case 0xad: /* disable the keyboard */
		k->ctr |= 0x10;
		break;
	case 0xae:
		k->ctr &= (uint8_t)~0x10;
		break;
	case 0xfe: /* pulse the reset line */
		vm_request_exit(vm, VM_REBOOT);
		break;
	}
}

static void i8042_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		     bool is_write)
{
	struct i8042 *k = dev;
	uint16_t port = (uint16_t)(DATA_PORT + off);

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (port == CMD_PORT) {
		if (is_write)
			command(vm, k, data[0]);
		else
			data[0] = k->status;
	} else if (port == DATA_PORT) {
		if (!is_write) {
			data[0] = k->out;
			k->status &= (uint8_t)~STATUS_OBF;
			return;
		}
		k->status &= (uint8_t)~STATUS_CMD;
		if (k->pending_cmd == 0x60)
			k->ctr = data[0];
		else if (k->pending_cmd == 0xd1 && !(data[0] & 1))
			vm_request_exit(vm, VM_REBOOT); /* output port bit 0 is the reset line */
		k->pending_cmd = 0;
	}
}

int i8042_create(struct vm *vm)
{
	struct i8042 *k = xcalloc(1, sizeof(*k));

	k->status = STATUS_SYS | STATUS_UNLOCK;
	k->ctr = 0x45; /* IRQ1 on, translation on, mouse port off */
	/* One range covers 0x60..0x64; the ports between are not the i8042's. */
	if (bus_register(&vm->pio, DATA_PORT, 5, i8042_io, k, "i8042")) {
		free(k);
		return -1;
	}
	return 0;
}
