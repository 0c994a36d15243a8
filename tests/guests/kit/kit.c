// SPDX-License-Identifier: GPL-2.0
#include "kit.h"

#define COM1 0x3f8

const uint8_t *boot_params;

void *memset(void *s, int c, size_t n)
{
	uint8_t *p = s;

	while (n--)
		*p++ = (uint8_t)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (uint8_t)*a - (uint8_t)*b;
	return 0;
}

void kit_putc(char c)
{
	unsigned spins = 100000;

	if (c == '\n')
		kit_putc('\r');
	/* Wait for the transmit holding register to empty (LSR bit 5). */
	while (!(inb(COM1 + 5) & 0x20) && --spins)
		;
	outb(COM1, (uint8_t)c);
}

void kit_puts(const char *s)
{
	while (*s)
		kit_putc(*s++);
}

static void put_unsigned(uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width--)
		kit_putc(pad);
	while (n)
		kit_putc(buf[--n]);
}

void kit_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';

		if (*fmt != '%') {
			kit_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = *fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l')
			longs++, fmt++;
		switch (*fmt) {
		case 's':
			kit_puts(va_arg(ap, const char *));
			break;
		case 'c':
			kit_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);

			if (v < 0) {
				kit_putc('-');
				v = -v;
			}
			put_unsigned((uint64_t)v, 10, width, pad);
			break;
		}
		case 'u':
			put_unsigned(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width,
				     pad);
			break;
		case 'x':
			put_unsigned(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width,
				     pad);
			break;
		default:
			kit_putc(*fmt);
		}
	}
	va_end(ap);
}

const char *kit_cmdline(void)
{
	uint32_t ptr;

	memcpy(&ptr, boot_params + BP_CMD_LINE_PTR, 4);
	return ptr ? (const char *)(uintptr_t)ptr : "";
}

bool kit_arg(const char *key, char *buf, size_t len)
{
	const char *p = kit_cmdline();
	size_t klen = strlen(key);

	for (; *p; p++) {
		if ((p == kit_cmdline() || p[-1] == ' ') && !strncmp(p, key, klen) &&
		    p[klen] == '=') {
			size_t n = 0;

			for (p += klen + 1; *p && *p != ' ' && n + 1 < len; p++)
				buf[n++] = *p;
			buf[n] = '\0';
			return true;
		}
	}
	return false;
}

unsigned kit_e820(const struct e820_entry **table)
{
	*table = (const struct e820_entry *)(boot_params + BP_E820_TABLE);
	return boot_params[BP_E820_ENTRIES];
}

static uint8_t checksum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum += *b++;
	return sum;
}

static const uint8_t *find_rsdp(void)
{
	uint64_t addr;
	uintptr_t p;

	memcpy(&addr, boot_params + BP_ACPI_RSDP_ADDR, 8);
	if (addr)
		return (const uint8_t *)(uintptr_t)addr;
	for (p = 0xe0000; p < 0x100000; p += 16)
		if (!memcmp((const void *)p, "RSD PTR ", 8) && !checksum((const void *)p, 20))
			return (const uint8_t *)p;
	return NULL;
}

const void *acpi_table(const char sig[4])
{
	const uint8_t *rsdp = find_rsdp(), *xsdt;
	uint64_t xsdt_addr;
	uint32_t len, i;

	if (!rsdp || rsdp[15] < 2)
		return NULL;
	memcpy(&xsdt_addr, rsdp + 24, 8);
	xsdt = (const uint8_t *)(uintptr_t)xsdt_addr;
	if (memcmp(xsdt, "XSDT", 4))
		return NULL;
	memcpy(&len, xsdt + 4, 4);
	for (i = 36; i + 8 <= len; i += 8) {
		uint64_t entry;

		memcpy(&entry, xsdt + i, 8);
		if (!memcmp((const void *)(uintptr_t)entry, sig, 4))
			return (const void *)(uintptr_t)entry;
	}
	return NULL;
}

void kit_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void kit_reboot(void)
{
	outb(0x64, 0xfe); /* i8042: pulse the reset line */
	kit_halt();
}

/* The S5 sleep type from the DSDT's Name(_S5_, Package() { typ, ... }). */
static int s5_sleep_type(const uint8_t *dsdt)
{
	uint32_t len, i;

	memcpy(&len, dsdt + 4, 4);
	for (i = 36; i + 8 < len; i++) {
		const uint8_t *p = dsdt + i;

		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		p += 5;
		p += 1 + (*p >> 6); /* PkgLength */
		p++;		    /* NumElements */
		if (*p == 0x0a)	    /* BytePrefix */
			return p[1];
		return *p == 0x01 ? 1 : 0; /* OneOp / ZeroOp */
	}
	return -1;
}

void kit_poweroff(void)
{
	const uint8_t *fadt = acpi_table("FACP"), *dsdt;
	uint64_t dsdt_addr, reg;
	uint32_t flags;
	int typ;

	if (!fadt) {
		kit_puts("KIT-POWEROFF no FADT\n");
		kit_halt();
	}
	memcpy(&dsdt_addr, fadt + 140, 8); /* X_DSDT */
	dsdt = (const uint8_t *)(uintptr_t)dsdt_addr;
	typ = s5_sleep_type(dsdt);
	memcpy(&flags, fadt + 112, 4);
	kit_printf("KIT-POWEROFF s5=%d hw_reduced=%u\n", typ, (flags >> 20) & 1);
	if (typ < 0)
		kit_halt();
	if (flags & (1u << 20)) {
		/* SLEEP_CONTROL_REG, a Generic Address (I/O or memory): SLP_TYPx | SLP_EN. */
		uint8_t value = (uint8_t)(((typ & 7) << 2) | (1 << 5));

		memcpy(&reg, fadt + 244 + 4, 8);
		if (fadt[244] == 0) /* system memory */
			*(volatile uint8_t *)(uintptr_t)reg = value;
		else
			outb((uint16_t)reg, value);
	} else {
		uint32_t pm1a;

		memcpy(&pm1a, fadt + 64, 4);
		outw((uint16_t)pm1a, (uint16_t)(((typ & 7) << 10) | (1 << 13)));
	}
	kit_halt();
}

void kit_start(const uint8_t *bp);

/* PVH: the start info a PVH loader hands over (Xen's hvm_start_info). */
struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

extern uint8_t pvh_boot_params[4096];
const uint8_t *kit_pvh_boot_params(const struct hvm_start_info *si);

/* Called from entry_pvh before .bss is zeroed: only pvh_boot_params is written. */
const uint8_t *kit_pvh_boot_params(const struct hvm_start_info *si)
{
	uint8_t *bp = pvh_boot_params;
	uint32_t cmdline = (uint32_t)si->cmdline_paddr, i, n = 0;

	memset(bp, 0, sizeof(pvh_boot_params));
	memcpy(bp + BP_CMD_LINE_PTR, &cmdline, 4);
	memcpy(bp + BP_ACPI_RSDP_ADDR, &si->rsdp_paddr, 8);
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_entry *m =
			(const struct hvm_memmap_entry *)(uintptr_t)si->memmap_paddr;

		for (i = 0; i < si->memmap_entries && n < 128; i++, n++) {
			struct e820_entry e = { m[i].addr, m[i].size, m[i].type };

			memcpy(bp + BP_E820_TABLE + n * sizeof(e), &e, sizeof(e));
		}
	}
	bp[BP_E820_ENTRIES] = (uint8_t)n;
	return bp;
}

void kit_start(const uint8_t *bp)
{
	char end[16] = "reboot";
	int code;

	boot_params = bp;
	kit_printf("KIT-START cmdline=\"%s\"\n", kit_cmdline());
	code = kit_main();
	kit_printf("KIT-EXIT code=%d\n", code);
	kit_arg("kit.end", end, sizeof(end));
	if (!strncmp(end, "halt", 5))
		kit_halt();
	if (!strncmp(end, "poweroff", 9))
		kit_poweroff();
	kit_reboot();
}
