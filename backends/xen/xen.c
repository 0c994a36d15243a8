// SPDX-License-Identifier: GPL-2.0
/*
 * The xen backend: the same commands as on kvm, through libxenlight on a Xen
 * dom0. Built only when libxl is found (XLC_WITH_XEN). libxl's own log goes
 * to <log_dir>/libxl.log (and to stderr with -v); errors say what failed in
 * one line and point there.
 */
#include "backends/xen/xen.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <xenstat.h>
#include <xentoollog.h>

#include "console/console.h"
#include "lib/json.h"
#include "lib/util.h"

#define NO_DOMID ((uint32_t)INVALID_DOMID)

extern int xlc_verbosity;

static libxl_ctx *ctx;
static xentoollog_logger_stdiostream *logger;
static char *log_path;

const char *xen_log_path(void)
{
	return log_path ? log_path : "the libxl log";
}

static const libxl_childproc_hooks child_hooks = {
	.chldowner = libxl_sigchld_owner_libxl_always_selective_reap,
};

libxl_ctx *xen_ctx(const struct xlc_conf *conf, char **err)
{
	FILE *log;

	if (ctx)
		return ctx;
	free(log_path);
	log_path = xasprintf("%s/libxl.log", conf->log_dir);
	mkdir(conf->log_dir, 0755);
	log = xlc_verbosity > 0 ? stderr : fopen(log_path, "a");
	/* In the file, every line says when and which xlc wrote it. */
	logger = xtl_createlogger_stdiostream(
		log ? log : stderr, xlc_verbosity > 0 ? XTL_DEBUG : XTL_INFO,
		log && log != stderr ? XTL_STDIOSTREAM_SHOW_DATE | XTL_STDIOSTREAM_SHOW_PID : 0);
	if (libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)logger)) {
		*err = xasprintf("cannot talk to Xen through libxl (is this a Xen dom0, with "
				 "xenstored running?); see %s",
				 xen_log_path());
		ctx = NULL;
		return NULL;
	}
	/* libxl reaps only its own children: migrate waits for its transport itself. */
	libxl_childproc_setmode(ctx, &child_hooks, NULL);
	return ctx;
}

void xen_ctx_free(void)
{
	if (ctx)
		libxl_ctx_free(ctx);
	if (logger)
		xtl_logger_destroy((xentoollog_logger *)logger);
	ctx = NULL;
	logger = NULL;
}

int xen_fail(char **err, const char *what, int rc)
{
	*err = xasprintf("%s (libxl error %d); see %s", what, rc, xen_log_path());
	return -1;
}

/*
 * The host checks xl's parse_vnuma_config makes: each pnode exists, and,
 * unless maxvcpus was given, the vnodes have no more vCPUs than the host has
 * CPUs online (xl's own words for both).
 */
static int vnuma_precheck(libxl_ctx *c, const struct domain_config *dc, const libxl_physinfo *p,
			  char **err)
{
	unsigned i;
	int online;

	for (i = 0; i < dc->vnuma.nnodes; i++) {
		if (dc->vnuma.nodes[i].pnode >= p->nr_nodes) {
			*err = xasprintf("%s: vnuma: vnode %u: invalid pnode number: %u (this "
					 "host has %u NUMA nodes)",
					 dc->name, i, dc->vnuma.nodes[i].pnode, p->nr_nodes);
			return -1;
		}
	}
	online = dc->maxvcpus_from_vnuma ? libxl_get_online_cpus(c) : INT_MAX;
	if (online >= 0 && online < dc->maxvcpus) {
		*err = xasprintf("%s: vnuma specifies more vcpus than pcpus, use maxvcpus= to "
				 "override this check.",
				 dc->name);
		return -1;
	}
	return 0;
}

/* What libxl would only report as an error number: say it plainly, before creating. */
static int precheck(libxl_ctx *c, const struct domain_config *dc, char **err)
{
	const char *files[] = { dc->kernel, dc->ramdisk };
	libxl_physinfo p;
	uint64_t host_mib;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (files[i] && access(files[i], R_OK)) {
			*err = xasprintf("%s: %s %s: %s", dc->name, i ? "ramdisk" : "kernel",
					 files[i], strerror(errno));
			return -1;
		}
	}
	libxl_physinfo_init(&p);
	if (!libxl_get_physinfo(c, &p)) {
		host_mib = (uint64_t)p.total_pages * 4096 >> 20;
		if (dc->memory_mib > 0 && (uint64_t)dc->memory_mib > host_mib) {
			*err = xasprintf(
				"%s: memory = %ld MiB is more than this host has (%llu MiB)",
				dc->name, dc->memory_mib, (unsigned long long)host_mib);
			libxl_physinfo_dispose(&p);
			return -1;
		}
		if (vnuma_precheck(c, dc, &p, err)) {
			libxl_physinfo_dispose(&p);
			return -1;
		}
	}
	libxl_physinfo_dispose(&p);
	return 0;
}

static int xen_create(const struct domain_config *dc, const struct create_opts *opts,
		      const struct xlc_conf *conf)
{
	libxl_domain_config d;
	uint32_t domid = NO_DOMID;
	char *err = NULL;
	libxl_ctx *c;
	int rc, ret = EXIT_FAIL;

	c = xen_ctx(conf, &err);
	if (!c || xen_config_build(dc, &d, &err)) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	if (!libxl_name_to_domid(c, dc->name, &domid)) {
		xlc_warn("%s: a domain of that name already exists (id %u)", dc->name, domid);
		goto out;
	}
	if (precheck(c, dc, &err)) {
		xlc_warn("%s", err);
		free(err);
		goto out;
	}
	rc = libxl_domain_create_new(c, &d, &domid, NULL, NULL);
	if (rc) {
		xlc_warn("%s: libxl could not create the domain (libxl error %d); see %s", dc->name,
			 rc, xen_log_path());
		goto out;
	}
	ret = xen_started(c, conf, &d, domid, opts);
out:
	libxl_domain_config_dispose(&d);
	return ret;
}

int xen_started(libxl_ctx *c, const struct xlc_conf *conf, libxl_domain_config *d, uint32_t domid,
		const struct create_opts *opts)
{
	const char *name = d->c_info.name;
	char *err = NULL;
	int ret = EXIT_OK;

	if (!opts->paused)
		libxl_domain_unpause(c, domid, NULL);
	if (opts->no_monitor)
		return EXIT_OK;
	if (opts->foreground)
		return xen_monitor(c, d, domid) ? EXIT_FAIL : EXIT_OK;
	if (xen_monitor_spawn(c, conf, d, domid, &err)) {
		xlc_warn("%s: %s; the domain is destroyed", name, err);
		free(err);
		libxl_domain_destroy(c, domid, NULL);
		return EXIT_FAIL;
	}
	if (opts->console) {
		char *path = NULL;
		int fd;

		if (libxl_primary_console_get_tty(c, domid, &path) ||
		    (fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
			xlc_warn("%s: cannot open its console; see %s", name, xen_log_path());
			ret = EXIT_FAIL;
		} else {
			ret = console_relay(fd, name, CONSOLE_DEFAULT_ESCAPE);
			close(fd);
		}
		free(path);
	}
	return ret;
}

/* xl's letters: r b p s, the shutdown reason (- r s c w), d. */
static void state_letters(const libxl_dominfo *i, char out[7])
{
	static const char reasons[] = "-rscw";

	memcpy(out, "------", 7);
	if (i->running)
		out[0] = 'r';
	if (i->blocked)
		out[1] = 'b';
	if (i->paused)
		out[2] = 'p';
	if (i->shutdown) {
		out[3] = 's';
		if ((unsigned)i->shutdown_reason < sizeof(reasons) - 1)
			out[4] = reasons[i->shutdown_reason];
	}
	if (i->dying)
		out[5] = 'd';
}

/* A CPU map as xl prints it: "all", or ranges such as "0-1,3". */
static void cpumap_text(const libxl_bitmap *map, int nr_cpus, struct strbuf *sb)
{
	int cpu, start = -1, n = 0;

	for (cpu = 0; cpu < nr_cpus; cpu++)
		n += libxl_bitmap_test(map, cpu);
	if (n == nr_cpus) {
		sb_adds(sb, "all");
		return;
	}
	for (cpu = 0; cpu <= nr_cpus; cpu++) {
		bool on = cpu < nr_cpus && libxl_bitmap_test(map, cpu);

		if (on && start < 0)
			start = cpu;
		if (on || start < 0)
			continue;
		sb_addf(sb, "%s%d", sb->len ? "," : "", start);
		if (cpu - 1 > start)
			sb_addf(sb, "-%d", cpu - 1);
		start = -1;
	}
}

/* The vCPU arrays of the kvm backend's record, from libxl: vcpu-list reads them. */
static void record_vcpus(yajl_gen g, libxl_ctx *c, uint32_t domid)
{
	int nb = 0, nr_cpus = 0, v;
	libxl_vcpuinfo *vi = libxl_list_vcpu(c, domid, &nb, &nr_cpus);
	struct json_vcpu *out;

	if (!vi)
		return;
	out = xcalloc((size_t)nb + 1, sizeof(*out));
	for (v = 0; v < nb; v++) {
		struct strbuf sb;

		sb_init(&sb);
		cpumap_text(&vi[v].cpumap, nr_cpus, &sb);
		out[v] = (struct json_vcpu){ .time_ns = (long long)vi[v].vcpu_time,
					     .host_cpu = vi[v].online ? (int)vi[v].cpu : -1,
					     .running = vi[v].running,
					     .affinity = sb_detach(&sb) };
	}
	json_vcpu_arrays(g, out, nb);
	for (v = 0; v < nb; v++)
		free((char *)out[v].affinity);
	free(out);
	libxl_vcpuinfo_list_free(vi, nb);
}

/* list --json: the same record as the kvm backend's, where Xen has the fact. */
static char *record_json(libxl_ctx *c, const libxl_dominfo *i, const char *name, long long start)
{
	const char *state = i->dying	  ? "dying"
			    : i->shutdown ? "shutdown"
			    : i->paused	  ? "paused"
					  : "running";
	const unsigned char *buf;
	char *out = NULL;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);

	yajl_gen_map_open(g);
	json_key_int(g, "domid", i->domid);
	json_key_str(g, "name", name);
	json_key_str(g, "state", state);
	json_key_u64(g, "memory_kb", i->current_memkb);
	json_key_u64(g, "max_memory_kb", i->max_memkb);
	json_key_int(g, "vcpus", i->vcpu_online);
	json_key_u64(g, "cpu_time_ns", i->cpu_time);
	json_key_int(g, "start_time", start);
	record_vcpus(g, c, i->domid);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = xstrndup((const char *)buf, len);
	yajl_gen_free(g);
	return out ? out : xstrdup("{}");
}

/* Domain-0 started with the host: xl takes its uptime from /proc/uptime. */
static long long dom0_start_time(void)
{
	char *text = read_file("/proc/uptime", NULL);
	long long up = text ? atoll(text) : 0;

	free(text);
	return (long long)time(NULL) - up;
}

static int xen_list(const struct xlc_conf *conf, bool with_config, struct domain_info **out, int *n,
		    char **err)
{
	libxl_dominfo *info;
	libxl_ctx *c = xen_ctx(conf, err);
	int nb = 0, k;

	(void)conf;
	*out = NULL;
	*n = 0;
	if (!c)
		return -1;
	info = libxl_list_domain(c, &nb);
	if (!info)
		return xen_fail(err, "cannot list the domains", ERROR_FAIL);
	*out = xcalloc((size_t)nb + 1, sizeof(**out));
	for (k = 0; k < nb; k++) {
		struct domain_info *d = &(*out)[k];
		char *name = libxl_domid_to_name(c, info[k].domid);
		libxl_domain_config cfg;

		d->domid = (int)info[k].domid;
		d->name = xstrdup(name ? name : "(null)");
		free(name);
		state_letters(&info[k], d->state);
		d->memory_mib = (long)((info[k].current_memkb + info[k].outstanding_memkb) / 1024);
		d->maxmem_mib = (long)(info[k].max_memkb / 1024);
		d->vcpus = (int)info[k].vcpu_online;
		d->max_vcpus = (int)info[k].vcpu_max_id + 1;
		d->cpu_time = (double)info[k].cpu_time / 1e9;
		d->start_time = info[k].domid ? libxl_vm_get_start_time(c, info[k].domid)
					      : dom0_start_time();
		d->boots = 1;
		d->json = record_json(c, &info[k], d->name, d->start_time);
		if (!with_config)
			continue;
		libxl_domain_config_init(&cfg);
		if (!libxl_retrieve_domain_configuration(c, info[k].domid, &cfg, NULL))
			d->config = libxl_domain_config_to_json(c, &cfg);
		libxl_domain_config_dispose(&cfg);
	}
	*n = nb;
	libxl_dominfo_list_free(info, nb);
	return 0;
}

static int xen_resolve(const struct xlc_conf *conf, const char *dom, char **name, int *domid,
		       char **err)
{
	libxl_ctx *c = xen_ctx(conf, err);
	uint32_t id;
	char *end;
	unsigned long v;

	(void)conf;
	if (!c)
		return -1;
	v = strtoul(dom, &end, 10);
	if (*dom && !*end) {
		char *n = libxl_domid_to_name(c, (uint32_t)v);

		if (n) {
			*name = n;
			*domid = (int)v;
			return 0;
		}
	} else if (!libxl_name_to_domid(c, dom, &id)) {
		*name = xstrdup(dom);
		*domid = (int)id;
		return 0;
	}
	*err = xasprintf("%s is an invalid domain identifier", dom);
	return -1;
}

/* A running domain's id by its name: 0, or -1 with xl's message in *err. */
int xen_domid_of(libxl_ctx *c, const char *name, uint32_t *domid, char **err)
{
	if (!libxl_name_to_domid(c, name, domid))
		return 0;
	*err = xasprintf("%s is an invalid domain identifier", name);
	return -1;
}

static int xen_op(const struct xlc_conf *conf, const char *name, enum domain_op op, char **err)
{
	libxl_ctx *c = xen_ctx(conf, err);
	uint32_t domid;
	int rc;

	(void)conf;
	if (!c || xen_domid_of(c, name, &domid, err))
		return -1;
	switch (op) {
	case DOM_DESTROY:
		rc = libxl_domain_destroy(c, domid, NULL);
		break;
	case DOM_SHUTDOWN:
		rc = libxl_domain_shutdown(c, domid, NULL);
		break;
	case DOM_REBOOT:
		rc = libxl_domain_reboot(c, domid, NULL);
		break;
	case DOM_RESET:
		rc = libxl_send_trigger(c, domid, LIBXL_TRIGGER_RESET, 0, NULL);
		if (rc) /* a PV guest has no reset line: ask it instead */
			rc = libxl_domain_reboot(c, domid, NULL);
		break;
	case DOM_PAUSE:
		rc = libxl_domain_pause(c, domid, NULL);
		break;
	case DOM_UNPAUSE:
		rc = libxl_domain_unpause(c, domid, NULL);
		break;
	default:
		rc = ERROR_INVAL;
	}
	return rc ? xen_fail(err, "libxl refused", rc) : 0;
}

static int xen_rename(const struct xlc_conf *conf, const char *name, const char *new_name,
		      char **err)
{
	libxl_ctx *c = xen_ctx(conf, err);
	uint32_t domid;
	int rc;

	if (!c || xen_domid_of(c, name, &domid, err))
		return -1;
	rc = libxl_domain_rename(c, domid, name, new_name);
	return rc ? xen_fail(err, "libxl refused the new name", rc) : 0;
}

/* As xl's mem-set and mem-max: the balloon target (enforced), or the static maximum. */
static int xen_set_memory(const struct xlc_conf *conf, const char *name, uint64_t kib, bool max,
			  char **err)
{
	libxl_ctx *c = xen_ctx(conf, err);
	uint32_t domid;
	int rc;

	if (!c || xen_domid_of(c, name, &domid, err))
		return -1;
	rc = max ? libxl_domain_setmaxmem(c, domid, kib)
		 : libxl_set_memory_target(c, domid, (int64_t)kib, 0, /* enforce */ 1);
	if (rc)
		return xen_fail(
			err,
			max ? "cannot set the domain's static max memory"
			    : "cannot set the domain's dynamic max memory (its balloon target)",
			rc);
	return 0;
}

/* As xl's vcpu-pin: hard and soft affinity through libxl, one vCPU or all. */
static int xen_vcpu_pin(const struct xlc_conf *conf, const char *name, int vcpu, const char *hard,
			const char *soft, char **err)
{
	libxl_bitmap hard_map, soft_map;
	libxl_ctx *c = xen_ctx(conf, err);
	libxl_dominfo info;
	uint32_t domid;
	int rc = -1;

	if (!c)
		return -1;
	libxl_bitmap_init(&hard_map);
	libxl_bitmap_init(&soft_map);
	if (xen_domid_of(c, name, &domid, err))
		goto out;
	if ((hard && cpu_bitmap(hard, &hard_map, err)) ||
	    (soft && cpu_bitmap(soft, &soft_map, err)))
		goto out;
	libxl_dominfo_init(&info);
	if (libxl_domain_info(c, &info, domid)) {
		*err = xstrdup("cannot get the domain's information from libxl");
		goto out;
	}
	rc = vcpu >= 0
		     ? libxl_set_vcpuaffinity(c, domid, (uint32_t)vcpu, hard ? &hard_map : NULL,
					      soft ? &soft_map : NULL)
		     : libxl_set_vcpuaffinity_all(c, domid, info.vcpu_max_id + 1,
						  hard ? &hard_map : NULL, soft ? &soft_map : NULL);
	libxl_dominfo_dispose(&info);
	if (rc) {
		*err = xasprintf("libxl could not set the affinity (error %d)", rc);
		rc = -1;
	}
out:
	libxl_bitmap_dispose(&hard_map);
	libxl_bitmap_dispose(&soft_map);
	return rc;
}

static int xen_wait_gone(const struct xlc_conf *conf, const char *name, int timeout)
{
	char *err = NULL;
	libxl_ctx *c = xen_ctx(conf, &err);
	time_t end = time(NULL) + timeout;
	uint32_t domid;

	(void)conf;
	free(err);
	while (c && !libxl_name_to_domid(c, name, &domid)) {
		if (timeout >= 0 && time(NULL) >= end)
			return -1;
		usleep(100 * 1000);
	}
	return 0;
}

/*
 * shutdown -w on Xen: the domain's id, followed (not its name: a restarted
 * domain comes back under the same name and a new id), as xl's death watch.
 */
struct domain_watch {
	libxl_ctx *ctx;
	uint32_t domid;
};

static void xen_watch_free(struct domain_watch *w)
{
	free(w);
}

static struct domain_watch *xen_watch(const struct xlc_conf *conf, const char *name, char **err)
{
	libxl_ctx *c = xen_ctx(conf, err);
	struct domain_watch *w;
	uint32_t domid;

	if (!c || libxl_name_to_domid(c, name, &domid))
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->ctx = c;
	w->domid = domid;
	return w;
}

static int xen_watch_wait(struct domain_watch *w, bool until_gone,
			  void (*on_shutdown)(int reason, void *arg), void *arg, int *reason)
{
	libxl_dominfo info;
	bool told = false, done = false;

	*reason = -1;
	while (w && !done) {
		libxl_dominfo_init(&info);
		if (libxl_domain_info(w->ctx, &info, w->domid)) {
			done = true; /* destroyed */
		} else if (info.shutdown && !told) {
			*reason = (int)info.shutdown_reason;
			told = true;
			done = !until_gone;
			if (!done && on_shutdown)
				on_shutdown(*reason, arg);
		}
		libxl_dominfo_dispose(&info);
		if (!done)
			usleep(100 * 1000);
	}
	free(w);
	return 0;
}

static int xen_console(const struct xlc_conf *conf, const char *name, int escape)
{
	char *err = NULL, *path = NULL;
	libxl_ctx *c = xen_ctx(conf, &err);
	uint32_t domid;
	int fd, ret;

	(void)conf;
	if (!c) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	if (libxl_name_to_domid(c, name, &domid) ||
	    libxl_primary_console_get_tty(c, domid, &path)) {
		xlc_warn("%s: no console to attach to; see %s", name, xen_log_path());
		return EXIT_FAIL;
	}
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		xlc_warn("%s: cannot open its console %s: %s", name, path, strerror(errno));
		free(path);
		return EXIT_FAIL;
	}
	ret = console_relay(fd, name, escape);
	close(fd);
	free(path);
	return ret;
}

#define INFO(key, fmt, ...) fprintf(out, "%-23s: " fmt "\n", key, __VA_ARGS__)

/* uname's lines, first in xl info. */
static void host_lines(FILE *out)
{
	struct utsname u;

	uname(&u);
	INFO("host", "%s", u.nodename);
	INFO("release", "%s", u.release);
	INFO("version", "%s", u.version);
	INFO("machine", "%s", u.machine);
}

static void physinfo_lines(libxl_ctx *c, const libxl_physinfo *p, const libxl_version_info *v,
			   FILE *out)
{
	uint64_t per_mib = v && v->pagesize ? (1u << 20) / (unsigned)v->pagesize : 256;
	libxl_bitmap cpus;
	const uint32_t *h = p->hw_cap;

	INFO("nr_cpus", "%u", p->nr_cpus);
	INFO("max_cpu_id", "%u", p->max_cpu_id);
	INFO("nr_nodes", "%u", p->nr_nodes);
	INFO("cores_per_socket", "%u", p->cores_per_socket);
	INFO("threads_per_core", "%u", p->threads_per_core);
	INFO("cpu_mhz", "%u.%03u", p->cpu_khz / 1000, p->cpu_khz % 1000);
	INFO("hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x", h[0], h[1], h[2], h[3], h[4],
	     h[5], h[6], h[7]);
	fprintf(out, "%-23s:%s%s%s%s%s%s%s%s%s%s%s\n", "virt_caps", p->cap_pv ? " pv" : "",
		p->cap_hvm ? " hvm" : "", p->cap_hvm && p->cap_hvm_directio ? " hvm_directio" : "",
		p->cap_pv && p->cap_hvm_directio ? " pv_directio" : "", p->cap_hap ? " hap" : "",
		p->cap_shadow ? " shadow" : "",
		p->cap_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
		p->cap_vmtrace ? " vmtrace" : "", p->cap_vpmu ? " vpmu" : "",
		p->cap_gnttab_v1 ? " gnttab-v1" : "", p->cap_gnttab_v2 ? " gnttab-v2" : "");
	if (v) {
		INFO("total_memory", "%llu", (unsigned long long)(p->total_pages / per_mib));
		INFO("free_memory", "%llu",
		     (unsigned long long)((p->free_pages - p->outstanding_pages) / per_mib));
		INFO("sharing_freed_memory", "%llu",
		     (unsigned long long)(p->sharing_freed_pages / per_mib));
		INFO("sharing_used_memory", "%llu",
		     (unsigned long long)(p->sharing_used_frames / per_mib));
		INFO("outstanding_claims", "%llu",
		     (unsigned long long)(p->outstanding_pages / per_mib));
	}
	libxl_bitmap_init(&cpus);
	if (!libxl_get_freecpus(c, &cpus))
		INFO("free_cpus", "%d", libxl_bitmap_count_set(&cpus));
	libxl_bitmap_dispose(&cpus);
}

static void xeninfo_lines(libxl_ctx *c, const libxl_version_info *v, FILE *out)
{
	int sched = libxl_get_scheduler(c);

	INFO("xen_major", "%d", v->xen_version_major);
	INFO("xen_minor", "%d", v->xen_version_minor);
	INFO("xen_extra", "%s", v->xen_version_extra);
	INFO("xen_version", "%d.%d%s", v->xen_version_major, v->xen_version_minor,
	     v->xen_version_extra);
	INFO("xen_caps", "%s", v->capabilities);
	INFO("xen_scheduler", "%s",
	     sched >= 0 ? libxl_scheduler_to_string((libxl_scheduler)sched) : "unknown");
	INFO("xen_pagesize", "%u", (unsigned)v->pagesize);
	INFO("platform_params", "virt_start=0x%llx", (unsigned long long)v->virt_start);
	INFO("xen_changeset", "%s", v->changeset);
	INFO("xen_commandline", "%s", v->commandline);
	INFO("cc_compiler", "%s", v->compiler);
	INFO("cc_compile_by", "%s", v->compile_by);
	INFO("cc_compile_domain", "%s", v->compile_domain);
	INFO("cc_compile_date", "%s", v->compile_date);
	INFO("build_id", "%s", v->build_id);
}

/* xl info's lines, in its order and formats (xl_info.c), then xlc's own. */
static int xen_host_info(const struct xlc_conf *conf, FILE *out)
{
	char *err = NULL;
	libxl_ctx *c = xen_ctx(conf, &err);
	const libxl_version_info *v;
	libxl_physinfo p;

	if (!c) {
		xlc_warn("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	host_lines(out);
	v = libxl_get_version_info(c);
	libxl_physinfo_init(&p);
	if (libxl_get_physinfo(c, &p))
		xlc_warn("cannot read the host's facts; see %s", xen_log_path());
	else
		physinfo_lines(c, &p, v, out);
	if (v)
		xeninfo_lines(c, v, out);
	INFO("xend_config_format", "%d", 4);
	INFO("backend", "%s", "xen");
	libxl_physinfo_dispose(&p);
	return EXIT_OK;
}

/* top on Xen: libxenstat, as xentop reads it. */
static void stats_domain(xenstat_domain *x, struct domain_stats *d)
{
	static const struct {
		unsigned (*get)(xenstat_domain *);
		char letter;
	} letters[] = { { xenstat_domain_dying, 'd' },	 { xenstat_domain_shutdown, 's' },
			{ xenstat_domain_blocked, 'b' }, { xenstat_domain_crashed, 'c' },
			{ xenstat_domain_paused, 'p' },	 { xenstat_domain_running, 'r' } };
	unsigned i;

	d->domid = (int)xenstat_domain_id(x);
	d->name = xstrdup(xenstat_domain_name(x));
	for (i = 0; i < 6; i++)
		d->state[i] = letters[i].get(x) ? letters[i].letter : '-';
	d->state[6] = '\0';
	d->cpu_ns = xenstat_domain_cpu_ns(x);
	d->mem_kb = xenstat_domain_cur_mem(x) / 1024;
	d->maxmem_kb = xenstat_domain_max_mem(x) == (unsigned long long)-1
			       ? UINT64_MAX
			       : xenstat_domain_max_mem(x) / 1024;
	d->ssid = xenstat_domain_ssid(x);
	d->nvcpus = xenstat_domain_num_vcpus(x);
	d->vcpu_ns = xcalloc(d->nvcpus + 1, sizeof(*d->vcpu_ns));
	for (i = 0; i < d->nvcpus; i++)
		d->vcpu_ns[i] = xenstat_vcpu_ns(xenstat_domain_vcpu(x, i));
	d->nnets = xenstat_domain_num_networks(x);
	d->nets = xcalloc(d->nnets + 1, sizeof(*d->nets));
	for (i = 0; i < d->nnets; i++) {
		xenstat_network *n = xenstat_domain_network(x, i);

		d->nets[i] = (struct net_stats){
			xenstat_network_rbytes(n), xenstat_network_rpackets(n),
			xenstat_network_rerrs(n),  xenstat_network_rdrop(n),
			xenstat_network_tbytes(n), xenstat_network_tpackets(n),
			xenstat_network_terrs(n),  xenstat_network_tdrop(n),
		};
	}
	d->nvbds = xenstat_domain_num_vbds(x);
	d->vbds = xcalloc(d->nvbds + 1, sizeof(*d->vbds));
	for (i = 0; i < d->nvbds; i++) {
		xenstat_vbd *v = xenstat_domain_vbd(x, i);

		d->vbds[i] = (struct vbd_stats){
			xenstat_vbd_dev(v),	xenstat_vbd_oo_reqs(v),	 xenstat_vbd_rd_reqs(v),
			xenstat_vbd_wr_reqs(v), xenstat_vbd_rd_sects(v), xenstat_vbd_wr_sects(v),
		};
	}
}

static int xen_stats(const struct xlc_conf *conf, struct host_stats *host,
		     struct domain_stats **doms, int *n, char **err)
{
	xenstat_handle *h = xenstat_init();
	xenstat_node *node;
	unsigned i, nd;

	(void)conf;
	*doms = NULL;
	*n = 0;
	if (!h) {
		*err = xstrdup("cannot open libxenstat (is this a Xen dom0?)");
		return -1;
	}
	node = xenstat_get_node(h, XENSTAT_ALL);
	if (!node) {
		xenstat_uninit(h);
		*err = xstrdup("libxenstat could not read the domains");
		return -1;
	}
	host->total_kb = xenstat_node_tot_mem(node) / 1024;
	host->free_kb = xenstat_node_free_mem(node) / 1024;
	host->cpus = xenstat_node_num_cpus(node);
	host->mhz = (unsigned)(xenstat_node_cpu_hz(node) / 1000000);
	snprintf(host->version, sizeof(host->version), "Xen %s", xenstat_node_xen_version(node));
	nd = xenstat_node_num_domains(node);
	*doms = xcalloc(nd + 1, sizeof(**doms));
	for (i = 0; i < nd; i++)
		stats_domain(xenstat_node_domain_by_index(node, i), &(*doms)[i]);
	*n = (int)nd;
	xenstat_free_node(node);
	xenstat_uninit(h);
	return 0;
}

/* libxl's, for a config without memory= or vcpus= (libxl_create.c). */
static const struct domain_size_defaults libxl_size_defaults = { 32, 1 };

const struct backend_ops xen_backend = {
	.name = "xen",
	.honours_xen_only_keys = true,
	.size_defaults = &libxl_size_defaults,
	.create = xen_create,
	.list = xen_list,
	.resolve = xen_resolve,
	.op = xen_op,
	.rename = xen_rename,
	.set_memory = xen_set_memory,
	.vcpu_pin = xen_vcpu_pin,
	.set_vcpus = xen_set_vcpus,
	.disk_attach = xen_disk_attach,
	.disk_detach = xen_disk_detach,
	.nic_attach = xen_nic_attach,
	.nic_detach = xen_nic_detach,
	.device_list = xen_device_list,
	.cd_change = xen_cd_change,
	.save = xen_save,
	.restore = xen_restore,
	.migrate_send = xen_migrate_send,
	.migrate_receive = xen_migrate_receive,
	.wait_gone = xen_wait_gone,
	.watch = xen_watch,
	.watch_wait = xen_watch_wait,
	.watch_free = xen_watch_free,
	.console = xen_console,
	.host_info = xen_host_info,
	.stats = xen_stats,
	.config_json = xen_config_json,
};
