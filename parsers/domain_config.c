// SPDX-License-Identifier: GPL-2.0
/*
 * From a parsed xl.cfg to struct domain_config: one small function per
 * concern, each returning a one-line error that names file:line, the key
 * and its value. The semantics (defaults, root=/extra=, type prefixes,
 * on_* names) are xl's (xl.cfg(5)); only the strictness is ours.
 */
#include "parsers/domain_config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/cpulist.h"
#include "lib/util.h"

/* A vCPU count no backend would accept; xl's own limit is HVM_MAX_VCPUS. */
#define MAX_VCPUS 4096
/* 16 TiB: larger is a typo, not a guest. */
#define MAX_MEMORY_MIB (16L << 20)

static const char *const action_names[] = {
	[ACTION_DESTROY] = "destroy",
	[ACTION_RESTART] = "restart",
	[ACTION_RESTART_RENAME] = "rename-restart",
	[ACTION_PRESERVE] = "preserve",
	[ACTION_COREDUMP_DESTROY] = "coredump-destroy",
	[ACTION_COREDUMP_RESTART] = "coredump-restart",
	[ACTION_SOFT_RESET] = "soft-reset",
};

static const char *const action_json_names[] = {
	[ACTION_DESTROY] = "destroy",
	[ACTION_RESTART] = "restart",
	[ACTION_RESTART_RENAME] = "restart_rename",
	[ACTION_PRESERVE] = "preserve",
	[ACTION_COREDUMP_DESTROY] = "coredump_destroy",
	[ACTION_COREDUMP_RESTART] = "coredump_restart",
	[ACTION_SOFT_RESET] = "soft_reset",
};

const char *shutdown_action_name(enum shutdown_action a)
{
	return a < ARRAY_SIZE(action_names) && action_names[a] ? action_names[a] : "?";
}

const char *shutdown_action_json_name(enum shutdown_action a)
{
	return a < ARRAY_SIZE(action_json_names) && action_json_names[a] ? action_json_names[a]
									 : "?";
}

struct domain_sizes domain_config_resolve(const struct domain_config *dc,
					  const struct domain_size_defaults *defaults)
{
	struct domain_sizes r = { dc->memory_mib, dc->maxmem_mib, dc->vcpus, dc->maxvcpus };

	if (defaults) {
		if (!r.memory_mib)
			r.memory_mib = r.maxmem_mib ? r.maxmem_mib : defaults->memory_mib;
		if (!r.vcpus)
			r.vcpus = defaults->vcpus;
	}
	if (!r.maxmem_mib)
		r.maxmem_mib = r.memory_mib;
	if (!r.max_vcpus)
		r.max_vcpus = r.vcpus;
	return r;
}

const char *domain_vcpu_cpus(const struct domain_config *dc, int vcpu)
{
	if (dc->cpus)
		return dc->cpus;
	return vcpu >= 0 && (unsigned)vcpu < dc->ncpus_per_vcpu ? dc->cpus_per_vcpu[vcpu] : NULL;
}

const char *domain_type_name(enum domain_type t)
{
	return t == DOMAIN_TYPE_HVM ? "hvm" : t == DOMAIN_TYPE_PVH ? "pvh" : "pv";
}

void uuid_format(const uint8_t u[16], char buf[37])
{
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

bool domain_uuid_parse(const char *s, uint8_t u[16])
{
	static const int dash_at[] = { 8, 13, 18, 23 };
	unsigned i, d = 0, n = 0;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (d < 4 && (int)i == dash_at[d]) {
			if (s[i] != '-')
				return false;
			d++;
			continue;
		}
		if (!isxdigit((unsigned char)s[i]) || !isxdigit((unsigned char)s[i + 1]))
			return false;
		u[n++] = (uint8_t)strtoul((char[3]){ s[i], s[i + 1], 0 }, NULL, 16);
		i++;
	}
	return n == 16;
}

/* A random (version 4) UUID, as xl makes for a config without one. */
static void uuid_generate(uint8_t u[16])
{
	FILE *f = fopen("/dev/urandom", "rb");
	size_t got = f ? fread(u, 1, 16, f) : 0;

	if (f)
		fclose(f);
	for (; got < 16; got++)
		u[got] = (uint8_t)rand();
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
}

struct loader {
	struct cfg_doc *doc;
	struct domain_config *dc;
	const struct domain_defaults *defaults;
	char *err;
};

static bool fail(struct loader *ld, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct loader *ld, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ld->err = cfg_doc_error(ld->doc, key, "%s", msg);
	return false;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

bool domain_name_valid(const char *name)
{
	const char *p;

	if (!*name || strlen(name) > 64)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false; /* it names files: the run directory's socket, the logs */
	if (isdigit((unsigned char)name[0]) && strspn(name, "0123456789") == strlen(name))
		return false; /* a number would be read as a domain id */
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.+@", *p))
			return false;
	return true;
}

static bool load_identity(struct loader *ld)
{
	const char *name = cfg_doc_str(ld->doc, "name");
	const char *uuid = cfg_doc_str(ld->doc, "uuid");

	if (!name) {
		ld->err = xasprintf("%s: the domain name must be given: name = \"...\"",
				    ld->dc->source);
		return false;
	}
	if (!domain_name_valid(name))
		return fail(ld, "name",
			    "a name is 1 to 64 letters, digits or '-_.+@', not only digits, "
			    "and not . or ..");
	ld->dc->name = xstrdup(name);
	if (uuid) {
		if (!domain_uuid_parse(uuid, ld->dc->uuid))
			return fail(ld, "uuid",
				    "not a UUID; write it as "
				    "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
		ld->dc->uuid_set = true;
	} else {
		uuid_generate(ld->dc->uuid);
	}
	return true;
}

/* type = "pv" | "pvh" | "hvm", compared as a prefix as xl does. */
static bool load_type(struct loader *ld)
{
	const char *type = cfg_doc_str(ld->doc, "type");
	const char *builder = cfg_doc_str(ld->doc, "builder");
	size_t n;

	ld->dc->type = DOMAIN_TYPE_PV;
	if (type) {
		n = strlen(type);
		if (n && !strncmp(type, "hvm", n))
			ld->dc->type = DOMAIN_TYPE_HVM;
		else if (n && !strncmp(type, "pv", n))
			ld->dc->type = DOMAIN_TYPE_PV;
		else if (n && !strncmp(type, "pvh", n))
			ld->dc->type = DOMAIN_TYPE_PVH;
		else
			return fail(ld, "type", "unknown domain type; use pv, pvh or hvm");
	}
	if (builder) {
		enum domain_type bt;

		n = strlen(builder);
		if (n && !strncmp(builder, "hvm", n))
			bt = DOMAIN_TYPE_HVM;
		else if (n && !strncmp(builder, "generic", n))
			bt = DOMAIN_TYPE_PV;
		else
			return fail(ld, "builder", "unknown builder; use type = \"pv\" or \"hvm\"");
		if (type && bt != ld->dc->type)
			return fail(ld, "builder", "contradicts type = \"%s\"", type);
		ld->dc->type = bt;
	}
	return true;
}

static bool load_bounded(struct loader *ld, const char *key, long min, long max, long *out)
{
	long v;

	if (!cfg_doc_has(ld->doc, key))
		return true;
	v = cfg_doc_int(ld->doc, key);
	if (v < min || v > max)
		return fail(ld, key, "out of range: %s must be from %ld to %ld", key, min, max);
	*out = v;
	return true;
}

static bool load_sizes(struct loader *ld)
{
	struct domain_config *dc = ld->dc;
	long vcpus = 0, maxvcpus = 0;

	if (!load_bounded(ld, "memory", 1, MAX_MEMORY_MIB, &dc->memory_mib) ||
	    !load_bounded(ld, "maxmem", 1, MAX_MEMORY_MIB, &dc->maxmem_mib) ||
	    !load_bounded(ld, "vcpus", 1, MAX_VCPUS, &vcpus) ||
	    !load_bounded(ld, "maxvcpus", 1, MAX_VCPUS, &maxvcpus))
		return false;
	dc->vcpus = (int)vcpus;
	dc->maxvcpus = (int)maxvcpus;
	if (dc->maxmem_mib && dc->memory_mib && dc->maxmem_mib < dc->memory_mib)
		return fail(ld, "maxmem", "maxmem is smaller than memory = %ld", dc->memory_mib);
	if (dc->maxvcpus && dc->vcpus && dc->maxvcpus < dc->vcpus)
		return fail(ld, "maxvcpus", "maxvcpus is smaller than vcpus = %d", dc->vcpus);
	return true;
}

static bool load_cpus(struct loader *ld)
{
	struct domain_config *dc = ld->dc;
	char *msg = NULL;
	unsigned i, n;

	if (!cfg_doc_has(ld->doc, "cpus"))
		return true;
	if (!cfg_doc_is_list(ld->doc, "cpus")) {
		const char *s = cfg_doc_str(ld->doc, "cpus");

		if (!cpulist_valid(s, &msg)) {
			fail(ld, "cpus", "%s", msg);
			free(msg);
			return false;
		}
		dc->cpus = xstrdup(s);
		return true;
	}
	n = cfg_doc_list_len(ld->doc, "cpus");
	dc->cpus_per_vcpu = xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++) {
		const char *s = cfg_doc_list_item(ld->doc, "cpus", i);

		if (!cpulist_valid(s, &msg)) {
			fail(ld, "cpus", "item %u: %s", i, msg);
			free(msg);
			return false;
		}
		dc->cpus_per_vcpu[dc->ncpus_per_vcpu++] = xstrdup(s);
	}
	return true;
}

/*
 * What xl's parse_vnuma_config makes of the vnodes: their vCPUs and sizes
 * become maxvcpus and maxmem, which, if given, must agree.
 */
static bool vnuma_sizes(struct loader *ld)
{
	struct domain_config *dc = ld->dc;
	const struct vnuma *v = &dc->vnuma;

	if (dc->maxvcpus && (unsigned)dc->maxvcpus != v->nvcpus)
		return fail(ld, "vnuma",
			    "vnuma vcpus and maxvcpus= mismatch: the vnodes have %u vCPUs, "
			    "maxvcpus = %d",
			    v->nvcpus, dc->maxvcpus);
	if (dc->vcpus && (unsigned)dc->vcpus > v->nvcpus)
		return fail(ld, "vnuma", "maxvcpus < vcpus: the vnodes have %u vCPUs, vcpus = %d",
			    v->nvcpus, dc->vcpus);
	if (dc->maxmem_mib && (unsigned long)dc->maxmem_mib != v->memory_mib)
		return fail(ld, "vnuma",
			    "maxmem and vnuma memory size mismatch: the vnodes have %lu MiB, "
			    "maxmem = %ld",
			    v->memory_mib, dc->maxmem_mib);
	if (dc->memory_mib && (unsigned long)dc->memory_mib > v->memory_mib)
		return fail(ld, "vnuma",
			    "memory = %ld is more than the vnodes' %lu MiB, which are the "
			    "guest's maxmem",
			    dc->memory_mib, v->memory_mib);
	dc->maxvcpus_from_vnuma = !dc->maxvcpus;
	dc->maxvcpus = (int)v->nvcpus;
	dc->maxmem_mib = (long)v->memory_mib;
	return true;
}

static bool load_vnuma(struct loader *ld)
{
	const struct cfg_value *list = cfg_doc_list(ld->doc, "vnuma"), *at = NULL;
	char *msg = NULL;

	if (!list || !list->nitems)
		return true; /* vnuma = [] is no vNUMA, as in xl */
	if (!vnuma_parse(list, MAX_VCPUS, MAX_MEMORY_MIB, &ld->dc->vnuma, &msg, &at)) {
		ld->err = cfg_doc_error_at(ld->doc, "vnuma", at, "%s", msg);
		free(msg);
		return false;
	}
	return vnuma_sizes(ld);
}

/* cmdline wins over root= and extra=, which combine as "root=R E". */
static bool load_boot(struct loader *ld)
{
	struct domain_config *dc = ld->dc;
	const char *cmdline = cfg_doc_str(ld->doc, "cmdline");
	const char *root = cfg_doc_str(ld->doc, "root");
	const char *extra = cfg_doc_str(ld->doc, "extra");

	dc->kernel = dup_or_null(cfg_doc_str(ld->doc, "kernel"));
	/* xm's way to name HVM firmware (Ganeti still writes it): xl drops it, warning. */
	if (dc->type == DOMAIN_TYPE_HVM && dc->kernel &&
	    !strcmp(strrchr(dc->kernel, '/') ? strrchr(dc->kernel, '/') + 1 : dc->kernel,
		    "hvmloader")) {
		const struct cfg_stmt *st = cfg_doc_stmt(ld->doc, "kernel");

		xlc_warn("%s:%d: kernel = %s: HVM firmware, ignored as xl ignores it; "
			 "firmware_override names other firmware",
			 st->source, st->line, st->raw);
		free(dc->kernel);
		dc->kernel = NULL;
	}
	dc->ramdisk = dup_or_null(cfg_doc_str(ld->doc, "ramdisk"));
	if (cmdline) {
		if (root || extra)
			xlc_warn("%s: ignoring root= and extra= in favour of cmdline=", dc->source);
		dc->cmdline = xstrdup(cmdline);
	} else if (root && extra) {
		dc->cmdline = xasprintf("root=%s %s", root, extra);
	} else if (root) {
		dc->cmdline = xasprintf("root=%s", root);
	} else if (extra) {
		dc->cmdline = xstrdup(extra);
	}
	return true;
}

static bool load_action(struct loader *ld, const char *key, enum shutdown_action def,
			enum shutdown_action *out)
{
	const char *s = cfg_doc_str(ld->doc, key);
	unsigned i;

	*out = def;
	if (!s)
		return true;
	for (i = 1; i < ARRAY_SIZE(action_names); i++) {
		if (!strcmp(s, action_names[i])) {
			*out = (enum shutdown_action)i;
			return true;
		}
	}
	return fail(ld, key,
		    "unknown action; use destroy, restart, rename-restart, preserve, "
		    "coredump-destroy, coredump-restart or soft-reset");
}

static bool load_actions(struct loader *ld)
{
	struct domain_config *dc = ld->dc;

	return load_action(ld, "on_poweroff", ACTION_DESTROY, &dc->on_poweroff) &&
	       load_action(ld, "on_reboot", ACTION_RESTART, &dc->on_reboot) &&
	       load_action(ld, "on_watchdog", ACTION_DESTROY, &dc->on_watchdog) &&
	       load_action(ld, "on_crash", ACTION_DESTROY, &dc->on_crash) &&
	       load_action(ld, "on_soft_reset", ACTION_SOFT_RESET, &dc->on_soft_reset);
}

static bool load_disks(struct loader *ld)
{
	struct domain_config *dc = ld->dc;
	unsigned n = cfg_doc_list_len(ld->doc, "disk"), i, j;

	dc->disks = xcalloc(n, sizeof(*dc->disks));
	for (i = 0; i < n; i++) {
		const char *spec = cfg_doc_list_item(ld->doc, "disk", i);
		char *msg = NULL;

		if (!disk_spec_parse(spec, &dc->disks[i], &msg)) {
			fail(ld, "disk", "disk %u '%s': %s", i, spec, msg);
			free(msg);
			return false;
		}
		dc->ndisks++;
		for (j = 0; j < i; j++)
			if (dc->disks[j].devnum == dc->disks[i].devnum)
				return fail(ld, "disk", "disks %u and %u both use vdev %s", j, i,
					    dc->disks[i].vdev);
	}
	return true;
}

static bool load_vifs(struct loader *ld)
{
	struct domain_config *dc = ld->dc;
	unsigned n = cfg_doc_list_len(ld->doc, "vif"), i, j;

	dc->vifs = xcalloc(n, sizeof(*dc->vifs));
	for (i = 0; i < n; i++) {
		const char *spec = cfg_doc_list_item(ld->doc, "vif", i);
		struct vif_spec *vif = &dc->vifs[i];
		char *msg = NULL;

		if (!vif_spec_parse(spec, (int)i, vif, &msg)) {
			fail(ld, "vif", "vif %u '%s': %s", i, spec, msg);
			free(msg);
			return false;
		}
		dc->nvifs++;
		if (!vif->bridge && ld->defaults && ld->defaults->vif_bridge)
			vif->bridge = xstrdup(ld->defaults->vif_bridge);
		if (!vif->script && ld->defaults && ld->defaults->vif_script)
			vif->script = xstrdup(ld->defaults->vif_script);
		for (j = 0; j < i; j++) {
			if (vif->mac_set && dc->vifs[j].mac_set &&
			    !memcmp(vif->mac, dc->vifs[j].mac, 6))
				return fail(ld, "vif", "vifs %u and %u have the same mac", j, i);
			if (vif->vifname && dc->vifs[j].vifname &&
			    !strcmp(vif->vifname, dc->vifs[j].vifname))
				return fail(ld, "vif", "vifs %u and %u have the same vifname", j,
					    i);
		}
	}
	return true;
}

/*
 * A key xl ignores (an xm-era one), or one xlc does not know when told to
 * let those pass: one warning each, naming the file, line and key.
 */
static void warn_ignored(const struct cfg_stmt *st, void *opaque)
{
	(void)opaque;
	if (st->key->flags & KEY_LEGACY)
		xlc_warn("%s:%d: %s = %s: ignored, as xl ignores it%s%s", st->source, st->line,
			 st->key->name, st->raw, st->key->hint ? "; " : "",
			 st->key->hint ? st->key->hint : "");
	else if (st->key->flags & KEY_UNKNOWN)
		xlc_warn("%s:%d: %s = %s: not an xl.cfg key; ignored (unknown_keys = warn)%s",
			 st->source, st->line, st->key->name, st->raw, st->key->hint);
}

/* A list of lists' strings (the grammar allows only strings in the inner lists here). */
static void keep_lists(struct xen_setting *x, const struct cfg_value *outer)
{
	unsigned i, j;

	if (!outer)
		return;
	x->nlists = outer->nitems;
	x->lists = xcalloc(x->nlists + 1, sizeof(*x->lists));
	for (i = 0; i < x->nlists; i++) {
		const struct cfg_value *inner = &outer->items[i];

		x->lists[i] = xcalloc(inner->nitems + 1, sizeof(**x->lists));
		for (j = 0; j < inner->nitems; j++)
			x->lists[i][j] =
				xstrdup(inner->items[j].string ? inner->items[j].string : "");
	}
}

static void keep_xen_only(const struct cfg_stmt *st, void *opaque)
{
	struct loader *ld = opaque;
	struct domain_config *dc = ld->dc;
	struct xen_setting *x;
	unsigned i;

	if (!(st->key->flags & (KEY_XEN_ONLY | KEY_XEN_ALSO)))
		return;
	dc->xen_only = xreallocarray(dc->xen_only, dc->nxen_only + 1, sizeof(*dc->xen_only));
	x = &dc->xen_only[dc->nxen_only++];
	*x = (struct xen_setting){ .key = st->key->name,
				   .line = st->line,
				   .kvm_honours = !(st->key->flags & KEY_XEN_ONLY) };
	x->source = xstrdup(st->source);
	if (!st->is_list) {
		x->value = xstrdup(st->value);
		return;
	}
	x->nitems = st->key->kind == KEY_LISTS ? 0 : cfg_doc_list_len(ld->doc, st->key->name);
	x->items = xcalloc(x->nitems + 1, sizeof(*x->items));
	for (i = 0; i < x->nitems; i++)
		x->items[i] = xstrdup(cfg_doc_list_item(ld->doc, st->key->name, i));
	if (st->key->kind == KEY_LISTS)
		keep_lists(x, cfg_doc_list(ld->doc, st->key->name));
}

struct domain_config *domain_config_load(const char *source, const char *text, size_t len,
					 char *const *overrides, unsigned noverrides,
					 const struct domain_defaults *defaults, char **err)
{
	struct cfg_chunk *chunks = xcalloc(noverrides + 1, sizeof(*chunks));
	struct loader ld = { .defaults = defaults };
	unsigned i;

	chunks[0] = (struct cfg_chunk){ source, text, len };
	for (i = 0; i < noverrides; i++)
		chunks[i + 1] =
			(struct cfg_chunk){ "command line", overrides[i], strlen(overrides[i]) };
	ld.doc = cfg_doc_parse(chunks, noverrides + 1, domain_keys,
			       defaults && defaults->unknown_keys_warn ? CFG_UNKNOWN_WARN : 0, err);
	free(chunks);
	if (!ld.doc)
		return NULL;
	ld.dc = xcalloc(1, sizeof(*ld.dc));
	ld.dc->source = xstrdup(source);
	if (load_identity(&ld) && load_type(&ld) && load_sizes(&ld) && load_vnuma(&ld) &&
	    load_cpus(&ld) && load_boot(&ld) && load_actions(&ld) && load_disks(&ld) &&
	    load_vifs(&ld)) {
		cfg_doc_foreach(ld.doc, warn_ignored, &ld);
		cfg_doc_foreach(ld.doc, keep_xen_only, &ld);
		cfg_doc_free(ld.doc);
		return ld.dc;
	}
	*err = ld.err;
	cfg_doc_free(ld.doc);
	domain_config_free(ld.dc);
	return NULL;
}

const struct xen_setting *domain_config_setting(const struct domain_config *dc, const char *key)
{
	unsigned i;

	for (i = 0; i < dc->nxen_only; i++)
		if (strcmp(dc->xen_only[i].key, key) == 0)
			return &dc->xen_only[i];
	return NULL;
}

void domain_config_free(struct domain_config *dc)
{
	unsigned i, j;

	if (!dc)
		return;
	free(dc->source);
	free(dc->name);
	free(dc->cpus);
	for (i = 0; i < dc->ncpus_per_vcpu; i++)
		free(dc->cpus_per_vcpu[i]);
	free(dc->cpus_per_vcpu);
	free(dc->kernel);
	free(dc->ramdisk);
	free(dc->cmdline);
	for (i = 0; i < dc->ndisks; i++)
		disk_spec_free(&dc->disks[i]);
	free(dc->disks);
	for (i = 0; i < dc->nvifs; i++)
		vif_spec_free(&dc->vifs[i]);
	free(dc->vifs);
	for (i = 0; i < dc->nxen_only; i++) {
		free(dc->xen_only[i].source);
		free(dc->xen_only[i].value);
		strv_free(dc->xen_only[i].items);
		for (j = 0; j < dc->xen_only[i].nlists; j++)
			strv_free(dc->xen_only[i].lists[j]);
		free(dc->xen_only[i].lists);
	}
	free(dc->xen_only);
	vnuma_free(&dc->vnuma);
	free(dc);
}
