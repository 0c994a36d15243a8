// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM spec as JSON. The writer and the reader walk the same tables of
 * members, so a member cannot be written under one name and read under
 * another.
 */
#include "backends/kvm/vmm_spec.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "lib/json.h"
#include "lib/util.h"

static const char *const action_names[] = {
	[VMM_ACTION_DESTROY] = "destroy",
	[VMM_ACTION_RESTART] = "restart",
	[VMM_ACTION_RENAME_RESTART] = "rename-restart",
	[VMM_ACTION_PRESERVE] = "preserve",
};

static const char *const seccomp_names[] = {
	[VMM_SECCOMP_KILL] = "kill",
	[VMM_SECCOMP_TRAP] = "trap",
	[VMM_SECCOMP_LOG] = "log",
	[VMM_SECCOMP_OFF] = "off",
};

static bool name_lookup(const char *const *names, unsigned n, const char *name, unsigned *out)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], name)) {
			*out = i;
			return true;
		}
	}
	return false;
}

const char *vmm_action_name(enum vmm_action a)
{
	return (unsigned)a < ARRAY_SIZE(action_names) ? action_names[a] : "?";
}

bool vmm_action_parse(const char *name, enum vmm_action *out)
{
	unsigned i;

	if (!name_lookup(action_names, ARRAY_SIZE(action_names), name, &i))
		return false;
	*out = (enum vmm_action)i;
	return true;
}

/* QEMU's drivers for the formats xl's disk spec names: qcow, qcow2, vhd, qed. */
static const char *const qemu_formats[] = { "qcow", "qcow2", "vpc", "qed" };

bool vmm_disk_format_known(const char *format)
{
	unsigned i;

	return name_lookup(qemu_formats, ARRAY_SIZE(qemu_formats), format, &i);
}

const char *vmm_seccomp_mode_name(enum vmm_seccomp_mode m)
{
	return (unsigned)m < ARRAY_SIZE(seccomp_names) ? seccomp_names[m] : "?";
}

bool vmm_seccomp_mode_parse(const char *name, enum vmm_seccomp_mode *out)
{
	unsigned i;

	if (!name_lookup(seccomp_names, ARRAY_SIZE(seccomp_names), name, &i))
		return false;
	*out = (enum vmm_seccomp_mode)i;
	return true;
}

/*
 * One member of an object: its JSON name, its C type, where it lives in the
 * struct and, for numbers, the largest value accepted.
 */
enum member_type {
	M_STR,
	M_STR_OPT,
	M_U64,
	M_U32,
	M_ULONG,
	M_INT,
	M_BOOL,
	M_ACTION,
	M_SECCOMP,
	M_MAC
};

struct member {
	const char *key;
	enum member_type type;
	size_t offset;
	uint64_t max;
};

#define AT(type, f) offsetof(type, f)

static const struct member spec_members[] = {
	{ "name", M_STR, AT(struct vmm_spec, name), 0 },
	{ "uuid", M_STR, AT(struct vmm_spec, uuid), 0 },
	{ "memory_mib", M_U64, AT(struct vmm_spec, memory_mib), 1u << 24 },
	{ "maxmem_mib", M_U64, AT(struct vmm_spec, maxmem_mib), 1u << 24 },
	{ "vcpus", M_INT, AT(struct vmm_spec, vcpus), VMM_SPEC_MAX_VCPUS },
	{ "max_vcpus", M_INT, AT(struct vmm_spec, max_vcpus), VMM_SPEC_MAX_VCPUS },
	{ "kernel", M_STR_OPT, AT(struct vmm_spec, kernel), 0 },
	{ "ramdisk", M_STR_OPT, AT(struct vmm_spec, ramdisk), 0 },
	{ "cmdline", M_STR_OPT, AT(struct vmm_spec, cmdline), 0 },
	{ "bootloader", M_BOOL, AT(struct vmm_spec, bootloader), 0 },
	{ "boot_entry", M_STR_OPT, AT(struct vmm_spec, boot_entry), 0 },
	{ "boot_disk", M_INT, AT(struct vmm_spec, boot_disk), VMM_SPEC_MAX_DISKS - 1 },
	{ "on_poweroff", M_ACTION, AT(struct vmm_spec, on_poweroff), 0 },
	{ "on_reboot", M_ACTION, AT(struct vmm_spec, on_reboot), 0 },
	{ "on_crash", M_ACTION, AT(struct vmm_spec, on_crash), 0 },
	{ "run_dir", M_STR, AT(struct vmm_spec, run_dir), 0 },
	{ "log_dir", M_STR, AT(struct vmm_spec, log_dir), 0 },
	{ "paused", M_BOOL, AT(struct vmm_spec, paused), 0 },
	{ "restore", M_BOOL, AT(struct vmm_spec, restore), 0 },
	{ "disk_lock_wait_s", M_U32, AT(struct vmm_spec, disk_lock_wait_s), 3600 },
	{ "foreground", M_BOOL, AT(struct vmm_spec, foreground), 0 },
	{ "console_tty", M_BOOL, AT(struct vmm_spec, console_tty), 0 },
};

static const struct member limits_members[] = {
	{ "uid_base", M_U32, AT(struct vmm_limits, uid_base), UINT32_MAX - 65536 },
	{ "cgroup_parent", M_STR, AT(struct vmm_limits, cgroup_parent), 0 },
	{ "mem_overhead", M_U64, AT(struct vmm_limits, mem_overhead), 1ull << 40 },
	{ "seccomp", M_SECCOMP, AT(struct vmm_limits, seccomp), 0 },
	{ "console_log_max", M_U64, AT(struct vmm_limits, console_log_max), 1ull << 40 },
	{ "vmm_log_max", M_U64, AT(struct vmm_limits, vmm_log_max), 1ull << 40 },
	{ "console_timestamps", M_BOOL, AT(struct vmm_limits, console_timestamps), 0 },
	{ "vhost_net", M_BOOL, AT(struct vmm_limits, vhost_net), 0 },
	{ "test_hooks", M_BOOL, AT(struct vmm_limits, test_hooks), 0 },
};

static const struct member disk_members[] = {
	{ "vdev", M_STR, AT(struct vmm_disk, vdev), 0 },
	{ "path", M_STR_OPT, AT(struct vmm_disk, path), 0 },	 /* none: an empty cdrom drive */
	{ "format", M_STR_OPT, AT(struct vmm_disk, format), 0 }, /* none: raw */
	{ "devnum", M_ULONG, AT(struct vmm_disk, devnum), UINT32_MAX },
	{ "readonly", M_BOOL, AT(struct vmm_disk, readonly), 0 },
	{ "cdrom", M_BOOL, AT(struct vmm_disk, cdrom), 0 },
	{ "discard", M_BOOL, AT(struct vmm_disk, discard), 0 },
};

static const struct member nic_members[] = {
	{ "devid", M_INT, AT(struct vmm_nic, devid), 65535 },
	{ "mac", M_MAC, AT(struct vmm_nic, mac), 0 },
	{ "ifname", M_STR_OPT, AT(struct vmm_nic, ifname), 0 },
	{ "bridge", M_STR_OPT, AT(struct vmm_nic, bridge), 0 },
	{ "script", M_STR_OPT, AT(struct vmm_nic, script), 0 },
	{ "ip", M_STR_OPT, AT(struct vmm_nic, ip), 0 },
	{ "mtu", M_ULONG, AT(struct vmm_nic, mtu), 65535 },
	{ "rate_bytes", M_U64, AT(struct vmm_nic, rate_bytes), UINT64_MAX >> 1 },
	{ "rate_interval_us", M_U32, AT(struct vmm_nic, rate_interval_us), UINT32_MAX },
};

/* ---- writing ---- */

static void gen_mac(yajl_gen g, const char *key, const uint8_t *mac)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	json_key_str(g, key, buf);
}

static void gen_member(yajl_gen g, const void *obj, const struct member *m)
{
	const void *p = (const char *)obj + m->offset;

	switch (m->type) {
	case M_STR:
	case M_STR_OPT:
		json_key_str(g, m->key, *(char *const *)p);
		break;
	case M_U64:
		json_key_u64(g, m->key, *(const uint64_t *)p);
		break;
	case M_U32:
		json_key_u64(g, m->key, *(const uint32_t *)p);
		break;
	case M_ULONG:
		json_key_u64(g, m->key, *(const unsigned long *)p);
		break;
	case M_INT:
		json_key_int(g, m->key, *(const int *)p);
		break;
	case M_BOOL:
		json_key_bool(g, m->key, *(const bool *)p);
		break;
	case M_ACTION:
		json_key_str(g, m->key, vmm_action_name(*(const enum vmm_action *)p));
		break;
	case M_SECCOMP:
		json_key_str(g, m->key, vmm_seccomp_mode_name(*(const enum vmm_seccomp_mode *)p));
		break;
	case M_MAC:
		gen_mac(g, m->key, p);
		break;
	}
}

static void gen_object(yajl_gen g, const void *obj, const struct member *m, unsigned n)
{
	unsigned i;

	yajl_gen_map_open(g);
	for (i = 0; i < n; i++)
		gen_member(g, obj, &m[i]);
}

static void gen_pins(yajl_gen g, const struct vmm_spec *s)
{
	int i;
	unsigned k;

	json_key(g, "pins");
	yajl_gen_array_open(g);
	for (i = 0; i < s->max_vcpus; i++) {
		yajl_gen_map_open(g);
		json_key_str(g, "text", s->pins[i].text);
		json_key(g, "cpus");
		yajl_gen_array_open(g);
		for (k = 0; k < s->pins[i].ncpus; k++)
			yajl_gen_integer(g, s->pins[i].cpus[k]);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

char *vmm_spec_to_json(const struct vmm_spec *s)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	unsigned i;

	gen_object(g, s, spec_members, ARRAY_SIZE(spec_members));
	json_key_int(g, "version", VMM_SPEC_VERSION);
	gen_pins(g, s);
	json_key(g, "disks");
	yajl_gen_array_open(g);
	for (i = 0; i < s->ndisks; i++) {
		gen_object(g, &s->disks[i], disk_members, ARRAY_SIZE(disk_members));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_key(g, "nics");
	yajl_gen_array_open(g);
	for (i = 0; i < s->nnics; i++) {
		gen_object(g, &s->nics[i], nic_members, ARRAY_SIZE(nic_members));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_key(g, "limits");
	gen_object(g, &s->limits, limits_members, ARRAY_SIZE(limits_members));
	yajl_gen_map_close(g);
	json_key(g, "config");
	if (!s->config_json || !json_gen_text(g, s->config_json))
		yajl_gen_null(g);
	yajl_gen_map_close(g);
	return json_gen_finish(g);
}

/* ---- reading ---- */

struct reader {
	char *err;
	const char *where; /* "", "disk 2: ", ... */
};

static yajl_val member_of(yajl_val obj, const char *key)
{
	size_t i;

	for (i = 0; YAJL_IS_OBJECT(obj) && i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			return obj->u.object.values[i];
	return NULL;
}

static bool bad(struct reader *r, const char *key, const char *why)
{
	if (!r->err)
		r->err = xasprintf("the VMM spec: %s%s: %s", r->where, key, why);
	return false;
}

static bool read_mac(const char *text, uint8_t mac[6])
{
	unsigned v[6], i;
	char end;

	if (strlen(text) != 17 || sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
					 &v[3], &v[4], &v[5], &end) != 6)
		return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

static bool read_number(struct reader *r, const struct member *m, yajl_val v, uint64_t *out)
{
	if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
		return bad(r, m->key, "not a whole number");
	if ((uint64_t)YAJL_GET_INTEGER(v) > m->max)
		return bad(r, m->key, "out of range");
	*out = (uint64_t)YAJL_GET_INTEGER(v);
	return true;
}

static bool read_member(struct reader *r, void *obj, const struct member *m, yajl_val v)
{
	void *p = (char *)obj + m->offset;
	uint64_t n = 0;
	unsigned e;

	switch (m->type) {
	case M_STR_OPT:
		if (!v || YAJL_IS_NULL(v))
			return true;
		/* fall through */
	case M_STR:
		if (!v || !YAJL_IS_STRING(v))
			return bad(r, m->key, "not a string");
		*(char **)p = xstrdup(YAJL_GET_STRING(v));
		return true;
	case M_U64:
	case M_U32:
	case M_ULONG:
	case M_INT:
		if (!read_number(r, m, v, &n))
			return false;
		if (m->type == M_U64)
			*(uint64_t *)p = n;
		else if (m->type == M_U32)
			*(uint32_t *)p = (uint32_t)n;
		else if (m->type == M_ULONG)
			*(unsigned long *)p = (unsigned long)n;
		else
			*(int *)p = (int)n;
		return true;
	case M_BOOL:
		if (!v || !(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)))
			return bad(r, m->key, "not true or false");
		*(bool *)p = YAJL_IS_TRUE(v);
		return true;
	case M_ACTION:
		if (!v || !YAJL_IS_STRING(v) ||
		    !name_lookup(action_names, ARRAY_SIZE(action_names), YAJL_GET_STRING(v), &e))
			return bad(r, m->key, "not an action");
		*(enum vmm_action *)p = (enum vmm_action)e;
		return true;
	case M_SECCOMP:
		if (!v || !YAJL_IS_STRING(v) ||
		    !name_lookup(seccomp_names, ARRAY_SIZE(seccomp_names), YAJL_GET_STRING(v), &e))
			return bad(r, m->key, "not a seccomp mode");
		*(enum vmm_seccomp_mode *)p = (enum vmm_seccomp_mode)e;
		return true;
	case M_MAC:
		if (!v || !YAJL_IS_STRING(v) || !read_mac(YAJL_GET_STRING(v), p))
			return bad(r, m->key, "not a MAC address");
		return true;
	}
	return false;
}

static bool read_object(struct reader *r, void *obj, yajl_val v, const struct member *m, unsigned n)
{
	unsigned i;

	if (!YAJL_IS_OBJECT(v))
		return bad(r, "", "not an object");
	for (i = 0; i < n; i++)
		if (!read_member(r, obj, &m[i], member_of(v, m[i].key)))
			return false;
	return true;
}

static yajl_val array_of(struct reader *r, yajl_val obj, const char *key, size_t max)
{
	yajl_val v = member_of(obj, key);

	if (!v || !YAJL_IS_ARRAY(v)) {
		bad(r, key, "not an array");
		return NULL;
	}
	if (v->u.array.len > max) {
		bad(r, key, "too many entries");
		return NULL;
	}
	return v;
}

static bool read_pin(struct reader *r, struct vmm_pin *pin, yajl_val v)
{
	yajl_val text = member_of(v, "text"), cpus = array_of(r, v, "cpus", 65536);
	size_t i;

	if (!cpus)
		return false;
	if (text && YAJL_IS_STRING(text))
		pin->text = xstrdup(YAJL_GET_STRING(text));
	pin->cpus = xcalloc(cpus->u.array.len + 1, sizeof(*pin->cpus));
	for (i = 0; i < cpus->u.array.len; i++) {
		yajl_val c = cpus->u.array.values[i];

		if (!YAJL_IS_INTEGER(c) || YAJL_GET_INTEGER(c) < 0 || YAJL_GET_INTEGER(c) > 65535)
			return bad(r, "pins", "a CPU number is out of range");
		pin->cpus[pin->ncpus++] = (uint16_t)YAJL_GET_INTEGER(c);
	}
	return true;
}

static bool read_lists(struct reader *r, struct vmm_spec *s, yajl_val root)
{
	yajl_val pins = array_of(r, root, "pins", VMM_SPEC_MAX_VCPUS),
		 disks = array_of(r, root, "disks", VMM_SPEC_MAX_DISKS),
		 nics = array_of(r, root, "nics", VMM_SPEC_MAX_NICS);
	size_t i;

	if (!pins || !disks || !nics)
		return false;
	if (pins->u.array.len != (size_t)s->max_vcpus)
		return bad(r, "pins", "not one per vCPU");
	s->pins = xcalloc((size_t)s->max_vcpus + 1, sizeof(*s->pins));
	for (i = 0; i < pins->u.array.len; i++)
		if (!read_pin(r, &s->pins[i], pins->u.array.values[i]))
			return false;
	s->disks = xcalloc(disks->u.array.len + 1, sizeof(*s->disks));
	for (i = 0; i < disks->u.array.len; i++) {
		r->where = "disks: ";
		s->ndisks++; /* counted now: freed if it is bad */
		if (!read_object(r, &s->disks[i], disks->u.array.values[i], disk_members,
				 ARRAY_SIZE(disk_members)))
			return false;
		if (!s->disks[i].path && !s->disks[i].cdrom)
			return bad(r, "path", "missing: only a cdrom drive can be empty");
		/* It becomes part of qemu-storage-daemon's options: a known name only. */
		if (s->disks[i].format && !vmm_disk_format_known(s->disks[i].format))
			return bad(r, "format", "not an image format the VMM serves");
	}
	s->nics = xcalloc(nics->u.array.len + 1, sizeof(*s->nics));
	for (i = 0; i < nics->u.array.len; i++) {
		r->where = "nics: ";
		s->nnics++;
		if (!read_object(r, &s->nics[i], nics->u.array.values[i], nic_members,
				 ARRAY_SIZE(nic_members)))
			return false;
	}
	r->where = "";
	return true;
}

static bool check(struct reader *r, const struct vmm_spec *s)
{
	if (!s->vcpus || s->vcpus > s->max_vcpus)
		return bad(r, "vcpus", "not between 1 and max_vcpus");
	if (!s->memory_mib || s->maxmem_mib < s->memory_mib)
		return bad(r, "memory_mib", "zero, or above maxmem_mib");
	if (!*s->name || strchr(s->name, '/'))
		return bad(r, "name", "empty or has a '/'");
	if (!s->kernel && !s->bootloader)
		return bad(r, "kernel", "missing, and no bootloader to find one");
	if (s->bootloader && (unsigned)s->boot_disk >= s->ndisks)
		return bad(r, "boot_disk", "not one of the disks");
	return true;
}

struct vmm_spec *vmm_spec_from_json(const char *text, size_t len, char **err)
{
	struct reader r = { .where = "" };
	struct vmm_spec *s = xcalloc(1, sizeof(*s));
	yajl_val root = NULL, version, config;
	char errbuf[128] = "";

	if (len > VMM_SPEC_MAX_BYTES || memchr(text, '\0', len) || text[len] != '\0') {
		bad(&r, "", "larger than 4 MiB, or holds a NUL byte");
		goto fail;
	}
	root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	if (!root) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		bad(&r, "", errbuf);
		goto fail;
	}
	version = member_of(root, "version");
	if (!version || !YAJL_IS_INTEGER(version) ||
	    YAJL_GET_INTEGER(version) != VMM_SPEC_VERSION) {
		bad(&r, "version",
		    "not the version this VMM reads (" XLC_STR(VMM_SPEC_VERSION) ")");
		goto fail;
	}
	if (!read_object(&r, s, root, spec_members, ARRAY_SIZE(spec_members)) ||
	    !read_object(&r, &s->limits, member_of(root, "limits"), limits_members,
			 ARRAY_SIZE(limits_members)) ||
	    !read_lists(&r, s, root) || !check(&r, s))
		goto fail;
	s->version = VMM_SPEC_VERSION;
	config = member_of(root, "config");
	if (config && YAJL_IS_OBJECT(config))
		s->config_json = json_value_to_string(config);
	yajl_tree_free(root);
	return s;
fail:
	yajl_tree_free(root);
	vmm_spec_free(s);
	*err = r.err;
	return NULL;
}

void vmm_spec_free(struct vmm_spec *s)
{
	unsigned i;
	int v;

	if (!s)
		return;
	free(s->name);
	free(s->uuid);
	free(s->kernel);
	free(s->ramdisk);
	free(s->cmdline);
	free(s->boot_entry);
	for (v = 0; s->pins && v < s->max_vcpus; v++) {
		free(s->pins[v].text);
		free(s->pins[v].cpus);
	}
	free(s->pins);
	for (i = 0; i < s->ndisks; i++) {
		free(s->disks[i].vdev);
		free(s->disks[i].path);
		free(s->disks[i].format);
	}
	free(s->disks);
	for (i = 0; i < s->nnics; i++) {
		free(s->nics[i].ifname);
		free(s->nics[i].bridge);
		free(s->nics[i].script);
		free(s->nics[i].ip);
	}
	free(s->nics);
	free(s->run_dir);
	free(s->log_dir);
	free(s->limits.cgroup_parent);
	free(s->config_json);
	free(s);
}
