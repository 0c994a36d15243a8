// SPDX-License-Identifier: GPL-2.0
/*
 * The keys only Xen honours (vnc, pae, viridian, pci, cpu_weight...), handed
 * to libxl the way xl's parse_config_data does: the same field, the same
 * unit, and silence where xl is silent (an HVM-only key in a PV config).
 * Most keys are one field each and live in a table; the few with structure
 * (the display, viridian, serial, usbdevice, pci) have a function each.
 * A key xlc cannot pass yet stops the create with a line that names it,
 * rather than start a guest that lacks what its file asks for.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "backends/xen/xen.h"
#include "lib/util.h"

/* The domain types a key applies to; xl ignores it for the others. */
#define PV (1u << LIBXL_DOMAIN_TYPE_PV)
#define PVH (1u << LIBXL_DOMAIN_TYPE_PVH)
#define HVM (1u << LIBXL_DOMAIN_TYPE_HVM)
#define ALL (PV | PVH | HVM)

enum field_kind {
	F_BOOL, /* libxl_defbool: a number, non-zero is true */
	F_INT,	/* int */
	F_U32,	/* uint32_t, 0..INT_MAX */
	F_MIB,	/* uint64_t KiB, given in MiB */
	F_STR,	/* char * */
	F_STRV, /* libxl_string_list, from a list */
};

struct field_key {
	const char *key;
	unsigned types;
	enum field_kind kind;
	size_t offset; /* in libxl_domain_config */
};

#define FIELD(k, t, kind, f)                                                                       \
	{                                                                                          \
		k, t, kind, offsetof(libxl_domain_config, f)                                       \
	}

/* clang-format off */
static const struct field_key field_keys[] = {
	FIELD("hap", ALL, F_BOOL, c_info.hap),
	FIELD("oos", ALL, F_BOOL, c_info.oos),
	FIELD("pool", ALL, F_STR, c_info.pool_name),
	FIELD("driver_domain", ALL, F_BOOL, c_info.driver_domain),
	FIELD("xend_suspend_evtchn_compat", ALL, F_BOOL, c_info.xend_suspend_evtchn_compat),
	FIELD("cpu_weight", ALL, F_INT, b_info.sched_params.weight),
	FIELD("cap", ALL, F_INT, b_info.sched_params.cap),
	FIELD("period", ALL, F_INT, b_info.sched_params.period),
	FIELD("slice", ALL, F_INT, b_info.sched_params.slice),
	FIELD("latency", ALL, F_INT, b_info.sched_params.latency),
	FIELD("extratime", ALL, F_INT, b_info.sched_params.extratime),
	FIELD("max_grant_frames", ALL, F_U32, b_info.max_grant_frames),
	FIELD("max_maptrack_frames", ALL, F_U32, b_info.max_maptrack_frames),
	FIELD("max_grant_version", ALL, F_INT, b_info.max_grant_version),
	FIELD("shadow_memory", ALL, F_MIB, b_info.shadow_memkb),
	FIELD("nomigrate", ALL, F_BOOL, b_info.disable_migrate),
	FIELD("rtc_timeoffset", ALL, F_U32, b_info.rtc_timeoffset),
	FIELD("localtime", ALL, F_BOOL, b_info.localtime),
	FIELD("videoram", ALL, F_MIB, b_info.video_memkb),
	FIELD("max_event_channels", ALL, F_U32, b_info.event_channels),
	FIELD("device_tree", ALL, F_STR, b_info.device_tree),
	FIELD("acpi", ALL, F_BOOL, b_info.acpi),
	FIELD("bootloader", ALL, F_STR, b_info.bootloader),
	FIELD("nestedhvm", ALL, F_BOOL, b_info.nested_hvm),
	FIELD("device_model_override", ALL, F_STR, b_info.device_model),
	FIELD("device_model_stubdomain_override", ALL, F_BOOL, b_info.device_model_stubdomain),
	FIELD("device_model_user", ALL, F_STR, b_info.device_model_user),
	FIELD("stubdomain_kernel", ALL, F_STR, b_info.stubdomain_kernel),
	FIELD("stubdomain_cmdline", ALL, F_STR, b_info.stubdomain_cmdline),
	FIELD("stubdomain_ramdisk", ALL, F_STR, b_info.stubdomain_ramdisk),
	FIELD("stubdomain_memory", ALL, F_MIB, b_info.stubdomain_memkb),
	FIELD("device_model_args", ALL, F_STRV, b_info.extra),
	FIELD("device_model_args_pv", ALL, F_STRV, b_info.extra_pv),
	FIELD("device_model_args_hvm", ALL, F_STRV, b_info.extra_hvm),
	FIELD("dm_restrict", ALL, F_BOOL, b_info.dm_restrict),
	FIELD("msr_relaxed", ALL, F_BOOL, b_info.arch_x86.msr_relaxed),
	FIELD("vpmu", ALL, F_BOOL, b_info.vpmu),
	FIELD("e820_host", PV, F_BOOL, b_info.u.pv.e820_host),
	FIELD("pvshim", PVH, F_BOOL, b_info.u.pvh.pvshim),
	FIELD("pvshim_path", PVH, F_STR, b_info.u.pvh.pvshim_path),
	FIELD("pvshim_cmdline", PVH, F_STR, b_info.u.pvh.pvshim_cmdline),
	FIELD("pvshim_extra", PVH, F_STR, b_info.u.pvh.pvshim_extra),
	FIELD("firmware_override", HVM, F_STR, b_info.u.hvm.firmware),
	FIELD("bios_path_override", HVM, F_STR, b_info.u.hvm.system_firmware),
	FIELD("rdm_mem_boundary", HVM, F_MIB, b_info.u.hvm.rdm_mem_boundary_memkb),
	FIELD("pae", HVM, F_BOOL, b_info.u.hvm.pae),
	FIELD("acpi_s3", HVM, F_BOOL, b_info.u.hvm.acpi_s3),
	FIELD("acpi_s4", HVM, F_BOOL, b_info.u.hvm.acpi_s4),
	FIELD("acpi_laptop_slate", HVM, F_BOOL, b_info.u.hvm.acpi_laptop_slate),
	FIELD("nx", HVM, F_BOOL, b_info.u.hvm.nx),
	FIELD("hpet", HVM, F_BOOL, b_info.u.hvm.hpet),
	FIELD("vpt_align", HVM, F_BOOL, b_info.u.hvm.vpt_align),
	FIELD("apic", HVM, F_BOOL, b_info.apic),
	FIELD("altp2mhvm", HVM, F_BOOL, b_info.u.hvm.altp2m),
	FIELD("smbios_firmware", HVM, F_STR, b_info.u.hvm.smbios_firmware),
	FIELD("acpi_firmware", HVM, F_STR, b_info.u.hvm.acpi_firmware),
	FIELD("keymap", HVM, F_STR, b_info.u.hvm.keymap),
	FIELD("spice", HVM, F_BOOL, b_info.u.hvm.spice.enable),
	FIELD("spiceport", HVM, F_INT, b_info.u.hvm.spice.port),
	FIELD("spicetls_port", HVM, F_INT, b_info.u.hvm.spice.tls_port),
	FIELD("spicehost", HVM, F_STR, b_info.u.hvm.spice.host),
	FIELD("spicedisable_ticketing", HVM, F_BOOL, b_info.u.hvm.spice.disable_ticketing),
	FIELD("spicepasswd", HVM, F_STR, b_info.u.hvm.spice.passwd),
	FIELD("spiceagent_mouse", HVM, F_BOOL, b_info.u.hvm.spice.agent_mouse),
	FIELD("spicevdagent", HVM, F_BOOL, b_info.u.hvm.spice.vdagent),
	FIELD("spice_clipboard_sharing", HVM, F_BOOL, b_info.u.hvm.spice.clipboard_sharing),
	FIELD("spiceusbredirection", HVM, F_INT, b_info.u.hvm.spice.usbredirection),
	FIELD("spice_image_compression", HVM, F_STR, b_info.u.hvm.spice.image_compression),
	FIELD("spice_streaming_video", HVM, F_STR, b_info.u.hvm.spice.streaming_video),
	FIELD("nographic", HVM, F_BOOL, b_info.u.hvm.nographic),
	FIELD("boot", HVM, F_STR, b_info.u.hvm.boot),
	FIELD("usb", HVM, F_BOOL, b_info.u.hvm.usb),
	FIELD("usbversion", HVM, F_INT, b_info.u.hvm.usbversion),
	FIELD("vkb_device", HVM, F_BOOL, b_info.u.hvm.vkb_device),
	FIELD("soundhw", HVM, F_STR, b_info.u.hvm.soundhw),
	FIELD("xen_platform_pci", HVM, F_BOOL, b_info.u.hvm.xen_platform_pci),
};
/* clang-format on */

/* What the key handlers share: the config, the parsed file's settings, errors. */
struct keys {
	const struct domain_config *dc;
	libxl_domain_config *d;
	char *err;
};

static const struct xen_setting *setting(const struct keys *k, const char *key)
{
	return domain_config_setting(k->dc, key);
}

static int bad(struct keys *k, const struct xen_setting *s, const char *what)
{
	if (s->value)
		k->err =
			xasprintf("%s:%d: %s = %s: %s", s->source, s->line, s->key, s->value, what);
	else
		k->err = xasprintf("%s:%d: %s: %s", s->source, s->line, s->key, what);
	return -1;
}

/* A scalar as a number, as libxlutil reads one (strtol base 0: 0x.., 0..). */
static bool is_number(const struct xen_setting *s, long *out)
{
	char *end;

	if (!s->value)
		return false;
	errno = 0;
	*out = strtol(s->value, &end, 0);
	return !errno && end != s->value && !*end;
}

static int number(struct keys *k, const struct xen_setting *s, long min, long max, long *out)
{
	if (!s->value)
		return bad(k, s, "expected a number, not a list");
	if (!is_number(s, out))
		return bad(k, s, "expected a number");
	if (*out < min || *out > max)
		return bad(k, s, "out of range");
	return 0;
}

/* key's number, if the key is given; 1 if it is not, -1 on a bad value. */
static int number_of(struct keys *k, const char *key, long *out)
{
	const struct xen_setting *s = setting(k, key);

	if (!s)
		return 1;
	return number(k, s, LONG_MIN, LONG_MAX, out);
}

static char **strv_copy(char *const *items, unsigned n)
{
	char **v = xcalloc(n + 1, sizeof(*v));
	unsigned i;

	for (i = 0; i < n; i++)
		v[i] = xstrdup(items[i]);
	return v;
}

/* Stores s's value into the field at p, of the given kind. */
static int set_field(struct keys *k, enum field_kind kind, const struct xen_setting *s, void *p)
{
	long l;

	switch (kind) {
	case F_BOOL:
		if (number(k, s, LONG_MIN, LONG_MAX, &l))
			return -1;
		libxl_defbool_set(p, l != 0);
		return 0;
	case F_INT:
		if (number(k, s, INT_MIN, INT_MAX, &l))
			return -1;
		*(int *)p = (int)l;
		return 0;
	case F_U32:
		if (number(k, s, 0, INT_MAX, &l))
			return -1;
		*(uint32_t *)p = (uint32_t)l;
		return 0;
	case F_MIB:
		if (number(k, s, 0, LONG_MAX / 1024, &l))
			return -1;
		*(uint64_t *)p = (uint64_t)l * 1024;
		return 0;
	case F_STR:
		if (!s->value)
			return bad(k, s, "expected a string, not a list");
		free(*(char **)p);
		*(char **)p = xstrdup(s->value);
		return 0;
	case F_STRV:
		if (s->value)
			return bad(k, s, "expected a list such as [ \"-a\", \"b\" ]");
		libxl_string_list_dispose(p);
		*(char ***)p = strv_copy(s->items, s->nitems);
		return 0;
	}
	return -1;
}

/* A string or a list of strings into a string or a string list (serial, usbdevice). */
static void string_or_list(const struct xen_setting *s, char **one, libxl_string_list *many)
{
	if (s->value)
		*one = xstrdup(s->value);
	else
		*many = strv_copy(s->items, s->nitems);
}

/* vnc* and sdl/opengl/display/xauthority: a framebuffer's settings. */
static int display(struct keys *k, libxl_vnc_info *vnc, libxl_sdl_info *sdl, char **keymap)
{
	static const struct {
		const char *key;
		enum field_kind kind;
		int which; /* 0: vnc, 1: sdl */
		size_t offset;
	} keys[] = {
		{ "vnc", F_BOOL, 0, offsetof(libxl_vnc_info, enable) },
		{ "vnclisten", F_STR, 0, offsetof(libxl_vnc_info, listen) },
		{ "vncpasswd", F_STR, 0, offsetof(libxl_vnc_info, passwd) },
		{ "vncdisplay", F_INT, 0, offsetof(libxl_vnc_info, display) },
		{ "vncunused", F_BOOL, 0, offsetof(libxl_vnc_info, findunused) },
		{ "sdl", F_BOOL, 1, offsetof(libxl_sdl_info, enable) },
		{ "opengl", F_BOOL, 1, offsetof(libxl_sdl_info, opengl) },
		{ "display", F_STR, 1, offsetof(libxl_sdl_info, display) },
		{ "xauthority", F_STR, 1, offsetof(libxl_sdl_info, xauthority) },
	};
	const struct xen_setting *s;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char *base = keys[i].which ? (char *)sdl : (char *)vnc;

		s = setting(k, keys[i].key);
		if (s && set_field(k, keys[i].kind, s, base + keys[i].offset))
			return -1;
	}
	s = setting(k, "keymap");
	return keymap && s ? set_field(k, F_STR, s, keymap) : 0;
}

/*
 * As xl: an HVM guest's display is its device model's; a PV guest with vnc
 * set gets a virtual framebuffer and keyboard (devid 0) carrying the settings.
 */
static int apply_display(struct keys *k)
{
	libxl_domain_config *d = k->d;
	long vnc = 0;

	if (xen_keys_vfbs(k->dc, d, &k->err))
		return -1;
	if (d->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
		libxl_vnc_info *v = &d->b_info.u.hvm.vnc;

		if (display(k, v, &d->b_info.u.hvm.sdl, NULL))
			return -1;
		if (v->listen && v->display && strchr(v->listen, ':'))
			return bad(k, setting(k, "vncdisplay"),
				   "the display is given twice: in vnclisten (after ':') and here");
		return 0;
	}
	if (d->c_info.type != LIBXL_DOMAIN_TYPE_PV)
		return 0;
	/* A PV guest with a vfb list has its displays already: xl then skips vnc = 1. */
	if (number_of(k, "vnc", &vnc) < 0)
		return -1;
	if (!vnc || d->num_vfbs)
		return 0;
	d->vfbs = xcalloc(1, sizeof(*d->vfbs));
	d->vkbs = xcalloc(1, sizeof(*d->vkbs));
	libxl_device_vfb_init(&d->vfbs[0]);
	libxl_device_vkb_init(&d->vkbs[0]);
	d->vfbs[0].devid = d->vkbs[0].devid = 0; /* xl numbers the devices it adds */
	d->num_vfbs = d->num_vkbs = 1;
	return display(k, &d->vfbs[0].vnc, &d->vfbs[0].sdl, &d->vfbs[0].keymap);
}

static void bitmap_alloc(libxl_bitmap *map, unsigned bits)
{
	map->size = (bits + 7) / 8;
	map->map = xcalloc(map->size, 1);
}

/* viridian = 1, or a list of enlightenments: "defaults", "all", "!name". */
static int apply_viridian(struct keys *k)
{
	const struct xen_setting *s = setting(k, "viridian");
	libxl_domain_build_info *b = &k->d->b_info;
	unsigned i;

	if (!s || b->type != LIBXL_DOMAIN_TYPE_HVM)
		return 0;
	if (s->value)
		return set_field(k, F_BOOL, s, &b->u.hvm.viridian);
	if (s->nitems) {
		/* libxl_bitmap_alloc wants a context; create -n has none */
		bitmap_alloc(&b->u.hvm.viridian_enable,
			     LIBXL_BUILDINFO_HVM_VIRIDIAN_ENABLE_DISABLE_WIDTH);
		bitmap_alloc(&b->u.hvm.viridian_disable,
			     LIBXL_BUILDINFO_HVM_VIRIDIAN_ENABLE_DISABLE_WIDTH);
	}
	for (i = 0; i < s->nitems; i++) {
		const char *name = s->items[i];
		libxl_bitmap *on = &b->u.hvm.viridian_enable, *off = &b->u.hvm.viridian_disable;
		libxl_viridian_enlightenment v;

		if (!strcmp(name, "all")) {
			libxl_bitmap_set_any(on);
			continue;
		}
		if (!strcmp(name, "defaults")) {
			libxl_defbool_set(&b->u.hvm.viridian, true);
			continue;
		}
		if (*name == '!') {
			on = &b->u.hvm.viridian_disable;
			off = &b->u.hvm.viridian_enable;
			name++;
		}
		if (libxl_viridian_enlightenment_from_string(name, &v)) {
			k->err = xasprintf("%s:%d: viridian: unknown enlightenment \"%s\"",
					   s->source, s->line, name);
			return -1;
		}
		libxl_bitmap_set(on, v);
		libxl_bitmap_reset(off, v);
	}
	return 0;
}

/* serial (also the kvm backend's key) and usbdevice: a string or a list, HVM only. */
static int apply_hvm_lists(struct keys *k)
{
	libxl_domain_build_info *b = &k->d->b_info;
	const struct xen_setting *s;

	if (b->type != LIBXL_DOMAIN_TYPE_HVM)
		return 0;
	s = setting(k, "serial");
	if (s)
		string_or_list(s, &b->u.hvm.serial, &b->u.hvm.serial_list);
	s = setting(k, "usbdevice");
	if (s)
		string_or_list(s, &b->u.hvm.usbdevice, &b->u.hvm.usbdevice_list);
	return 0;
}

/* bootloader_args: a list (or, deprecated, one string split at blanks). */
static int apply_bootloader_args(struct keys *k)
{
	const struct xen_setting *s = setting(k, "bootloader_args");
	libxl_string_list *out = &k->d->b_info.bootloader_args;

	if (s)
		*out = s->value ? strv_split_blanks(s->value) : strv_copy(s->items, s->nitems);
	return 0;
}

/*
 * cpuid: xend's list ("leaf:reg=bits", ...) or libxl's "host,flag=value,..."
 * string. As xl does, an entry libxl cannot read is reported and skipped,
 * and a string whose first word is not "host" is ignored.
 */
static int apply_cpuid(struct keys *k)
{
	static const char *const xend_errors[] = {
		"",
		"illegal leaf number",
		"illegal subleaf number",
		"missing colon",
		"invalid register name (must be e[abcd]x)",
		"policy string must be exactly 32 characters long",
	};
	static const char *const flag_errors[] = {
		"",
		"missing \"=\" in key=value",
		"unknown CPUID flag name",
		"illegal CPUID value (must be: [0|1|x|k|s])",
	};
	const struct xen_setting *s = setting(k, "cpuid");
	libxl_cpuid_policy_list *cpuid = &k->d->b_info.cpuid;
	char *copy, *save = NULL, *p;
	unsigned i;
	int e;

	if (!s)
		return 0;
	for (i = 0; !s->value && i < s->nitems; i++) {
		e = libxl_cpuid_parse_config_xend(cpuid, s->items[i]);
		if (e)
			xlc_warn("%s:%d: cpuid: \"%s\": %s; skipped, as xl skips it", s->source,
				 s->line, s->items[i],
				 e > 0 && e < (int)ARRAY_SIZE(xend_errors) ? xend_errors[e]
									   : "unknown error");
	}
	if (!s->value)
		return 0;
	copy = xstrdup(s->value);
	p = strtok_r(copy, ",", &save);
	if (p && strcmp(p, "host")) {
		xlc_warn("%s:%d: cpuid = \"%s\": the first word must be \"host\"; ignored, as xl "
			 "ignores it",
			 s->source, s->line, s->value);
		p = NULL;
	}
	while (p && (p = strtok_r(NULL, ",", &save))) {
		e = libxl_cpuid_parse_config(cpuid, p);
		if (e)
			xlc_warn("%s:%d: cpuid: \"%s\": %s; skipped, as xl skips it", s->source,
				 s->line, p,
				 e > 0 && e < (int)ARRAY_SIZE(flag_errors) ? flag_errors[e]
									   : "unknown error");
	}
	free(copy);
	return 0;
}

/* Keys whose value is one of libxl's enumeration names. */
static int apply_enums(struct keys *k)
{
	libxl_domain_config *d = k->d;
	libxl_domain_build_info *b = &d->b_info;
	bool hvm = b->type == LIBXL_DOMAIN_TYPE_HVM;
	const struct xen_setting *s;
	int rc = 0;
	long l;

	if ((s = setting(k, "passthrough")) && s->value)
		rc = libxl_passthrough_from_string(s->value, &d->c_info.passthrough);
	/* tsc_mode and timer_mode: a number is the deprecated spelling of a name. */
	if (!rc && (s = setting(k, "tsc_mode"))) {
		if (!is_number(s, &l))
			rc = !s->value || libxl_tsc_mode_from_string(s->value, &b->tsc_mode);
		else if (!(rc = l < LIBXL_TSC_MODE_DEFAULT || l > LIBXL_TSC_MODE_NATIVE_PARAVIRT))
			b->tsc_mode = (libxl_tsc_mode)l;
	}
	if (!rc && (s = setting(k, "timer_mode"))) {
		if (b->type == LIBXL_DOMAIN_TYPE_PV)
			return bad(k, s, "timer_mode is not supported for PV guests");
		if (!is_number(s, &l))
			rc = !s->value || libxl_timer_mode_from_string(s->value, &b->timer_mode);
		else if (!(rc = l < LIBXL_TIMER_MODE_DELAY_FOR_MISSED_TICKS ||
				l > LIBXL_TIMER_MODE_ONE_MISSED_TICK_PENDING))
			b->timer_mode = (libxl_timer_mode)l;
	}
	if (!rc && (s = setting(k, "device_model_version"))) {
		if (s->value && !strcmp(s->value, "qemu-xen"))
			b->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
		else if (s->value && !strcmp(s->value, "qemu-xen-traditional"))
			b->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL;
		else
			rc = 1;
	}
	if (!rc && hvm && (s = setting(k, "bios")))
		rc = !s->value || libxl_bios_type_from_string(s->value, &b->u.hvm.bios);
	if (!rc && hvm && (s = setting(k, "hdtype")))
		rc = !s->value || libxl_hdtype_from_string(s->value, &b->u.hvm.hdtype);
	if (!rc && hvm && (s = setting(k, "vendor_device")))
		rc = !s->value ||
		     libxl_vendor_device_from_string(s->value, &b->u.hvm.vendor_device);
	return rc ? bad(k, s, "not a value libxl knows; see xl.cfg(5)") : 0;
}

/* vga = "stdvga" | "cirrus" | "none" | "qxl", or the older stdvga = 0|1. */
static int apply_vga(struct keys *k)
{
	static const char *const kinds[] = {
		[LIBXL_VGA_INTERFACE_TYPE_CIRRUS] = "cirrus",
		[LIBXL_VGA_INTERFACE_TYPE_STD] = "stdvga",
		[LIBXL_VGA_INTERFACE_TYPE_NONE] = "none",
		[LIBXL_VGA_INTERFACE_TYPE_QXL] = "qxl",
	};
	libxl_domain_build_info *b = &k->d->b_info;
	const struct xen_setting *s = setting(k, "vga");
	unsigned i;
	long l;

	if (b->type != LIBXL_DOMAIN_TYPE_HVM)
		return 0;
	if (s) {
		for (i = 0; i < ARRAY_SIZE(kinds); i++) {
			if (kinds[i] && s->value && !strcmp(s->value, kinds[i])) {
				b->u.hvm.vga.kind = (libxl_vga_interface_type)i;
				return 0;
			}
		}
		return bad(k, s, "one of stdvga, cirrus, none, qxl");
	}
	switch (number_of(k, "stdvga", &l)) {
	case 0:
		b->u.hvm.vga.kind =
			l ? LIBXL_VGA_INTERFACE_TYPE_STD : LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
		return 0;
	case 1:
		return 0;
	default:
		return -1;
	}
}

/* The mmio_hole must leave room below 4 GiB, as libxl's HVM layout needs. */
static int apply_mmio_hole(struct keys *k)
{
	const struct xen_setting *s = setting(k, "mmio_hole");
	long mib;

	if (!s || k->d->b_info.type != LIBXL_DOMAIN_TYPE_HVM)
		return 0;
	/* 256 MiB .. 3840 MiB: xl's HVM_BELOW_4G_MMIO_LENGTH .. _START */
	if (number(k, s, 256, 3840, &mib))
		return -1;
	k->d->b_info.u.hvm.mmio_hole_memkb = (uint64_t)mib * 1024;
	return 0;
}

static int apply_cpus_soft(struct keys *k)
{
	const struct xen_setting *s = setting(k, "cpus_soft");

	if (!s)
		return 0;
	char *why = NULL;

	if (!xen_vcpu_affinity(&k->d->b_info, s->value, s->items, s->nitems, false, &why))
		return 0;
	k->err = xasprintf("%s:%d: cpus_soft: %s", s->source, s->line, why);
	free(why);
	return -1;
}

static const char *hex_run(const char *p)
{
	const char *start = p;

	while (isxdigit((unsigned char)*p))
		p++;
	return p > start ? p : NULL;
}

/*
 * [DDDD:]BB:DD.F or .*, as the start of a PCI spec. libxlutil 4.17 reads it
 * with sscanf and an unset %n when the '.' is missing ("0000:0%:00.0"), and
 * then jumps by garbage: the fuzzer found that. Only a well-formed BDF
 * reaches it.
 */
static bool bdf_well_formed(const char *p)
{
	int runs = 0;

	while ((p = hex_run(p)) && *p == ':' && runs < 2) {
		p++;
		runs++;
	}
	return p && runs >= 1 && *p == '.' && (p[1] == '*' || isxdigit((unsigned char)p[1]));
}

/* pci = [ "BDF[@VSLOT][,key=value...]" ], with the pci_* defaults applied to each. */
static int apply_pci(struct keys *k)
{
	const struct xen_setting *s = setting(k, "pci");
	libxl_domain_config *d = k->d;
	long msitranslate = 0, power_mgmt = 0, permissive = 0, seize = 0;
	char *report = NULL;
	size_t report_len = 0;
	FILE *f;
	XLU_Config *cfg;
	unsigned i;
	int rc = 0;

	if (number_of(k, "pci_msitranslate", &msitranslate) < 0 ||
	    number_of(k, "pci_power_mgmt", &power_mgmt) < 0 ||
	    number_of(k, "pci_permissive", &permissive) < 0 ||
	    number_of(k, "pci_seize", &seize) < 0)
		return -1;
	if (!s)
		return 0;
	if (s->value)
		return bad(k, s, "expected a list such as [ \"0000:00:1b.0\" ]");
	f = open_memstream(&report, &report_len);
	cfg = f ? xlu_cfg_init(f, s->source) : NULL;
	d->pcidevs = xcalloc(s->nitems + 1, sizeof(*d->pcidevs));
	for (i = 0; cfg && i < s->nitems && !rc; i++) {
		libxl_device_pci *pci = &d->pcidevs[d->num_pcidevs++];

		libxl_device_pci_init(pci);
		pci->msitranslate = msitranslate;
		pci->power_mgmt = power_mgmt;
		pci->permissive = permissive;
		pci->seize = seize;
		pci->rdm_policy = d->b_info.u.hvm.rdm.policy;
		if (!bdf_well_formed(s->items[i]) ||
		    xlu_pci_parse_spec_string(cfg, pci, s->items[i])) {
			k->err = xasprintf("%s:%d: pci: cannot read \"%s\" (BDF such as "
					   "0000:00:1b.0, see xl-pci-configuration(5))",
					   s->source, s->line, s->items[i]);
			rc = -1;
		}
	}
	if (!cfg) {
		k->err = xasprintf("%s:%d: pci: out of memory", s->source, s->line);
		rc = -1;
	}
	if (cfg)
		xlu_cfg_destroy(cfg);
	if (f)
		fclose(f);
	free(report);
	if (!rc && d->num_pcidevs && d->c_info.type == LIBXL_DOMAIN_TYPE_PV)
		libxl_defbool_set(&d->b_info.u.pv.e820_host, true);
	return rc;
}

/* Keys read by a function above, or already part of struct domain_config. */
static const char *const handled_keys[] = {
	"vnc",
	"vnclisten",
	"vncpasswd",
	"vncdisplay",
	"vncunused",
	"sdl",
	"opengl",
	"display",
	"xauthority",
	"keymap",
	"viridian",
	"serial",
	"usbdevice",
	"bootloader_args",
	"passthrough",
	"tsc_mode",
	"timer_mode",
	"device_model_version",
	"bios",
	"hdtype",
	"vendor_device",
	"vga",
	"stdvga",
	"mmio_hole",
	"cpus_soft",
	"pci",
	"pci_msitranslate",
	"pci_power_mgmt",
	"pci_permissive",
	"pci_seize",
	"on_soft_reset",
	"vncviewer",
	"device_model", /* xl ignores these three, with a warning */
	"vif2",
	"cpuid",
	"vnuma", /* struct domain_config's vnuma, which xen_config.c passes */
	/* xen_keys_devices.c's */
	"channel",
	"vtpm",
	"p9",
	"pvcalls",
	"usbctrl",
	"usbdev",
	"vkb",
	"vdispl",
	"vsnd",
	"vfb",
	"seclabel",
	"init_seclabel",
	"device_model_stubdomain_seclabel",
	"altp2m",
	"vmtrace_buf_kb",
	"vuart",
	"gic_version",
	"tee",
	"ms_vm_genid",
	"mca_caps",
	"gfx_passthru",
	"firmware",
	"dtdev",
	"ioports",
	"irqs",
	"iomem",
	"rdm",
};

static bool handled(const char *key)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(handled_keys); i++)
		if (!strcmp(key, handled_keys[i]))
			return true;
	return false;
}

int xen_keys_apply(const struct domain_config *dc, libxl_domain_config *d, char **err)
{
	static int (*const functions[])(struct keys *) = {
		apply_display, apply_viridian, apply_hvm_lists, apply_bootloader_args,
		apply_enums,   apply_vga,      apply_mmio_hole, apply_cpus_soft,
		apply_pci,     apply_cpuid,
	};
	struct keys k = { .dc = dc, .d = d };
	unsigned type = 1u << d->c_info.type, i, j;

	for (i = 0; i < dc->nxen_only; i++) {
		const struct xen_setting *s = &dc->xen_only[i];

		for (j = 0; j < ARRAY_SIZE(field_keys); j++)
			if (!strcmp(field_keys[j].key, s->key))
				break;
		if (j < ARRAY_SIZE(field_keys)) {
			if ((field_keys[j].types & type) &&
			    set_field(&k, field_keys[j].kind, s, (char *)d + field_keys[j].offset))
				goto fail;
			continue;
		}
		if (!strcmp(s->key, "vncviewer") || !strcmp(s->key, "device_model") ||
		    !strcmp(s->key, "vif2"))
			xlc_warn("%s:%d: %s is ignored, as xl ignores it (%s)", s->source, s->line,
				 s->key,
				 !strcmp(s->key, "vif2") ? "netchannel2 is gone; use vif"
				 : s->key[0] == 'v'
					 ? "xl create -V starts a viewer"
					 : "device_model_override names the device model");
		if (!handled(s->key)) {
			k.err = xasprintf("%s:%d: %s: xlc's xen backend does not pass this key to "
					  "libxl yet; create this guest with xl",
					  s->source, s->line, s->key);
			goto fail;
		}
	}
	/* rdm first: pci's devices take its policy. */
	if (xen_keys_rdm(dc, d, &k.err))
		goto fail;
	for (i = 0; i < ARRAY_SIZE(functions); i++)
		if (functions[i](&k))
			goto fail;
	if (xen_keys_devices(dc, d, &k.err))
		goto fail;
	return 0;
fail:
	*err = k.err;
	return -1;
}
