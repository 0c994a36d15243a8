// SPDX-License-Identifier: GPL-2.0
/*
 * Disk specifications, as xl-disk-configuration(5) defines them.
 *
 * A spec is a comma-separated run of parameters. "key=value" sets that key
 * ("target=" takes the whole rest of the spec, commas included); a bare
 * flag (cdrom, discard, ...) sets it; anything else is positional and fills,
 * in order, target, format, vdev and access. A parameter may be given once;
 * an empty value may be overwritten. Old specs start with "phy:", "file:",
 * "tap:aio:", "raw:" ... which are stripped (or, for raw/qcow/qcow2/vhd, set
 * the format). The rules, their order and their tie-breaks follow xl's own
 * flex scanner (libxlu_disk_l.l), which the differential test checks.
 */
#include "parsers/disk_spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct disk_parser {
	struct disk_spec *disk;
	bool had_deprecated_prefix;
	bool access_set;
	char *err;
};

static void disk_error(struct disk_parser *dp, const char *near, const char *msg)
{
	if (dp->err)
		return;
	if (near)
		dp->err = xasprintf("%s near '%s'", msg, near);
	else
		dp->err = xstrdup(msg);
}

/* Sets a string parameter; a second non-empty value is an error. */
static void save_string(struct disk_parser *dp, const char *what, char **slot, const char *value)
{
	if (*slot && **slot) {
		char *msg = xasprintf("%s respecified", what);

		disk_error(dp, value, msg);
		free(msg);
		return;
	}
	free(*slot);
	*slot = xstrdup(value);
}

static const char *const format_names[] = {
	[DISK_FORMAT_UNKNOWN] = "unknown", [DISK_FORMAT_QCOW] = "qcow",
	[DISK_FORMAT_QCOW2] = "qcow2",	   [DISK_FORMAT_VHD] = "vhd",
	[DISK_FORMAT_RAW] = "raw",	   [DISK_FORMAT_EMPTY] = "empty",
	[DISK_FORMAT_QED] = "qed",
};

const char *disk_format_name(enum disk_format f)
{
	return f < ARRAY_SIZE(format_names) ? format_names[f] : "unknown";
}

static const char *const backend_names[] = {
	[DISK_BACKEND_UNKNOWN] = "unknown",
	[DISK_BACKEND_PHY] = "phy",
	[DISK_BACKEND_TAP] = "tap",
	[DISK_BACKEND_QDISK] = "qdisk",
	[DISK_BACKEND_STANDALONE] = "standalone",
};

const char *disk_backendtype_name(enum disk_backendtype b)
{
	return b < ARRAY_SIZE(backend_names) ? backend_names[b] : "unknown";
}

static void set_format(struct disk_parser *dp, const char *value)
{
	enum disk_format f = DISK_FORMAT_UNKNOWN;
	unsigned i;

	if (!*value)
		f = DISK_FORMAT_RAW;
	for (i = DISK_FORMAT_QCOW; i < ARRAY_SIZE(format_names) && !f; i++)
		if (!strcmp(value, format_names[i]))
			f = (enum disk_format)i;
	if (!f) {
		disk_error(dp, value, "unknown value for format");
		return;
	}
	if (dp->disk->format != DISK_FORMAT_UNKNOWN && dp->disk->format != f) {
		disk_error(dp, value, "format respecified");
		return;
	}
	dp->disk->format = f;
}

static void set_access(struct disk_parser *dp, const char *value)
{
	if (!strcmp(value, "r") || !strcmp(value, "ro"))
		dp->disk->readwrite = false;
	else if (!strcmp(value, "w") || !strcmp(value, "rw") || !*value)
		dp->disk->readwrite = true;
	else
		disk_error(dp, value, "unknown value for access");
}

static void set_backendtype(struct disk_parser *dp, const char *value)
{
	unsigned i;

	for (i = DISK_BACKEND_PHY; i < ARRAY_SIZE(backend_names); i++) {
		if (strcmp(value, backend_names[i]))
			continue;
		if (dp->disk->backendtype && dp->disk->backendtype != i)
			disk_error(dp, value, "backend respecified");
		dp->disk->backendtype = (enum disk_backendtype)i;
		return;
	}
	disk_error(dp, value, "unknown value for backendtype");
}

/* "hdc:cdrom" (the deprecated vdev:devtype form); false if no ':' */
static bool vdev_and_devtype(struct disk_parser *dp, const char *value)
{
	const char *colon = strrchr(value, ':');
	char *vdev;

	if (!colon)
		return false;
	vdev = xstrndup(value, (size_t)(colon - value));
	save_string(dp, "vdev", &dp->disk->vdev, vdev);
	free(vdev);
	if (!strcmp(colon + 1, "cdrom"))
		dp->disk->is_cdrom = true;
	else if (!strcmp(colon + 1, "disk"))
		dp->disk->is_cdrom = false;
	else
		disk_error(dp, colon + 1, "unknown deprecated type");
	return true;
}

static void positional(struct disk_parser *dp, const char *value)
{
	struct disk_spec *d = dp->disk;

	if (!d->target) {
		save_string(dp, "target", &d->target, value);
	} else if (!dp->had_deprecated_prefix && d->format == DISK_FORMAT_UNKNOWN) {
		if (!*d->target && vdev_and_devtype(dp, value))
			d->format = DISK_FORMAT_EMPTY;
		else
			set_format(dp, value);
	} else if (!d->vdev) {
		if (!vdev_and_devtype(dp, value))
			save_string(dp, "vdev", &d->vdev, value);
	} else if (!dp->access_set) {
		dp->access_set = true;
		set_access(dp, value);
	} else {
		disk_error(dp, value, "too many positional parameters");
	}
}

static bool keyed(struct disk_parser *dp, const char *key, const char *value)
{
	struct disk_spec *d = dp->disk;

	if (!strcmp(key, "format")) {
		set_format(dp, value);
	} else if (!strcmp(key, "access")) {
		set_access(dp, value);
	} else if (!strcmp(key, "devtype")) {
		if (!strcmp(value, "cdrom"))
			d->is_cdrom = true;
		else if (!strcmp(value, "disk"))
			d->is_cdrom = false;
		else
			disk_error(dp, value, "unknown value for devtype");
	} else if (!strcmp(key, "backend")) {
		save_string(dp, "backend", &d->backend_domname, value);
	} else if (!strcmp(key, "backendtype")) {
		set_backendtype(dp, value);
	} else if (!strcmp(key, "specification")) {
		if (!strcmp(value, "virtio"))
			d->specification_virtio = true;
		else if (strcmp(value, "xen"))
			disk_error(dp, value, "unknown value for specification");
	} else if (!strcmp(key, "vdev")) {
		save_string(dp, "vdev", &d->vdev, value);
	} else if (!strcmp(key, "script")) {
		save_string(dp, "script", &d->script, value);
	} else if (!strcmp(key, "colo-host")) {
		save_string(dp, "colo-host", &d->colo_host, value);
	} else if (!strcmp(key, "colo-port")) {
		d->colo_port = atoi(value);
		if (!d->colo_port)
			disk_error(dp, value, "unknown value for colo-port");
	} else if (!strcmp(key, "colo-export")) {
		save_string(dp, "colo-export", &d->colo_export, value);
	} else if (!strcmp(key, "active-disk")) {
		save_string(dp, "active-disk", &d->active_disk, value);
	} else if (!strcmp(key, "hidden-disk")) {
		save_string(dp, "hidden-disk", &d->hidden_disk, value);
	} else {
		return false;
	}
	return true;
}

static bool flag(struct disk_parser *dp, const char *tok)
{
	struct disk_spec *d = dp->disk;

	if (!strcmp(tok, "cdrom"))
		d->is_cdrom = true;
	else if (!strcmp(tok, "direct-io-safe"))
		d->direct_io_safe = true;
	else if (!strcmp(tok, "discard"))
		d->discard = TRI_TRUE;
	else if (!strcmp(tok, "no-discard"))
		d->discard = TRI_FALSE;
	else if (!strcmp(tok, "colo"))
		d->colo = TRI_TRUE;
	else if (!strcmp(tok, "no-colo"))
		d->colo = TRI_FALSE;
	else if (!strcmp(tok, "trusted"))
		d->trusted = TRI_TRUE;
	else if (!strcmp(tok, "untrusted"))
		d->trusted = TRI_FALSE;
	else
		return false;
	return true;
}

/*
 * A deprecated "word:" prefix at p. Returns the length consumed, 0 if p does
 * not start with one, or -1 after an error.
 */
static int deprecated_prefix(struct disk_parser *dp, const char *p)
{
	static const char *const stripped[] = { "tapdisk", "tap",  "tap2", "aio",
						"ioemu",   "file", "phy" };
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd" };
	static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
	size_t n = 0, i;
	char *word;
	int ret = (int)0;

	if (!islower((unsigned char)p[0]))
		return 0;
	while (islower((unsigned char)p[n]) || isdigit((unsigned char)p[n]))
		n++;
	if (p[n] != ':')
		return 0;
	word = xstrndup(p, n);
	ret = (int)n + 1;
	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(word, formats[i]))
			set_format(dp, word);
	for (i = 0; i < ARRAY_SIZE(scripts); i++) {
		if (!strcmp(word, scripts[i])) {
			char *script = xasprintf("block-%s", word);

			save_string(dp, "script", &dp->disk->script, script);
			free(script);
			goto known;
		}
	}
	for (i = 0; i < ARRAY_SIZE(stripped); i++)
		if (!strcmp(word, stripped[i]))
			goto known;
	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(word, formats[i]))
			goto known;
	/* "hdc:cdrom" is a positional vdev:devtype, not a prefix. */
	if (islower((unsigned char)p[n + 1]) || isdigit((unsigned char)p[n + 1])) {
		ret = 0;
		goto out;
	}
	disk_error(dp, word, "unknown deprecated disk prefix");
	ret = -1;
	goto out;
known:
	dp->had_deprecated_prefix = true;
out:
	free(word);
	return ret;
}

/* Length of a "key=" at p ([a-z][-a-z0-9]*=), or 0. */
static size_t key_length(const char *p)
{
	size_t n = 0;

	if (!islower((unsigned char)p[0]))
		return 0;
	while (islower((unsigned char)p[n]) || isdigit((unsigned char)p[n]) || p[n] == '-')
		n++;
	return p[n] == '=' ? n : 0;
}

static void finish(struct disk_parser *dp)
{
	struct disk_spec *d = dp->disk;

	if (d->format == DISK_FORMAT_UNKNOWN)
		d->format = DISK_FORMAT_RAW;
	if (d->is_cdrom) {
		d->removable = true;
		d->readwrite = false;
		if (!d->target || !*d->target)
			d->format = DISK_FORMAT_EMPTY;
	}
	if (!d->vdev) {
		disk_error(dp, NULL, "no vdev specified");
		return;
	}
	if (!d->target && !d->removable) {
		disk_error(dp, NULL, "no target specified (and device not removable)");
		return;
	}
	if (!vdev_decode(d->vdev, &d->devnum, &d->disk_index)) {
		char *msg = xasprintf("'%s' is not a virtual device name "
				      "(xvda, hda, sda, d0p1 ...)",
				      d->vdev);

		disk_error(dp, NULL, msg);
		free(msg);
	}
}

bool disk_spec_parse(const char *spec, struct disk_spec *disk, char **err)
{
	struct disk_parser dp = { .disk = disk };
	const char *p = spec;

	memset(disk, 0, sizeof(*disk));
	disk->readwrite = true;
	while (*p && !dp.err) {
		size_t toklen, klen;
		int consumed;
		char *tok;

		if (*p == ' ' || *p == '\t' || *p == '\n') {
			p++;
			continue;
		}
		consumed = deprecated_prefix(&dp, p);
		if (consumed < 0)
			break;
		if (consumed > 0) {
			p += consumed;
			continue;
		}
		klen = key_length(p);
		if (klen == 6 && !strncmp(p, "target", 6)) {
			/* target= swallows the rest, commas included. */
			size_t n = strlen(p + 7);

			tok = xstrndup(p + 7, n && p[7 + n - 1] == ',' ? n - 1 : n);
			save_string(&dp, "target", &disk->target, tok);
			free(tok);
			break;
		}
		toklen = strcspn(p, ",");
		tok = xstrndup(p, toklen);
		if (klen) {
			tok[klen] = '\0';
			if (!keyed(&dp, tok, tok + klen + 1)) {
				tok[klen] = '=';
				disk_error(&dp, tok, "unknown parameter");
			}
		} else if (strchr(tok, '=')) {
			disk_error(&dp, tok, "bad disk syntax");
		} else if (!flag(&dp, tok)) {
			positional(&dp, tok);
		}
		free(tok);
		p += toklen;
		if (*p == ',')
			p++;
	}
	if (!dp.err)
		finish(&dp);
	if (dp.err) {
		*err = dp.err;
		disk_spec_free(disk);
		return false;
	}
	return true;
}

void disk_spec_free(struct disk_spec *d)
{
	free(d->target);
	free(d->vdev);
	free(d->backend_domname);
	free(d->script);
	free(d->colo_host);
	free(d->colo_export);
	free(d->active_disk);
	free(d->hidden_disk);
	memset(d, 0, sizeof(*d));
}

/* A partition number: digits without a leading zero, or nothing (0). */
static bool partition(const char *p, unsigned long max, unsigned long *part)
{
	if (!*p) {
		*part = 0;
		return true;
	}
	if (*p == '0' || !parse_ulong(p, 10, part))
		return false;
	return *part <= max;
}

static unsigned long xvd_number(unsigned long disk, unsigned long part)
{
	if (disk < 16 && part < 16)
		return 202UL << 8 | disk << 4 | part;
	return 1UL << 28 | disk << 8 | part;
}

/* A raw device number: decode it to find the disk index. */
static bool vdev_number(const char *vdev, unsigned long *devnum, unsigned *disk_index)
{
	unsigned long n, major;

	if (!isdigit((unsigned char)vdev[0]) || !parse_ulong(vdev, 0, &n) || n > 0x7fffffff)
		return false;
	major = n >> 8;
	if (n & (1UL << 28))
		*disk_index = (unsigned)((n >> 8) & 0xfffff);
	else if (major == 202 || major == 8)
		*disk_index = (unsigned)((n >> 4) & 15);
	else if (major == 3)
		*disk_index = (unsigned)((n >> 6) & 1);
	else if (major == 22)
		*disk_index = 2 + (unsigned)((n >> 6) & 1);
	else
		return false;
	*devnum = n;
	return true;
}

bool vdev_decode(const char *vdev, unsigned long *devnum, unsigned *disk_index)
{
	unsigned long disk = 0, part;
	const char *p;

	if (!strncmp(vdev, "xvd", 3)) {
		/* Drive letters count in bijective base 26: a=0, z=25, aa=26. */
		for (p = vdev + 3; islower((unsigned char)*p); p++) {
			disk = disk * 26 + (unsigned long)(*p - 'a' + 1);
			if (disk > (1UL << 20))
				return false;
		}
		if (p == vdev + 3 || !partition(p, 255, &part))
			return false;
		disk -= 1;
		*devnum = xvd_number(disk, part);
	} else if (!strncmp(vdev, "hd", 2) || !strncmp(vdev, "sd", 2)) {
		bool hd = vdev[0] == 'h';
		char last = hd ? 'd' : 'p';

		if (vdev[2] < 'a' || vdev[2] > last || !partition(vdev + 3, hd ? 63 : 15, &part))
			return false;
		disk = (unsigned long)(vdev[2] - 'a');
		if (hd)
			*devnum = (disk < 2 ? 3UL : 22UL) << 8 | (disk & 1) << 6 | part;
		else
			*devnum = 8UL << 8 | disk << 4 | part;
	} else if (vdev[0] == 'd' && isdigit((unsigned char)vdev[1])) {
		char *end;

		errno = 0;
		disk = strtoul(vdev + 1, &end, 10);
		if (errno || disk >= (1UL << 20) || (vdev[1] == '0' && end != vdev + 2))
			return false;
		if (*end == '\0')
			part = 0;
		else if (*end != 'p' ||
			 !(end[1] == '0' && !end[2] ? (part = 0, true)
						    : partition(end + 1, 255, &part)))
			return false;
		*devnum = xvd_number(disk, part);
	} else {
		return vdev_number(vdev, devnum, disk_index);
	}
	*disk_index = (unsigned)disk;
	return true;
}
