/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's boot menu, read as pygrub reads it: GRUB 2's grub.cfg, GRUB
 * legacy's menu.lst and extlinux.conf / syslinux.cfg. Only what choosing an
 * entry needs is kept: each entry's title, kernel, initrds and arguments,
 * and the menu's default. The text is the guest's: every count is bounded
 * and nothing in it is run.
 */
#ifndef XLC_KVM_BOOTLOADER_BOOT_MENU_H
#define XLC_KVM_BOOTLOADER_BOOT_MENU_H

#include <stddef.h>

#define BOOT_MENU_MAX_ENTRIES 256
#define BOOT_MENU_MAX_INITRDS 4

enum boot_menu_kind { MENU_GRUB2, MENU_GRUB_LEGACY, MENU_EXTLINUX };

struct boot_entry {
	char *title;
	char *kernel; /* a path on the filesystem the menu is on */
	char *initrds[BOOT_MENU_MAX_INITRDS];
	unsigned ninitrds; /* GRUB loads several one after another (microcode first) */
	char *args;	   /* "" when none */
};

struct boot_menu {
	struct boot_entry *entries;
	unsigned n;
	char *default_entry; /* as the menu says it (a number or a title), or NULL */
};

/* Reads a menu; 0, or -1 with a one-line *err (what is wrong, and the line). */
int boot_menu_parse(enum boot_menu_kind kind, const char *text, size_t len, struct boot_menu *m,
		    char **err);
/*
 * The entry to boot: the one `choice` names (its index from 0, or its
 * title), as pygrub's --entry; without one, or when it names no entry, the
 * menu's default; when that names none either, entry 0, as in pygrub. -1
 * when that entry has no kernel.
 */
int boot_menu_choose(const struct boot_menu *m, const char *choice);
void boot_menu_free(struct boot_menu *m);

#endif
