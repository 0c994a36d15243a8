// SPDX-License-Identifier: GPL-2.0
/*
 * Wraps a flat 64-bit image in the Linux bzImage format (boot protocol
 * 2.15, Documentation/arch/x86/boot.rst): a 1024-byte setup block holding the
 * setup header, then the protected-mode image, whose 64-bit entry is at
 * offset 0x200. A loader that boots Linux this way boots a kit guest the
 * same way.
 *
 *   mkbzimage IMAGE.bin OUT.bzImage LOAD_ADDRESS INIT_SIZE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

int main(int argc, char **argv)
{
	uint8_t setup[1024] = { 0 };
	uint8_t *image;
	uint64_t load;
	uint32_t init_size;
	long size;
	FILE *in, *out;

	if (argc != 5) {
		fprintf(stderr, "usage: mkbzimage IMAGE.bin OUT.bzImage LOAD_ADDRESS INIT_SIZE\n");
		return 2;
	}
	load = strtoull(argv[3], NULL, 0);
	init_size = (uint32_t)strtoul(argv[4], NULL, 0);
	in = fopen(argv[1], "rb");
	if (!in || fseek(in, 0, SEEK_END) || (size = ftell(in)) <= 0x200) {
		perror(argv[1]);
		return 1;
	}
	rewind(in);
	image = calloc(1, (size_t)size);
	if (!image || fread(image, 1, (size_t)size, in) != (size_t)size) {
		perror(argv[1]);
		return 1;
	}
	fclose(in);

	setup[0x1f1] = 1; /* setup_sects: one sector after the boot sector */
	put32(&setup[0x1f4], (uint32_t)((size + 15) / 16)); /* syssize, in 16-byte units */
	put16(&setup[0x1fe], 0xaa55);			    /* boot_flag */
	setup[0x200] = 0xeb;				    /* jump over the header (never run) */
	setup[0x201] = 0x66; /* ...and the header's length: 0x202 + 0x66 */
	memcpy(&setup[0x202], "HdrS", 4);
	put16(&setup[0x206], 0x020f);	      /* protocol 2.15 */
	setup[0x211] = 0x01;		      /* loadflags: LOADED_HIGH */
	put32(&setup[0x214], (uint32_t)load); /* code32_start */
	put32(&setup[0x22c], 0x7fffffff);     /* initrd_addr_max */
	put32(&setup[0x230], 0x200000);	      /* kernel_alignment */
	setup[0x234] = 0;		      /* not relocatable: linked at LOAD_ADDRESS */
	put16(&setup[0x236], 0x0001);	      /* xloadflags: XLF_KERNEL_64 */
	put32(&setup[0x238], 2047);	      /* cmdline_size */
	put64(&setup[0x258], load);	      /* pref_address */
	put32(&setup[0x260], init_size);      /* init_size: image + bss + stack */

	out = fopen(argv[2], "wb");
	if (!out || fwrite(setup, 1, sizeof(setup), out) != sizeof(setup) ||
	    fwrite(image, 1, (size_t)size, out) != (size_t)size || fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	free(image);
	return 0;
}
