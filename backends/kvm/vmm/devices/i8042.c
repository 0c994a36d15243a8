// SPDX-License-Identifier: GPL-2.0
/*
 * The i8042 keyboard controller and a PS/2 keyboard behind it: enough for a
 * guest to reboot through it (command 0xfe pulses the CPU reset line, as
 * Linux's reboot=k does) and for `xlc reboot` to press Ctrl-Alt-Del, the
 * request every PC operating system honours with an orderly reboot (Linux
 * signals init; systemd runs ctrl-alt-del.target).
 *
 * The keyboard answers what Linux's atkbd asks at probe time (reset, get
 * id, set LEDs, scan code set, enable) and raises IRQ 1 for every byte it
 * queues while the guest has keyboard interrupts on. There is no mouse.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/snapshot/stream.h"
#include "lib/util.h"

#define DATA_PORT 0x60
#define CMD_PORT 0x64
#define KBD_IRQ 1
#define STATUS_OBF 0x01	   /* output buffer full: data for the guest */
#define STATUS_SYS 0x04	   /* the self-test passed */
#define STATUS_CMD 0x08	   /* the last write went to the command port */
#define STATUS_UNLOCK 0x10 /* keyboard not inhibited */
#define CTR_KBD_INT 0x01   /* command byte: keyboard interrupt enabled */
#define CTR_KBD_OFF 0x10   /* command byte: keyboard clock disabled */
#define CTR_XLATE 0x40	   /* command byte: set 2 is translated to set 1 */
#define KBD_ACK 0xfa
#define QUEUE_LEN 32

struct i8042 {
	struct vm *vm;
	uint8_t ctr; /* controller command byte */
	uint8_t status;
	uint8_t queue[QUEUE_LEN]; /* bytes for the guest, oldest first */
	unsigned head, count;
	uint8_t pending_cmd; /* a controller command that takes a data byte next */
	uint8_t pending_kbd; /* a keyboard command that takes an argument next */
	bool scanning;	     /* the keyboard was reset or enabled: it sends keys */
};

static struct i8042 *the_i8042(struct vm *vm)
{
	return vm->i8042;
}

/* Moves the oldest queued byte into the output buffer and interrupts. */
static void fill_output(struct i8042 *k)
{
	if ((k->status & STATUS_OBF) || !k->count)
		return;
	k->status |= STATUS_OBF;
	if (k->ctr & CTR_KBD_INT) {
		vm_irq_line(k->vm, KBD_IRQ, true);
		vm_irq_line(k->vm, KBD_IRQ, false);
	}
}

static void push(struct i8042 *k, uint8_t v)
{
	if (k->count == QUEUE_LEN)
		return; /* a real keyboard drops keys too when nobody reads */
	k->queue[(k->head + k->count++) % QUEUE_LEN] = v;
	fill_output(k);
}

static uint8_t pop(struct i8042 *k)
{
	uint8_t v;

	if (!k->count)
		return k->queue[(k->head + QUEUE_LEN - 1) % QUEUE_LEN]; /* the last byte again */
	v = k->queue[k->head];
	k->head = (k->head + 1) % QUEUE_LEN;
	k->count--;
	k->status &= (uint8_t)~STATUS_OBF;
	fill_output(k);
	return v;
}

static void command(struct i8042 *k, uint8_t cmd)
{
	k->status |= STATUS_CMD;
	switch (cmd) {
	case 0x20: /* read the command byte */
		push(k, k->ctr);
		break;
	case 0x60: /* write the command byte: it follows on the data port */
	case 0xd1: /* write the output port */
	case 0xd2: /* write the keyboard's output buffer */
		k->pending_cmd = cmd;
		break;
	case 0xaa: /* self-test */
		push(k, 0x55);
		k->status |= STATUS_SYS;
		break;
	case 0xab: /* keyboard interface test: clock or data stuck would be nonzero */
		push(k, 0x00);
		break;
	case 0xa9: /* aux interface test: there is no mouse port */
		push(k, 0xff);
		break;
	case 0xa7: /* disable the aux port: reflected in the command byte */
		k->ctr |= 0x20;
		break;
	case 0xa8:
		k->ctr &= (uint8_t)~0x20;
		break;
	case 0xad: /* disable the keyboard */
		k->ctr |= CTR_KBD_OFF;
		break;
	case 0xae:
		k->ctr &= (uint8_t)~CTR_KBD_OFF;
		break;
	case 0xfe: /* pulse the reset line */
		vm_request_exit(k->vm, VM_REBOOT);
		break;
	}
}

/* A byte for the keyboard itself: a command, or the argument of one. */
static void keyboard(struct i8042 *k, uint8_t v)
{
	if (k->pending_kbd) {
		push(k, KBD_ACK);
		if (k->pending_kbd == 0xf0 && v == 0)
			push(k, 0x02); /* the scan code set in use */
		k->pending_kbd = 0;
		return;
	}
	switch (v) {
	case 0xff: /* reset: ack, then the self-test passed */
		push(k, KBD_ACK);
		push(k, 0xaa);
		k->scanning = true;
		break;
	case 0xf2: /* identify: an MF2 keyboard, as the translating controller reports it */
		push(k, KBD_ACK);
		push(k, 0xab);
		push(k, k->ctr & CTR_XLATE ? 0x41 : 0x83);
		break;
	case 0xed: /* set LEDs */
	case 0xf3: /* set typematic rate */
	case 0xf0: /* scan code set */
		push(k, KBD_ACK);
		k->pending_kbd = v;
		break;
	case 0xf4:
		push(k, KBD_ACK);
		k->scanning = true;
		break;
	case 0xf5:
		push(k, KBD_ACK);
		k->scanning = false;
		break;
	case 0xee: /* echo */
		push(k, 0xee);
		break;
	default:
		push(k, KBD_ACK);
	}
}

static void write_data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending_cmd;

	k->status &= (uint8_t)~STATUS_CMD;
	k->pending_cmd = 0;
	if (cmd == 0x60)
		k->ctr = v;
	else if (cmd == 0xd1 && !(v & 1))
		vm_request_exit(k->vm, VM_REBOOT); /* output port bit 0 is the reset line */
	else if (cmd == 0xd2)
		push(k, v);
	else if (!cmd)
		keyboard(k, v);
}

static void i8042_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		     bool is_write)
{
	struct i8042 *k = dev;
	uint16_t port = (uint16_t)(DATA_PORT + off);

	(void)vm;
	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (port == CMD_PORT) {
		if (is_write)
			command(k, data[0]);
		else
			data[0] = k->status;
	} else if (port == DATA_PORT) {
		if (is_write)
			write_data(k, data[0]);
		else
			data[0] = pop(k);
	}
}

int i8042_ctrl_alt_del(struct vm *vm)
{
	/* Set 1 (what the translating controller hands the guest), and set 2. */
	static const uint8_t set1[] = { 0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d };
	static const uint8_t set2[] = { 0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0,
					0x71, 0xf0, 0x11, 0xf0, 0x14 };
	struct i8042 *k = the_i8042(vm);
	int ret = -1;
	unsigned i;

	pthread_mutex_lock(&vm->pio.lock);
	if (k && k->scanning && (k->ctr & CTR_KBD_INT) && !(k->ctr & CTR_KBD_OFF)) {
		if (k->ctr & CTR_XLATE)
			for (i = 0; i < ARRAY_SIZE(set1); i++)
				push(k, set1[i]);
		else
			for (i = 0; i < ARRAY_SIZE(set2); i++)
				push(k, set2[i]);
		ret = 0;
	}
	pthread_mutex_unlock(&vm->pio.lock);
	return ret;
}

static void i8042_save(const void *dev, struct snap_out *o)
{
	const struct i8042 *k = dev;

	snap_put_u8(o, k->ctr);
	snap_put_u8(o, k->status);
	snap_put_u8(o, k->pending_cmd);
	snap_put_u8(o, k->pending_kbd);
	snap_put_u8(o, k->scanning);
	snap_put_ring(o, k->queue, QUEUE_LEN, k->head, k->count);
}

static int i8042_load(void *dev, struct snap_in *in, char **err)
{
	struct i8042 *k = dev, n = *k;
	uint8_t scanning;

	n.ctr = snap_get_u8(in);
	n.status = snap_get_u8(in);
	n.pending_cmd = snap_get_u8(in);
	n.pending_kbd = snap_get_u8(in);
	scanning = snap_get_u8(in);
	n.count = snap_get_ring(in, n.queue, QUEUE_LEN);
	n.head = 0;
	if (snap_in_finish(in, scanning <= 1, "i8042", err))
		return -1;
	if (!n.count)
		n.status &= (uint8_t)~STATUS_OBF; /* nothing to read: never stuck full */
	n.scanning = scanning;
	*k = n;
	return 0;
}

static const struct device_state_ops i8042_state = { i8042_save, i8042_load };

int i8042_create(struct vm *vm)
{
	struct i8042 *k = xcalloc(1, sizeof(*k));

	k->vm = vm;
	k->status = STATUS_SYS | STATUS_UNLOCK;
	k->ctr = 0x45; /* IRQ1 on, translation on, mouse port off */
	/* One range covers 0x60..0x64; the ports between are not the i8042's. */
	if (bus_register(&vm->pio, DATA_PORT, 5, i8042_io, k, "i8042")) {
		free(k);
		return -1;
	}
	vm->i8042 = k;
	return vm_register_state(vm, "i8042", &i8042_state, k);
}
