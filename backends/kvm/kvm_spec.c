// SPDX-License-Identifier: GPL-2.0
/*
 * A domain_config becomes the VMM's spec: every default of the kvm backend
 * applied here, once; paths made absolute (the VMM runs from "/" and reads
 * the kernel again at each reboot); a random MAC drawn for each vif without
 * one (in Xen's 00:16:3e range, once, so it survives reboots); vif scripts
 * found; cpus= lists turned into host CPU numbers. Whatever the host cannot
 * do is refused here, before any process starts.
 */
#include "backends/kvm/kvm_spec.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parsers/cpulist.h"
#include "parsers/domain_json.h"
#include "lib/json.h"
#include "lib/util.h"

const struct domain_size_defaults kvm_size_defaults = { 128, 1 };

static char *absolute(const char *path)
{
	char *abs;

	if (!path || path[0] == '/')
		return path ? xstrdup(path) : NULL;
	abs = realpath(path, NULL);
	return abs ? abs : xstrdup(path);
}

/* QEMU's driver for an image format (qemu-storage-daemon serves it), or NULL: raw. */
static char *qemu_format(enum disk_format f)
{
	switch (f) {
	case DISK_FORMAT_QCOW:
		return xstrdup("qcow");
	case DISK_FORMAT_QCOW2:
		return xstrdup("qcow2");
	case DISK_FORMAT_VHD:
		return xstrdup("vpc");
	case DISK_FORMAT_QED:
		return xstrdup("qed");
	default:
		return NULL;
	}
}

/*
 * The executable a vif's script= names (as is if it has a '/', else from
 * $XLC_SYSCONFDIR/scripts, /etc/xlc/scripts, /etc/xen/scripts), or NULL.
 * Xen's default "vif-bridge" is never taken from /etc/xen/scripts: it needs
 * xenstore, and xlc attaches the tap to the bridge itself.
 */
static char *vif_script_path(const char *script)
{
	static const char *const dirs[] = { "/etc/xlc/scripts", "/etc/xen/scripts" };
	const char *sysconf = getenv("XLC_SYSCONFDIR");
	char *path;
	unsigned i;

	if (strchr(script, '/'))
		return absolute(script);
	if (sysconf) {
		path = xasprintf("%s/scripts/%s", sysconf, script);
		if (!access(path, X_OK))
			return path;
		free(path);
	}
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		/* Xen's own vif-bridge needs xenstore: xlc does its job itself. */
		if (i == 1 && !strcmp(script, "vif-bridge"))
			break;
		path = xasprintf("%s/%s", dirs[i], script);
		if (!access(path, X_OK))
			return path;
		free(path);
	}
	return NULL;
}

static enum vmm_action action(enum shutdown_action a)
{
	switch (a) {
	case ACTION_RESTART:
	case ACTION_COREDUMP_RESTART:
	case ACTION_SOFT_RESET:
		return VMM_ACTION_RESTART;
	case ACTION_RESTART_RENAME:
		return VMM_ACTION_RENAME_RESTART;
	case ACTION_PRESERVE:
		return VMM_ACTION_PRESERVE;
	default:
		return VMM_ACTION_DESTROY;
	}
}

/* Disks in vdev order (xvda before xvdb, whatever the config's order): vda, vdb... */
static int by_disk_index(const void *a, const void *b)
{
	const struct disk_spec *x = *(const struct disk_spec *const *)a;
	const struct disk_spec *y = *(const struct disk_spec *const *)b;

	return x->disk_index < y->disk_index ? -1 : x->disk_index > y->disk_index;
}

static int resolve_disks(struct vmm_spec *s, const struct domain_config *dc, char **err)
{
	const struct disk_spec **order = xcalloc(dc->ndisks + 1, sizeof(*order));
	unsigned i;
	int ret = -1;

	for (i = 0; i < dc->ndisks; i++)
		order[i] = &dc->disks[i];
	qsort(order, dc->ndisks, sizeof(*order), by_disk_index);
	s->disks = xcalloc(dc->ndisks + 1, sizeof(*s->disks));
	for (i = 0; i < dc->ndisks; i++) {
		const struct disk_spec *d = order[i];
		bool empty = !d->target || !*d->target || d->format == DISK_FORMAT_EMPTY;

		if (empty && !d->is_cdrom) {
			*err = xasprintf(
				"disk %s has no target: only a cdrom drive (devtype=cdrom) "
				"can be empty",
				d->vdev);
			goto out;
		}
		s->disks[s->ndisks++] = (struct vmm_disk){
			.vdev = xstrdup(d->vdev),
			.path = empty ? NULL : absolute(d->target), /* NULL: an empty cdrom drive */
			.format = empty ? NULL : qemu_format(d->format),
			.devnum = d->devnum,
			.readonly = !d->readwrite || d->is_cdrom,
			.cdrom = d->is_cdrom,
			.discard = d->discard != TRI_FALSE,
		};
	}
	ret = 0;
out:
	free(order);
	return ret;
}

/* "pygrub", or a path to it (libxl's own, e.g. /usr/lib/xen-4.17/bin/pygrub). */
static bool is_pygrub(const char *bootloader)
{
	const char *base = strrchr(bootloader, '/');

	return strcmp(base ? base + 1 : bootloader, "pygrub") == 0;
}

/* One of pygrub's options; "--entry=1" or "--entry", "1". Returns the items it used, or 0. */
static unsigned boot_option(struct vmm_spec *s, char *const *items, unsigned left)
{
	static const char *const names[] = { "--entry", "--kernel", "--ramdisk", "--args" };
	char **const fields[] = { &s->boot_entry, &s->kernel, &s->ramdisk, &s->cmdline };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]);

		if (strncmp(items[0], names[i], n) != 0)
			continue;
		if (items[0][n] == '=') {
			free(*fields[i]);
			*fields[i] = xstrdup(items[0] + n + 1);
			return 1;
		}
		if (!items[0][n] && left > 1) {
			free(*fields[i]);
			*fields[i] = xstrdup(items[1]);
			return 2;
		}
	}
	/* pygrub's menu is never shown here, and nothing else is asked of it */
	return strcmp(items[0], "-q") == 0 || strcmp(items[0], "--quiet") == 0 ||
	       strcmp(items[0], "--debug") == 0;
}

/* bootloader_args: a list, or (deprecated) one string split at blanks, as xl reads it. */
static int boot_options(struct vmm_spec *s, const struct xen_setting *args, char **err)
{
	char **items = args->value ? strv_split_blanks(args->value) : NULL;
	char *const *v = args->value ? items : args->items;
	unsigned n = 0, used, i;
	int ret = 0;

	while (v && v[n])
		n++;
	for (i = 0; i < n; i += used) {
		used = boot_option(s, &v[i], n - i);
		if (!used) {
			*err = xasprintf("%s:%d: bootloader_args: \"%s\": the kvm backend takes "
					 "pygrub's --entry, --kernel, --ramdisk, --args and -q",
					 args->source, args->line, v[i]);
			ret = -1;
			break;
		}
	}
	strv_free(items);
	return ret;
}

static int disk_in_config_order(const struct vmm_spec *s, const struct domain_config *dc)
{
	unsigned i;

	for (i = 0; i < s->ndisks; i++)
		if (strcmp(s->disks[i].vdev, dc->disks[0].vdev) == 0)
			return (int)i;
	return 0;
}

/*
 * kernel= boots that kernel; bootloader = "pygrub" reads the first disk's
 * menu at each boot, with kernel=, ramdisk= and the command line handed to
 * it as libxl hands them to pygrub (--kernel, --ramdisk, --args: paths on
 * the guest's disk), then bootloader_args, which win.
 */
static int resolve_boot(struct vmm_spec *s, const struct domain_config *dc, char **err)
{
	const struct xen_setting *bl = domain_config_setting(dc, "bootloader");
	const struct xen_setting *args = domain_config_setting(dc, "bootloader_args");

	s->cmdline = dc->cmdline ? xstrdup(dc->cmdline) : NULL;
	if (!bl || !bl->value || !*bl->value) {
		if (!dc->kernel) {
			*err = xstrdup(
				"no kernel: set kernel = \"/path/to/bzImage\", or "
				"bootloader = \"pygrub\" to boot the kernel the guest's disk "
				"names in its boot menu");
			return -1;
		}
		s->kernel = absolute(dc->kernel);
		s->ramdisk = absolute(dc->ramdisk);
		return 0;
	}
	if (!is_pygrub(bl->value)) {
		*err = xasprintf("%s:%d: bootloader = %s: the kvm backend reads the guest's boot "
				 "menu itself, as pygrub does: set bootloader = \"pygrub\"",
				 bl->source, bl->line, bl->value);
		return -1;
	}
	if (!dc->ndisks) {
		*err = xasprintf("%s:%d: bootloader = %s: pygrub reads the first disk, and there "
				 "is none: add one to disk = [ ... ]",
				 bl->source, bl->line, bl->value);
		return -1;
	}
	s->bootloader = true;
	s->boot_disk = disk_in_config_order(s, dc);
	s->kernel = dc->kernel ? xstrdup(dc->kernel) : NULL;
	s->ramdisk = dc->ramdisk ? xstrdup(dc->ramdisk) : NULL;
	return args ? boot_options(s, args, err) : 0;
}

static int resolve_nics(struct vmm_spec *s, const struct domain_config *dc,
			const struct xlc_conf *conf, char **err)
{
	unsigned i;

	s->nics = xcalloc(dc->nvifs + 1, sizeof(*s->nics));
	for (i = 0; i < dc->nvifs; i++) {
		const struct vif_spec *v = &dc->vifs[i];
		struct vmm_nic *n = &s->nics[s->nnics++]; /* counted now: freed if we fail */

		n->devid = v->devid;
		memcpy(n->mac, v->mac, 6);
		if (!v->mac_set)
			vif_random_mac(n->mac);
		if (v->vifname && strlen(v->vifname) >= 16) {
			*err = xasprintf("vif %d: vifname %s is longer than 15 characters",
					 v->devid, v->vifname);
			return -1;
		}
		n->ifname = v->vifname ? xstrdup(v->vifname) : NULL;
		n->bridge = xstrdup(v->bridge	       ? v->bridge
				    : conf->vif_bridge ? conf->vif_bridge
						       : "xenbr0");
		n->ip = v->ip ? xstrdup(v->ip) : NULL;
		n->mtu = v->mtu;
		n->rate_bytes = v->rate_bytes_per_interval;
		n->rate_interval_us = v->rate_interval_usecs;
		if (!v->script)
			continue;
		n->script = vif_script_path(v->script);
		if (!n->script && strcmp(v->script, "vif-bridge")) {
			*err = xasprintf("vif %d: script %s not found (looked in /etc/xlc/scripts "
					 "and /etc/xen/scripts)",
					 v->devid, v->script);
			return -1;
		}
	}
	return 0;
}

/* cpus = "0-3": every vCPU there; cpus = [ "0", "1" ]: vCPU i on item i. */
static int resolve_pins(struct vmm_spec *s, const struct domain_config *dc, char **err)
{
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	int v;

	s->pins = xcalloc((size_t)s->max_vcpus + 1, sizeof(*s->pins));
	for (v = 0; v < s->max_vcpus; v++) {
		const char *list = domain_vcpu_cpus(dc, v);
		struct cpumap map;
		unsigned c;

		if (!list)
			continue;
		cpumap_init_host(&map);
		if (!cpulist_parse(list, &map, err)) {
			cpumap_free(&map);
			return -1;
		}
		s->pins[v].text = xstrdup(list);
		s->pins[v].cpus = xcalloc(map.nbits + 1, sizeof(*s->pins[v].cpus));
		for (c = 0; c < map.nbits && c < 65536; c++)
			if (cpumap_test(&map, c) && (long)c < ncpus)
				s->pins[v].cpus[s->pins[v].ncpus++] = (uint16_t)c;
		cpumap_free(&map);
		if (!s->pins[v].ncpus) {
			*err = xasprintf("cpus = \"%s\" names no CPU of this host (it has %ld)",
					 list, ncpus);
			return -1;
		}
	}
	return 0;
}

/* MemTotal: a guest larger than the host cannot be backed, only overcommitted. */
static uint64_t host_memory_mib(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size >> 20 : UINT64_MAX;
}

static int resolve_sizes(struct vmm_spec *s, const struct domain_config *dc, char **err)
{
	struct domain_sizes r = domain_config_resolve(dc, &kvm_size_defaults);

	s->memory_mib = (uint64_t)r.memory_mib;
	s->maxmem_mib = (uint64_t)r.maxmem_mib;
	s->vcpus = r.vcpus;
	s->max_vcpus = r.max_vcpus;
	if (s->memory_mib > host_memory_mib()) {
		*err = xasprintf("memory = %llu MiB is more than this host has (%llu MiB)",
				 (unsigned long long)s->memory_mib,
				 (unsigned long long)host_memory_mib());
		return -1;
	}
	if (s->max_vcpus > VMM_SPEC_MAX_VCPUS) {
		*err = xasprintf("vcpus = %d: the kvm backend runs at most %d", s->max_vcpus,
				 VMM_SPEC_MAX_VCPUS);
		return -1;
	}
	return 0;
}

static void set_limits(struct vmm_spec *s, const struct xlc_conf *conf)
{
	s->limits.uid_base = conf->vmm_uid_base;
	s->limits.cgroup_parent = xstrdup(conf->vmm_cgroup ? conf->vmm_cgroup : "");
	s->limits.mem_overhead = conf->vmm_memory_overhead_mib << 20;
	if (!conf->vmm_seccomp || !vmm_seccomp_mode_parse(conf->vmm_seccomp, &s->limits.seccomp))
		s->limits.seccomp = VMM_SECCOMP_KILL;
	s->limits.console_log_max = conf->console_log_max_bytes;
	s->limits.vmm_log_max = conf->log_max_bytes;
	s->limits.console_timestamps = conf->console_timestamps;
	s->limits.vhost_net = conf->vmm_vhost_net;
	/* The "debug-" control commands, for xlc's own tests. */
	s->limits.test_hooks = getenv("XLC_TEST_HOOKS") && !strcmp(getenv("XLC_TEST_HOOKS"), "1");
}

/* list -l shows the config as the VMM runs it: absolute paths, the MACs drawn. */
static char *resolved_config_json(const struct domain_config *dc, const struct vmm_spec *s)
{
	struct domain_config copy = *dc;
	yajl_gen g = yajl_gen_alloc(NULL);
	unsigned i;
	char *json;

	copy.kernel = s->kernel;
	copy.ramdisk = s->ramdisk;
	copy.disks = xcalloc(dc->ndisks + 1, sizeof(*copy.disks));
	for (i = 0; i < dc->ndisks; i++) {
		copy.disks[i] = dc->disks[i];
		copy.disks[i].target = absolute(dc->disks[i].target);
	}
	copy.vifs = xcalloc(dc->nvifs + 1, sizeof(*copy.vifs));
	for (i = 0; i < dc->nvifs; i++) {
		copy.vifs[i] = dc->vifs[i];
		memcpy(copy.vifs[i].mac, s->nics[i].mac, 6);
		copy.vifs[i].mac_set = true;
	}
	domain_config_gen_json(g, &copy);
	json = json_gen_finish(g);
	for (i = 0; i < dc->ndisks; i++)
		free(copy.disks[i].target);
	free(copy.disks);
	free(copy.vifs);
	return json;
}

void kvm_spec_localize(struct vmm_spec *s, const struct create_opts *opts,
		       const struct xlc_conf *conf)
{
	free(s->run_dir);
	free(s->log_dir);
	free(s->limits.cgroup_parent);
	s->run_dir = absolute(conf->run_dir);
	s->log_dir = absolute(conf->log_dir);
	s->paused = opts->paused;
	s->foreground = opts->foreground;
	s->console_tty = opts->foreground && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	s->restore = false;
	s->disk_lock_wait_s = 0;
	set_limits(s, conf);
}

struct vmm_spec *kvm_spec_from_config(const struct domain_config *dc,
				      const struct create_opts *opts, const struct xlc_conf *conf,
				      char **err)
{
	struct vmm_spec *s = xcalloc(1, sizeof(*s));
	char uuid[37];

	s->version = VMM_SPEC_VERSION;
	s->name = xstrdup(dc->name);
	uuid_format(dc->uuid, uuid);
	s->uuid = xstrdup(uuid);
	s->on_poweroff = action(dc->on_poweroff);
	s->on_reboot = action(dc->on_reboot);
	s->on_crash = action(dc->on_crash);
	kvm_spec_localize(s, opts, conf);
	if (resolve_sizes(s, dc, err) || resolve_pins(s, dc, err) || resolve_disks(s, dc, err) ||
	    resolve_boot(s, dc, err) || resolve_nics(s, dc, conf, err))
		goto fail;
	s->config_json = resolved_config_json(dc, s);
	return s;
fail:
	vmm_spec_free(s);
	return NULL;
}
