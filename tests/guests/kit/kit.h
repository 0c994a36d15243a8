/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kit guests' runtime: port I/O, a polled 8250 console, a small printf,
 * the boot_params the loader hands over, and ACPI table lookup. Each guest
 * defines kit_main(); its return value is printed as "KIT-EXIT code=N" and
 * the guest then ends as kit.end= on the command line says (reboot through
 * the i8042 by default; halt; poweroff through ACPI).
 */
#ifndef KIT_H
#define KIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/* The parts of Linux's struct boot_params the kit reads. */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_E820_ENTRIES 0x1e8
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CMD_LINE_PTR 0x228
#define BP_E820_TABLE 0x2d0

extern const uint8_t *boot_params;

int kit_main(void);

void kit_putc(char c);
void kit_puts(const char *s);
void kit_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *kit_cmdline(void);
/* Copies the value of key=value from the command line; false if absent. */
bool kit_arg(const char *key, char *buf, size_t len);
unsigned kit_e820(const struct e820_entry **table);

/* The ACPI table with this signature, found from the RSDP through the XSDT. */
const void *acpi_table(const char sig[4]);

void kit_reboot(void) __attribute__((noreturn));
void kit_halt(void) __attribute__((noreturn));
void kit_poweroff(void) __attribute__((noreturn));

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

#endif
