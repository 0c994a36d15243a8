// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART at 0x3f8, IRQ 4: the guest's ttyS0 and xlc's console. Output
 * goes to the console sink at once (the transmitter is always empty); input
 * from `xlc console` queues in the receive FIFO. Enough of the chip for
 * Linux's 8250 driver: FIFO detection, loopback test, THRE and RDA interrupts.
 */
#include "backends/kvm/vmm/devices/serial.h"

#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/snapshot/stream.h"
#include "lib/util.h"

#define UART_IRQ 4
#define FIFO_SIZE 256

/* Register offsets and bits. */
#define RBR_THR 0
#define IER 1
#define IIR_FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IIR_NO_INT 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_FIFO 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

struct serial {
	struct vm *vm;
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thri_pending;
	bool irq_level;
	uint8_t rx[FIFO_SIZE];
	unsigned rx_head, rx_count;
	serial_sink sink;
	void *sink_opaque;
};

static uint8_t iir(const struct serial *s)
{
	uint8_t fifo = (s->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((s->ier & IER_RDI) && s->rx_count)
		return fifo | IIR_RDI;
	if ((s->ier & IER_THRI) && s->thri_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NO_INT;
}

/*
 * The line follows the interrupt condition, so every new one is an edge. On
 * a PC, OUT2 gates the line; like QEMU we do not, since Linux may clear OUT2
 * while its console still relies on the interrupt.
 */
static void update_irq(struct serial *s)
{
	bool level = !(iir(s) & IIR_NO_INT);

	if (level != s->irq_level) {
		s->irq_level = level;
		vm_irq_line(s->vm, UART_IRQ, level);
	}
}

static void rx_push(struct serial *s, uint8_t c)
{
	if (s->rx_count == FIFO_SIZE)
		return; /* overrun: the byte is lost, as on the chip */
	s->rx[(s->rx_head + s->rx_count++) % FIFO_SIZE] = c;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % FIFO_SIZE;
	s->rx_count--;
	return c;
}

static uint8_t msr(const struct serial *s)
{
	uint8_t m = s->mcr;

	if (!(m & MCR_LOOP))
		return 0xb0; /* DCD, DSR, CTS: a terminal is always there */
	return (uint8_t)((m & 0x02) << 3 | (m & 0x01) << 5 | (m & 0x04) << 4 | (m & 0x08) << 4);
}

static void write_reg(struct serial *s, uint64_t off, uint8_t v)
{
	switch (off) {
	case RBR_THR:
		if (s->lcr & LCR_DLAB) {
			s->dll = v;
		} else if (s->mcr & MCR_LOOP) {
			rx_push(s, v);
		} else {
			if (s->sink)
				s->sink(s->sink_opaque, &v, 1);
			s->thri_pending = true;
		}
		break;
	case IER:
		if (s->lcr & LCR_DLAB) {
			s->dlm = v;
			break;
		}
		/* Enabling the THR interrupt with the THR empty raises it at once. */
		if (!(s->ier & IER_THRI) && (v & IER_THRI))
			s->thri_pending = true;
		s->ier = v & 0x0f;
		break;
	case IIR_FCR:
		s->fcr = v & 0xc9;
		if (v & FCR_CLEAR_RX)
			s->rx_head = s->rx_count = 0;
		break;
	case LCR:
		s->lcr = v;
		break;
	case MCR:
		s->mcr = v & 0x1f;
		break;
	case SCR:
		s->scr = v;
		break;
	}
	update_irq(s);
}

static uint8_t read_reg(struct serial *s, uint64_t off)
{
	uint8_t v = 0;

	switch (off) {
	case RBR_THR:
		v = (s->lcr & LCR_DLAB) ? s->dll : rx_pop(s);
		break;
	case IER:
		v = (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
		break;
	case IIR_FCR:
		v = iir(s);
		if ((v & 0x0f) == IIR_THRI)
			s->thri_pending = false; /* reading IIR acknowledges THRI */
		break;
	case LCR:
		v = s->lcr;
		break;
	case MCR:
		v = s->mcr;
		break;
	case LSR:
		v = LSR_THRE | LSR_TEMT | (s->rx_count ? LSR_DR : 0);
		break;
	case MSR:
		v = msr(s);
		break;
	case SCR:
		v = s->scr;
		break;
	}
	update_irq(s);
	return v;
}

static void serial_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		      bool is_write)
{
	(void)vm;
	if (len != 1) { /* the chip has byte registers; wider accesses read ones */
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (is_write)
		write_reg(dev, off, data[0]);
	else
		data[0] = read_reg(dev, off);
}

static void serial_save(const void *dev, struct snap_out *o)
{
	const struct serial *s = dev;

	snap_put_u8(o, s->ier);
	snap_put_u8(o, s->lcr);
	snap_put_u8(o, s->mcr);
	snap_put_u8(o, s->scr);
	snap_put_u8(o, s->fcr);
	snap_put_u8(o, s->dll);
	snap_put_u8(o, s->dlm);
	snap_put_u8(o, s->thri_pending);
	snap_put_u8(o, s->irq_level);
	snap_put_ring(o, s->rx, FIFO_SIZE, s->rx_head, s->rx_count);
}

static int serial_load(void *dev, struct snap_in *in, char **err)
{
	struct serial *s = dev, n = *s;
	uint8_t thri, irq;

	n.ier = snap_get_u8(in) & 0x0f; /* the masks the guest's writes get */
	n.lcr = snap_get_u8(in);
	n.mcr = snap_get_u8(in) & 0x1f;
	n.scr = snap_get_u8(in);
	n.fcr = snap_get_u8(in) & 0xc9;
	n.dll = snap_get_u8(in);
	n.dlm = snap_get_u8(in);
	thri = snap_get_u8(in);
	irq = snap_get_u8(in);
	n.rx_count = snap_get_ring(in, n.rx, FIFO_SIZE);
	n.rx_head = 0;
	if (snap_in_finish(in, thri <= 1 && irq <= 1, "serial", err))
		return -1;
	n.thri_pending = thri;
	n.irq_level = irq;
	*s = n;
	return 0;
}

static const struct device_state_ops serial_state = { serial_save, serial_load };

struct serial *serial_create(struct vm *vm, serial_sink sink, void *opaque)
{
	struct serial *s = xcalloc(1, sizeof(*s));

	s->vm = vm;
	s->sink = sink;
	s->sink_opaque = opaque;
	if (bus_register(&vm->pio, SERIAL_COM1, 8, serial_io, s, "serial")) {
		free(s);
		return NULL;
	}
	return vm_register_state(vm, "serial", &serial_state, s) ? NULL : s;
}

void serial_input(struct serial *s, const uint8_t *data, size_t len)
{
	pthread_mutex_lock(&s->vm->pio.lock);
	while (len--)
		rx_push(s, *data++);
	update_irq(s);
	pthread_mutex_unlock(&s->vm->pio.lock);
}
