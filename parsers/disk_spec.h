/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One entry of disk = [ ... ]: the grammar of xl-disk-configuration(5),
 * positional "target,format,vdev,access", key=value, flags, and the
 * deprecated "phy:", "file:", "tap:aio:", "raw:" ... prefixes.
 */
#ifndef XLC_DISK_SPEC_H
#define XLC_DISK_SPEC_H

#include <stdbool.h>

enum disk_format {
	DISK_FORMAT_UNKNOWN,
	DISK_FORMAT_QCOW,
	DISK_FORMAT_QCOW2,
	DISK_FORMAT_VHD,
	DISK_FORMAT_RAW,
	DISK_FORMAT_EMPTY,
	DISK_FORMAT_QED,
};

enum disk_backendtype {
	DISK_BACKEND_UNKNOWN,
	DISK_BACKEND_PHY,
	DISK_BACKEND_TAP,
	DISK_BACKEND_QDISK,
	DISK_BACKEND_STANDALONE,
};

enum tristate { TRI_DEFAULT, TRI_FALSE, TRI_TRUE };

struct disk_spec {
	char *target; /* pdev_path; NULL for an empty cdrom */
	enum disk_format format;
	char *vdev;
	unsigned long devnum; /* Xen's encoding of vdev (xen-vbd-interface(7)) */
	unsigned disk_index;  /* xvda, hda, sda, d0 -> 0: the guest's order */
	bool readwrite;
	bool is_cdrom;
	bool removable;
	enum disk_backendtype backendtype;
	char *backend_domname;
	char *script;
	bool specification_virtio;
	bool direct_io_safe;
	enum tristate discard;
	enum tristate trusted;
	enum tristate colo;
	char *colo_host, *colo_export, *active_disk, *hidden_disk;
	int colo_port;
};

/* Parses spec into *disk; on error returns false and a message in *err. */
bool disk_spec_parse(const char *spec, struct disk_spec *disk, char **err);
void disk_spec_free(struct disk_spec *disk);

/* Decodes a vdev name into Xen's device number; false if it is not one. */
bool vdev_decode(const char *vdev, unsigned long *devnum, unsigned *disk_index);

const char *disk_format_name(enum disk_format f);
const char *disk_backendtype_name(enum disk_backendtype b);

#endif
