// SPDX-License-Identifier: GPL-2.0
/*
 * bootloader = "pygrub" on kvm: the boot menus read as pygrub reads them
 * (backends/kvm/vmm/bootloader/boot_menu.h), and the partition tables
 * (partitions.h) of disks built here byte by byte.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/bootloader/boot_menu.h"
#include "backends/kvm/vmm/bootloader/partitions.h"
#include "tap.h"

static const char debian_grub_cfg[] =
	"if [ \"${next_entry}\" ] ; then\n"
	"   set default=\"${next_entry}\"\n"
	"else\n"
	"   set default=\"0\"\n"
	"fi\n"
	"function savedefault {\n"
	"  saved_entry=\"${chosen}\"\n"
	"}\n"
	"menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'simple' {\n"
	"\tset root='hd0,msdos1'\n"
	"\tlinux\t/boot/vmlinuz-6.1.0-2 root=UUID=1234 ro  quiet\n"
	"\tinitrd\t/boot/intel-ucode.img /boot/initrd.img-6.1.0-2\n"
	"}\n"
	"submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'adv' {\n"
	"\tmenuentry \"Debian, with Linux 6.1.0-1\" --class debian {\n"
	"\t\tlinux (hd0,msdos1)/boot/vmlinuz-6.1.0-1 root=UUID=1234 ro single\n"
	"\t}\n"
	"}\n";

/* Parses text as kind; the entry chosen for choice; -2 when the menu is refused. */
static int choose(enum boot_menu_kind kind, const char *text, const char *choice,
		  struct boot_menu *m)
{
	char *err = NULL;

	if (boot_menu_parse(kind, text, strlen(text), m, &err)) {
		ok(false, "refused: %s", err);
		free(err);
		return -2;
	}
	return boot_menu_choose(m, choice);
}

static void grub2(void)
{
	struct boot_menu m;
	int i = choose(MENU_GRUB2, debian_grub_cfg, NULL, &m);

	ok(i == 0 && m.n == 2, "grub.cfg: two entries (the submenu's counted), default 0: %d", i);
	ok(i == 0 && strcmp(m.entries[0].kernel, "/boot/vmlinuz-6.1.0-2") == 0 &&
		   strcmp(m.entries[0].args, "root=UUID=1234 ro  quiet") == 0,
	   "grub.cfg: the linux line's path and arguments");
	ok(i == 0 && m.entries[0].ninitrds == 2 &&
		   strcmp(m.entries[0].initrds[1], "/boot/initrd.img-6.1.0-2") == 0,
	   "grub.cfg: two initrds on one line, in order");
	ok(m.n == 2 && strcmp(m.entries[1].kernel, "/boot/vmlinuz-6.1.0-1") == 0,
	   "grub.cfg: GRUB's device prefix is dropped");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2, debian_grub_cfg, "1", &m) == 1, "--entry=1: the submenu's entry");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2, debian_grub_cfg, "Debian, with Linux 6.1.0-1", &m) == 1,
	   "--entry by title");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2, debian_grub_cfg, "7", &m) == 0, "--entry out of range: the default");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2, debian_grub_cfg, "nosuch", &m) == 0, "--entry unknown: the default");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2,
		  "set default=\"Second\"\nmenuentry 'First' {\nlinux /a\n}\n"
		  "menuentry 'Second' {\nlinux /b\n}\n",
		  NULL, &m) == 1,
	   "set default to a title, as GRUB reads it");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2, debian_grub_cfg, NULL, &m) == 0 &&
		   (boot_menu_free(&m),
		    choose(MENU_GRUB2,
			   "set default=\"Advanced options for Debian GNU/Linux>"
			   "Debian, with Linux 6.1.0-1\"\n"
			   "submenu 'Advanced options for Debian GNU/Linux' {\nmenuentry 'Debian' "
			   "{\n"
			   "linux /a\n}\nmenuentry 'Debian, with Linux 6.1.0-1' {\nlinux "
			   "/b\n}\n}\n",
			   NULL, &m)) == 1,
	   "set default to \"Submenu>Entry\", as Debian pins a kernel: that entry");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2, "set default=saved\nmenuentry 'A' {\nlinux /a\n}\n", NULL, &m) == 0,
	   "set default=saved: entry 0, as pygrub");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB2, "menuentry 'A' {\ninitrd /i\n}\n", NULL, &m) == -1,
	   "an entry without a kernel cannot be chosen");
	boot_menu_free(&m);
}

static void refused(const char *text, const char *want, const char *what)
{
	struct boot_menu m;
	char *err = NULL;
	int rc = boot_menu_parse(MENU_GRUB2, text, strlen(text), &m, &err);

	ok(rc == -1 && err && strcmp(err, want) == 0, "refused: %s (%s)", what, err ? err : "-");
	free(err);
}

static void grub2_refused(void)
{
	refused("menuentry 'A' {\nmenuentry 'B' {\n}\n}\n",
		"line 2: a menuentry inside another one", "nested menuentry");
	refused("menuentry 'A' {\nlinux /a\n", "line 1: a menuentry is never closed", "unclosed");
	refused("}\n", "line 1: '}' closes no menuentry", "a stray brace");
	refused("menuentry A {\n}\n", "line 1: a menuentry without a quoted title",
		"an unquoted title");
}

static void legacy_and_extlinux(void)
{
	struct boot_menu m;

	/* xen-tools' --pygrub menu.lst */
	ok(choose(MENU_GRUB_LEGACY,
		  "default 1\ntimeout 2\n\ntitle Debian (old)\nroot (hd0,0)\n"
		  "kernel /boot/vmlinuz-1 root=/dev/xvda2 ro\ninitrd /boot/initrd-1\n"
		  "title Debian\nroot (hd0,0)\nkernel /boot/vmlinuz-2 root=/dev/xvda2 ro\n",
		  NULL, &m) == 1 &&
		   strcmp(m.entries[1].args, "root=/dev/xvda2 ro") == 0 &&
		   m.entries[0].ninitrds == 1,
	   "menu.lst: default 1, kernel and initrd lines");
	boot_menu_free(&m);
	ok(choose(MENU_GRUB_LEGACY,
		  "default=1\ntitle=A\nkernel=/a\ntitle=Debian GNU/Linux\nkernel=/b "
		  "root=/dev/xvda1 ro\n",
		  NULL, &m) == 1 &&
		   strcmp(m.entries[1].title, "Debian GNU/Linux") == 0 &&
		   strcmp(m.entries[1].args, "root=/dev/xvda1 ro") == 0,
	   "menu.lst's key=value form: the value is the rest of the line");
	boot_menu_free(&m);
	ok(choose(MENU_EXTLINUX,
		  "DEFAULT linux\nLABEL rescue\n  KERNEL /r\nLABEL linux\n"
		  "  APPEND root=/dev/vda1 initrd=/boot/i1,/boot/i2 ro\n  LINUX /boot/vmlinuz\n",
		  NULL, &m) == 1 &&
		   strcmp(m.entries[1].args, "root=/dev/vda1 ro") == 0 &&
		   m.entries[1].ninitrds == 2 && strcmp(m.entries[1].kernel, "/boot/vmlinuz") == 0,
	   "extlinux.conf: DEFAULT by label, initrd= taken out of APPEND, which may come first");
	boot_menu_free(&m);
}

/* ---- partitions ---- */

static uint8_t disk[64 * 1024];

static int read_disk(void *opaque, uint64_t off, void *buf, size_t len)
{
	(void)opaque;
	if (off > sizeof(disk) || len > sizeof(disk) - off)
		return -1;
	memcpy(buf, disk + off, len);
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* x86: little-endian */
}

static void mbr_entry(uint8_t *sector, unsigned i, uint8_t type, uint32_t lba, uint32_t count)
{
	uint8_t *e = sector + 446 + 16 * i;

	e[4] = type;
	put32(e + 8, lba);
	put32(e + 12, count);
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

static void partitions(void)
{
	struct partition p[PARTITIONS_MAX];
	unsigned n;

	memset(disk, 0, sizeof(disk));
	n = partitions_find(read_disk, NULL, sizeof(disk), p);
	ok(n == 1 && p[0].offset == 0 && p[0].bytes == sizeof(disk), "no table: the whole disk");

	mbr_entry(disk, 0, 0x83, 8, 16);
	mbr_entry(disk, 1, 0x83, 100, 1000); /* past the disk's end: skipped */
	mbr_entry(disk, 2, 0x05, 40, 60);    /* extended: two logical partitions */
	mbr_entry(disk + 40 * 512, 0, 0x83, 2, 4);
	mbr_entry(disk + 40 * 512, 1, 0x05, 10, 20);
	mbr_entry(disk + 50 * 512, 0, 0x83, 1, 8);
	n = partitions_find(read_disk, NULL, sizeof(disk), p);
	ok(n == 3 && p[0].offset == 8 * 512 && p[1].offset == 42 * 512 && p[2].offset == 51 * 512 &&
		   p[2].bytes == 8 * 512 && p[0].number == 1 && p[1].number == 5 &&
		   p[2].number == 6,
	   "MBR: primaries, then the logical ones; one past the end skipped (%u)", n);

	mbr_entry(disk + 50 * 512, 1, 0x05, 10, 20); /* an EBR chain that loops on itself */
	n = partitions_find(read_disk, NULL, sizeof(disk), p);
	ok(n == 1 + 64, "an EBR loop ends at the bound: 64 links (%u partitions)", n);

	memset(disk, 0, sizeof(disk));
	mbr_entry(disk, 0, 0x83, 8, 16);
	mbr_entry(disk, 2, 0x83, 24, 16);
	disk[446 + 32] = 0x80; /* the third: bootable */
	n = partitions_find(read_disk, NULL, sizeof(disk), p);
	ok(n == 2 && p[0].number == 3 && p[1].number == 1,
	   "MBR: the bootable primary first, as pygrub");

	memset(disk, 0, sizeof(disk));
	mbr_entry(disk, 0, 0xee, 1, 127);
	memcpy(disk + 512, "EFI PART", 8);
	put32(disk + 512 + 72, 4); /* entries at LBA 4 */
	put32(disk + 512 + 80, 3);
	put32(disk + 512 + 84, 128);
	disk[4 * 512] = 1; /* a type GUID: used */
	put32(disk + 4 * 512 + 32, 34);
	put32(disk + 4 * 512 + 40, 63);
	disk[4 * 512 + 256] = 1; /* entry 1 unused; entry 2 used */
	put32(disk + 4 * 512 + 256 + 32, 64);
	put32(disk + 4 * 512 + 256 + 40, 127);
	n = partitions_find(read_disk, NULL, sizeof(disk), p);
	ok(n == 2 && p[0].offset == 34 * 512 && p[0].bytes == 30 * 512 && p[1].offset == 64 * 512 &&
		   p[1].number == 3,
	   "GPT: the used entries, from the header's entry LBA (%u)", n);
}

int main(void)
{
	grub2();
	grub2_refused();
	legacy_and_extlinux();
	partitions();
	return done_testing();
}
