// SPDX-License-Identifier: GPL-2.0
/*
 * State to survive a save and restore: a boot id (the TSC at boot), a
 * counter, and 1 MiB of memory (kvm-pvm is slow to touch more) filled with a pattern. Each line
 * typed on the UART adds one to the counter and prints all three: KIT-COUNT boot=<id> n=<counter>
 * mem=<ok|bad> line=<line>.
 */
#include "kit.h"

#define PATTERN_BYTES (1u << 20)

static uint64_t pattern[PATTERN_BYTES / 8];

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t word(uint64_t i, uint64_t seed)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ seed;
}

static bool pattern_intact(uint64_t seed)
{
	uint64_t i;

	for (i = 0; i < PATTERN_BYTES / 8; i++)
		if (pattern[i] != word(i, seed))
			return false;
	return true;
}

int kit_main(void)
{
	uint64_t boot = rdtsc(), i;
	unsigned n = 0, len = 0;
	char line[64];

	for (i = 0; i < PATTERN_BYTES / 8; i++)
		pattern[i] = word(i, boot);
	kit_printf("KIT-COUNT-READY boot=%llx\n", (unsigned long long)boot);
	for (;;) {
		char c;

		while (!(inb(0x3f8 + 5) & 0x01)) /* LSR: data ready */
			__asm__ volatile("pause");
		c = (char)inb(0x3f8);
		if (c != '\r' && c != '\n' && len < sizeof(line) - 1) {
			line[len++] = c;
			continue;
		}
		line[len] = '\0';
		len = 0;
		n++;
		kit_printf("KIT-COUNT boot=%llx n=%u mem=%s line=%s\n", (unsigned long long)boot, n,
			   pattern_intact(boot) ? "ok" : "bad", line);
	}
}
