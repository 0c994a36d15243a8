// SPDX-License-Identifier: GPL-2.0
/*
 * Takes the UART's transmit interrupt, through the 8259 PIC (vector 0x24) or
 * with kit.ioapic=1 through the IO-APIC and the local APIC (vector 0x34), as
 * Linux routes it: enables THRE interrupts (IER bit 1) and waits for one.
 * Linux's ttyS0 output depends on this path. With kit.thre=N the handler
 * writes a byte to THR on each interrupt but the last: the transmitter must
 * empty again and raise THRE anew each time, as Linux's 8250 driver expects
 * when it sends a line a byte per interrupt. With kit.reenable=1 the handler
 * instead turns THRI off and on again: with the THR still empty, that alone
 * must raise THRE again (Linux does it to kick a quiet transmitter).
 */
#include "kit.h"

struct idt_entry {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
static volatile unsigned irqs;
static volatile uint8_t iir_seen;
static bool use_ioapic;
static unsigned want = 1;
static bool reenable;

#define LAPIC 0xfee00000UL
#define IOAPIC 0xfec00000UL

static void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC, reg);
	mmio_write32(IOAPIC + 0x10, v);
}

void irq4_entry(void);
void irq4_handler(void);

void irq4_handler(void)
{
	iir_seen = inb(0x3f8 + 2); /* reading IIR acknowledges THRI */
	irqs++;
	if (irqs < want && reenable) {
		outb(0x3f8 + 1, 0); /* THRI off, and on again: the THR is empty */
		outb(0x3f8 + 1, 0x02);
	} else if (irqs < want)
		outb(0x3f8, '.'); /* a byte out: THRE must come back when it is sent */
	else
		outb(0x3f8 + 1, 0); /* IER: no more interrupts */
	if (use_ioapic)
		mmio_write32(LAPIC + 0xb0, 0); /* EOI to the local APIC */
	else
		outb(0x20, 0x20); /* EOI to the master PIC */
}

__asm__(".text\n"
	"irq4_entry:\n"
	"push %rax; push %rcx; push %rdx; push %rsi; push %rdi\n"
	"push %r8; push %r9; push %r10; push %r11\n"
	"call irq4_handler\n"
	"pop %r11; pop %r10; pop %r9; pop %r8\n"
	"pop %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rax\n"
	"iretq\n");

static void set_gate(unsigned vec, void (*fn)(void))
{
	uintptr_t a = (uintptr_t)fn;
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	idt[vec] = (struct idt_entry){ (uint16_t)a,	    cs, 0, 0x8e, (uint16_t)(a >> 16),
				       (uint32_t)(a >> 32), 0 };
}

static void pic_remap(void)
{
	outb(0x20, 0x11); /* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20); /* ICW2: vectors 0x20.. */
	outb(0xa1, 0x28);
	outb(0x21, 0x04); /* ICW3 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01); /* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, (uint8_t) ~(1 << 4)); /* only IRQ 4 */
	outb(0xa1, 0xff);
}

int kit_main(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uintptr_t)idt };
	unsigned spins;

	char arg[8] = "0";

	kit_arg("kit.ioapic", arg, sizeof(arg));
	use_ioapic = arg[0] == '1';
	if (kit_arg("kit.thre", arg, sizeof(arg)) && arg[0] > '0' && arg[0] <= '9')
		want = (unsigned)(arg[0] - '0');
	if (kit_arg("kit.reenable", arg, sizeof(arg)) && arg[0] == '1') {
		reenable = true;
		want = 2;
	}
	set_gate(0x24, irq4_entry);
	set_gate(0x34, irq4_entry);
	__asm__ volatile("lidt %0" : : "m"(idtr));
	pic_remap();
	if (use_ioapic) {
		outb(0x21, 0xff);		   /* the PIC is masked: the IO-APIC delivers */
		mmio_write32(LAPIC + 0xf0, 0x1ff); /* software-enable the local APIC */
		ioapic_write(0x10 + 2 * 4 + 1, 0); /* pin 4 -> APIC id 0 */
		ioapic_write(0x10 + 2 * 4, 0x34);  /* fixed, edge, active high, unmasked */
	}
	outb(0x3f8 + 4, 0x08); /* MCR: OUT2 routes the UART's interrupt */
	outb(0x3f8 + 1, 0x02); /* IER: THRE interrupt */
	__asm__ volatile("sti");
	/*
	 * The VMM raises THRE as the guest writes, so an interrupt due comes on
	 * the next entry. The bound is for one that never comes: the guest
	 * then reports what it got, long before the test's own bound ends it.
	 */
	for (spins = 0; irqs < want && spins < 1000000; spins++)
		__asm__ volatile("pause");
	__asm__ volatile("cli");
	kit_printf("KIT-SERIALIRQ via=%s irqs=%u iir=%x\n", use_ioapic ? "ioapic" : "pic", irqs,
		   iir_seen);
	return irqs == want ? 0 : 1;
}
