// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/disk_spec.c: vdev numbers and the spec grammar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/disk_spec.h"
#include "tap.h"

static void vdev(const char *name, long long devnum, int index)
{
	unsigned long n = 0;
	unsigned i = 0;
	char what[96];

	snprintf(what, sizeof(what), "vdev %s", name);
	if (devnum < 0) {
		ok(!vdev_decode(name, &n, &i), "vdev %s is rejected", name);
		return;
	}
	if (!ok(vdev_decode(name, &n, &i), "%s decodes", what))
		return;
	is_int((long long)n, devnum, what);
	is_int(i, index, "  its disk index");
}

static void test_vdevs(void)
{
	/* Values from xen-vbd-interface(7). */
	vdev("xvda", 51712, 0);
	vdev("xvdb", 51728, 1);
	vdev("xvda1", 51713, 0);
	vdev("xvdp15", 51967, 15);
	vdev("xvdq", (1LL << 28) | (16 << 8), 16);
	vdev("xvdaa", (1LL << 28) | (26 << 8), 26);
	vdev("xvda16", (1LL << 28) | 16, 0);
	vdev("hda", 768, 0);
	vdev("hdb", 832, 1);
	vdev("hdc", 5632, 2);
	vdev("hdd1", 5697, 3);
	vdev("sda", 2048, 0);
	vdev("sdb2", 2066, 1);
	vdev("d0p1", 51713, 0);
	vdev("d3", 51760, 3);
	vdev("d100p0", (1LL << 28) | (100 << 8), 100);
	vdev("51712", 51712, 0);
	vdev("vda", -1, 0);
	vdev("xvd", -1, 0);
	vdev("xvda0", -1, 0);
	vdev("xvda01", -1, 0);
	vdev("hde", -1, 0);
	vdev("sdq", -1, 0);
	vdev("d01", -1, 0);
	vdev("", -1, 0);
	vdev("12345", -1, 0);
}

static void spec_ok(const char *spec, const char *target, const char *vdev_name,
		    enum disk_format fmt, bool rw, bool cdrom)
{
	struct disk_spec d;
	char *err = NULL;

	if (!ok(disk_spec_parse(spec, &d, &err), "parses '%s'", spec)) {
		printf("#   error: %s\n", err);
		free(err);
		return;
	}
	is_str(d.target, target, "  target");
	is_str(d.vdev, vdev_name, "  vdev");
	is_int(d.format, fmt, "  format");
	is_int(d.readwrite, rw, "  readwrite");
	is_int(d.is_cdrom, cdrom, "  is_cdrom");
	disk_spec_free(&d);
}

static void spec_err(const char *spec, const char *want)
{
	struct disk_spec d;
	char *err = NULL;
	bool parsed = disk_spec_parse(spec, &d, &err);

	ok(!parsed && err && strstr(err, want), "rejects '%s' with \"%s\"", spec, want);
	if (parsed)
		disk_spec_free(&d);
	else if (!strstr(err, want))
		printf("#   got: %s\n", err);
	free(err);
}

static void test_specs(void)
{
	spec_ok("/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "hda", DISK_FORMAT_RAW, true,
		false);
	spec_ok("/img,qcow2,xvdb,ro", "/img", "xvdb", DISK_FORMAT_QCOW2, false, false);
	spec_ok("phy:/dev/sdb,xvda,w", "/dev/sdb", "xvda", DISK_FORMAT_RAW, true, false);
	spec_ok("tap:aio:/srv/a.img,xvda,r", "/srv/a.img", "xvda", DISK_FORMAT_RAW, false, false);
	spec_ok("vhd:/srv/a.vhd,xvda,w", "/srv/a.vhd", "xvda", DISK_FORMAT_VHD, true, false);
	spec_ok("vdev=xvda, target=/a,b,c", "/a,b,c", "xvda", DISK_FORMAT_RAW, true, false);
	spec_ok(",,hdc:cdrom,r", "", "hdc", DISK_FORMAT_EMPTY, false, true);
	spec_ok("/iso,,hdc,devtype=cdrom", "/iso", "hdc", DISK_FORMAT_RAW, false, true);
	spec_ok("cdrom,vdev=hdc,target=/iso", "/iso", "hdc", DISK_FORMAT_RAW, false, true);
	spec_ok("  /x,  raw,  xvda,  rw", "/x", "xvda", DISK_FORMAT_RAW, true, false);
	spec_err("foo", "no vdev specified");
	spec_err("/x,,xvda,rw,more", "too many positional parameters");
	spec_err("/x,bogus,xvda", "unknown value for format");
	spec_err("/x,,xvda,maybe", "unknown value for access");
	spec_err("vdev=xvda,vdev=xvdb,target=/x", "vdev respecified");
	spec_err("format=raw,format=qcow2,vdev=xvda,target=/x", "format respecified");
	spec_err("colour=red,vdev=xvda,target=/x", "unknown parameter");
	spec_err("bogus:/x,xvda,w", "unknown deprecated disk prefix");
	spec_err("/x,,xvda:floppy", "unknown deprecated type");
	spec_err("/x=y,,xvda", "bad disk syntax");
	spec_err("/x,,vda", "not a virtual device name");
	spec_err("", "no vdev specified");
}

int main(void)
{
	test_vdevs();
	test_specs();
	return done_testing();
}
