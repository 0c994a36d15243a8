/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xl's save-file header, which save, restore and migration streams start
 * with (xl.h of Xen 4.17):
 *
 *   32 bytes  magic "Xen saved domain, xl format\n \0 \r"
 *   4 x u32   byte order 0x01020304, mandatory flags (1: JSON config,
 *             2: stream v2), optional flags, optional data length
 *   optional  u32 config length, then the domain's libxl config as JSON
 *             with its NUL (on kvm: the VMM's spec, vmm_spec.h, which
 *             holds it)
 *
 * libxl's own stream follows on xen; on kvm, xlc's machine stream
 * (backends/kvm/vmm/snapshot/FORMAT.md). The bytes may come from anywhere:
 * the parsers bound every length and want the config as NUL-terminated
 * text. No libxl here, so the fuzzer takes it alone.
 */
#ifndef XLC_LIB_SAVEFILE_H
#define XLC_LIB_SAVEFILE_H

#include <stddef.h>
#include <stdint.h>

#define SAVEFILE_HEADER_SIZE 48
#define SAVEFILE_FLAG_JSON (1u << 0)
#define SAVEFILE_FLAG_STREAMV2 (1u << 1)
/* Far above any real config (xl's are a few KiB), far below harm. */
#define SAVEFILE_OPTDATA_MAX (16u << 20)

struct savefile_info {
	uint32_t mandatory_flags;
	uint32_t optional_flags;
	uint32_t optional_data_len; /* at most SAVEFILE_OPTDATA_MAX once parsed */
};

/* The header and optional data holding config (JSON text): *len bytes to write first. */
unsigned char *savefile_header_build(const char *config, size_t *len);

/*
 * Writes the header with config to fd, then says on stderr, as xl does,
 * "Saving to WHAT new xl format (info ...)". 0, or -1 with errno.
 */
int savefile_write_header(int fd, const char *what, const char *config);

/* Checks a header of SAVEFILE_HEADER_SIZE bytes: 0, or -1 with *err in xl's words. */
int savefile_header_parse(const unsigned char *hdr, struct savefile_info *info, char **err);

/*
 * The config in the optional data (len bytes, as the header says): a copy
 * in *config (NULL if the file holds none, or only xl.cfg text, as older
 * xl wrote it). 0, or -1 with *err.
 */
int savefile_config(const unsigned char *opt, uint32_t len, const struct savefile_info *info,
		    char **config, char **err);

/*
 * Reads and checks a save file's (or migration stream's) header from fd and
 * the config it carries (*json; NULL: none), saying on stderr what it found
 * as xl does; source names fd in messages. The mandatory flags, or -1 with *err.
 */
int64_t savefile_read_header(int fd, const char *source, char **json, char **err);

#endif
