// SPDX-License-Identifier: GPL-2.0
/*
 * The reference side of the differential test: reads a config with Xen's
 * own parser (libxlutil, as xl does), applies xl's rules for the keys xlc
 * supports, and prints the result with libxl's generated JSON functions,
 * the same encoding as `xl -N create`. It never touches a hypervisor.
 *
 *   xlu_dump CFGFILE [key=value...]   domain config JSON, or exit 1
 *   xlu_dump --disk SPEC              one disk (xl -N block-attach)
 *   xlu_dump --vif SPEC               one vif, as xl's parse_nic_config
 *
 * Exit 1 means Xen's parser rejected the input (or, for xl's own checks,
 * xl would have exited). Lists inside lists are libxlutil's own values:
 * vnuma's reach b_info.vnuma_nodes as xl's parse_vnuma_config puts them.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_json.h>
#include <libxl_utils.h>
#include <libxlutil.h>
#include <yajl/yajl_gen.h>

static void die(const char *msg)
{
	fprintf(stderr, "xlu_dump: %s\n", msg);
	exit(1);
}

static void print_gen(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	fputc('\n', stdout);
	yajl_gen_free(g);
}

static yajl_gen new_gen(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	yajl_gen_config(g, yajl_gen_beautify, 1);
	return g;
}

static void bitmap_fill(libxl_bitmap *b, int n)
{
	b->size = (uint32_t)((n + 7) / 8);
	b->map = calloc(b->size ? b->size : 1, 1);
	while (n-- > 0)
		b->map[n / 8] |= (uint8_t)(1 << (n % 8));
}

/* A host-sized CPU bitmap, as libxl_cpu_bitmap_alloc(ctx, map, 0) makes. */
static void cpu_bitmap_alloc(libxl_bitmap *b)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	b->size = (uint32_t)((n + 7) / 8);
	b->map = calloc(b->size, 1);
}

/* xl's parse_cpurange(), for CPU numbers and "all" (no NUMA nodes). */
static int cpurange(const char *list, libxl_bitmap *map)
{
	char *copy = strdup(list), *save = NULL, *item, *end;
	int rc = 0;

	for (item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
		int neg = *item == '^';
		unsigned long a, b;

		item += neg;
		if (!strcmp(item, "all")) {
			if (neg)
				rc = 1;
			else
				libxl_bitmap_set_any(map);
			continue;
		}
		a = b = strtoul(item, &end, 10);
		if (end == item) {
			rc = 1;
			break;
		}
		if (*end == '-') {
			char *start = end + 1;

			b = strtoul(start, &end, 10);
			if (end == start || b < a)
				rc = 1;
		}
		if (*end)
			rc = 1;
		for (; !rc && a <= b; a++) {
			if (neg)
				libxl_bitmap_reset(map, (int)a);
			else
				libxl_bitmap_set(map, (int)a);
		}
	}
	free(copy);
	return rc;
}

/* xl's parse_vcpu_affinity() for cpus= (hard affinity). */
static void load_affinity(XLU_Config *cfg, libxl_domain_build_info *b)
{
	XLU_ConfigList *list = NULL;
	const char *buf = NULL;
	int n = 0, i;

	if (xlu_cfg_get_list(cfg, "cpus", &list, &n, 1) && xlu_cfg_get_string(cfg, "cpus", &buf, 0))
		return;
	if (buf || n > b->max_vcpus)
		n = b->max_vcpus;
	b->num_vcpu_hard_affinity = n;
	b->vcpu_hard_affinity = calloc((size_t)n + 1, sizeof(libxl_bitmap));
	for (i = 0; i < n; i++) {
		libxl_bitmap_init(&b->vcpu_hard_affinity[i]);
		cpu_bitmap_alloc(&b->vcpu_hard_affinity[i]);
		if (cpurange(buf ? buf : xlu_cfg_get_listitem(list, i), &b->vcpu_hard_affinity[i]))
			die("bad cpus");
	}
	if (!buf)
		libxl_defbool_set(&b->numa_placement, false);
}

static int action(const char *s, libxl_action_on_shutdown *a)
{
	static const char *const names[] = {
		NULL,	    "destroy",		"restart",	    "rename-restart",
		"preserve", "coredump-destroy", "coredump-restart", "soft-reset"
	};
	unsigned i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*a = (libxl_action_on_shutdown)i;
			return 0;
		}
	}
	return 1;
}

/* xl's parse_nic_config for the tokens xlc supports. */
static int nic_token(XLU_Config *cfg, libxl_device_nic *nic, char *tok)
{
	char *v = strchr(tok, '=');
	int i;

	if (!strcmp(tok, "trusted") || !strcmp(tok, "untrusted")) {
		libxl_defbool_set(&nic->trusted, tok[0] == 't');
		return 0;
	}
	if (!v)
		return 1;
	*v++ = '\0';
	if (!strcmp(tok, "mac")) {
		char *end;

		for (i = 0; i < 6; i++) {
			unsigned long b = strtoul(v, &end, 16);

			if (end == v || b > 255)
				return 1;
			nic->mac[i] = (uint8_t)b;
			v = end + 1;
		}
	} else if (!strcmp(tok, "bridge")) {
		nic->bridge = strdup(v);
	} else if (!strcmp(tok, "vifname")) {
		nic->ifname = strdup(v);
	} else if (!strcmp(tok, "ip")) {
		nic->ip = strdup(v);
	} else if (!strcmp(tok, "script")) {
		nic->script = strdup(v);
	} else if (!strcmp(tok, "model")) {
		nic->model = strdup(v);
	} else if (!strcmp(tok, "gatewaydev")) {
		nic->gatewaydev = strdup(v);
	} else if (!strcmp(tok, "type")) {
		if (!strcmp(v, "vif"))
			nic->nictype = LIBXL_NIC_TYPE_VIF;
		else if (!strcmp(v, "ioemu"))
			nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
		else
			return 1;
	} else if (!strcmp(tok, "rate")) {
		if (xlu_vif_parse_rate(cfg, v, nic))
			return 1;
	} else if (!strcmp(tok, "mtu")) {
		nic->mtu = (int)strtoul(v, NULL, 0);
	} else if (!strcmp(tok, "devid")) {
		nic->devid = (int)strtoul(v, NULL, 0);
	} else {
		return 1;
	}
	return 0;
}

/*
 * Like xl: in a config file a bad token is reported and then ignored (only
 * a bad rate= ends xl); for network-attach (--vif) any bad token is fatal.
 */
static int parse_nic(XLU_Config *cfg, const char *spec, libxl_device_nic *nic, int strict)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	int bad = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (nic_token(cfg, nic, tok)) {
			fprintf(stderr, "unrecognized argument `%s'\n", tok);
			if (strict || !strncmp(tok, "rate", 4))
				bad = 1;
		}
	}
	free(copy);
	return bad;
}

static int dump_disk(const char *spec)
{
	XLU_Config *cfg = xlu_cfg_init(stderr, "command line");
	libxl_device_disk disk;
	yajl_gen g = new_gen();

	libxl_device_disk_init(&disk);
	if (xlu_disk_parse(cfg, 1, &spec, &disk))
		return 1;
	libxl_device_disk_gen_json(g, &disk);
	print_gen(g);
	return 0;
}

static int dump_vif(const char *spec)
{
	XLU_Config *cfg = xlu_cfg_init(stderr, "command line");
	libxl_device_nic nic;
	yajl_gen g = new_gen();

	libxl_device_nic_init(&nic);
	if (parse_nic(cfg, spec, &nic, 1))
		return 1;
	libxl_device_nic_gen_json(g, &nic);
	print_gen(g);
	return 0;
}

static char *cmdline_of(XLU_Config *cfg)
{
	const char *cmdline = NULL, *root = NULL, *extra = NULL;
	char *out = NULL;

	xlu_cfg_get_string(cfg, "cmdline", &cmdline, 0);
	xlu_cfg_get_string(cfg, "root", &root, 0);
	xlu_cfg_get_string(cfg, "extra", &extra, 0);
	if (cmdline)
		return strdup(cmdline);
	if (root && extra) {
		if (asprintf(&out, "root=%s %s", root, extra) < 0)
			die("out of memory");
	} else if (root) {
		if (asprintf(&out, "root=%s", root) < 0)
			die("out of memory");
	} else if (extra) {
		out = strdup(extra);
	}
	return out;
}

static void load_type(XLU_Config *cfg, libxl_domain_create_info *c)
{
	const char *buf;
	size_t n;

	c->type = LIBXL_DOMAIN_TYPE_PV;
	if (!xlu_cfg_get_string(cfg, "type", &buf, 0)) {
		n = strlen(buf);
		if (!strncmp(buf, "hvm", n))
			c->type = LIBXL_DOMAIN_TYPE_HVM;
		else if (!strncmp(buf, "pv", n))
			c->type = LIBXL_DOMAIN_TYPE_PV;
		else if (!strncmp(buf, "pvh", n))
			c->type = LIBXL_DOMAIN_TYPE_PVH;
		else
			die("invalid type");
	}
	if (!xlu_cfg_get_string(cfg, "builder", &buf, 0)) {
		n = strlen(buf);
		if (!strncmp(buf, "hvm", n))
			c->type = LIBXL_DOMAIN_TYPE_HVM;
		else if (!strncmp(buf, "generic", n))
			c->type = LIBXL_DOMAIN_TYPE_PV;
		else
			die("invalid builder");
	}
}

/*
 * A vCPU bitmap as xl's libxl_cpu_bitmap_alloc(ctx, map, max_vcpus) makes
 * it: max_vcpus bits, or, without maxvcpus=, the host's possible CPUs. Xen's
 * possible CPUs are at least the online ones, which xl checks the vnodes'
 * vCPUs against; that host check is left to xlc's create (the dry run has no
 * host), so here the map is as large as any vCPU number xlc allows.
 */
static void vcpu_bitmap_alloc(libxl_bitmap *b, int max_vcpus)
{
	libxl_bitmap_init(b);
	bitmap_fill(b, max_vcpus ? max_vcpus : 4096);
	libxl_bitmap_set_none(b);
}

/* xl's strtoul-based parse_ulong: junk after the digits is ignored, as in xl. */
static unsigned long vnuma_ulong(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || v == ULONG_MAX)
		die("vnuma: failed to convert to number");
	return v;
}

static char *trim_copy(const char *s)
{
	const char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return strndup(s, (size_t)(e - s));
}

/* One "option=value" of vnode p, as parse_vnuma_config reads it. */
static void vnuma_option(const char *buf, libxl_vnode_info *p, libxl_bitmap *vcpus, int nnodes,
			 libxl_domain_build_info *b, unsigned long *max_vcpus,
			 unsigned long *max_memkb)
{
	char *copy = strdup(buf), *save = NULL, *o = strtok_r(copy, "=", &save);
	char *v = o ? strtok_r(NULL, "=", &save) : NULL, *option, *value, *item;
	unsigned long s, e;
	int j = 0;

	if (!v)
		die("vnuma: failed to split into pair");
	option = trim_copy(o);
	value = trim_copy(v);
	if (!strcmp(option, "pnode")) {
		/* xl also refuses a pnode the host lacks: left to create, as above. */
		p->pnode = (uint32_t)vnuma_ulong(value);
		libxl_defbool_set(&b->numa_placement, false);
	} else if (!strcmp(option, "size")) {
		p->memkb = vnuma_ulong(value) << 10;
		*max_memkb += p->memkb;
	} else if (!strcmp(option, "vcpus")) {
		for (item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
			char *end;

			s = e = strtoul(item, &end, 10);
			if (*end == '-')
				e = strtoul(end + 1, &end, 10);
			for (; s <= e; s++) {
				libxl_bitmap_set(vcpus,
						 (int)s); /* past the map: dropped, as in xl */
				(*max_vcpus)++;
			}
		}
	} else if (!strcmp(option, "vdistances")) {
		for (item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
			if (j >= nnodes)
				die("vnuma: more vdistances than vnodes (xl writes past its "
				    "array)");
			p->distances[j++] = (uint32_t)vnuma_ulong(item);
		}
	}
	free(option);
	free(value);
	free(copy);
}

/* xl's parse_vnuma_config, but for the host checks (see vcpu_bitmap_alloc). */
static void load_vnuma(XLU_Config *cfg, libxl_domain_build_info *b)
{
	unsigned long max_vcpus = 0, max_memkb = 0;
	XLU_ConfigList *vnuma, *spec;
	XLU_ConfigValue *option;
	char *buf;
	int n, i, k;

	if (xlu_cfg_get_list(cfg, "vnuma", &vnuma, &n, 1) || !n)
		return;
	b->num_vnuma_nodes = n;
	b->vnuma_nodes = calloc((size_t)n, sizeof(*b->vnuma_nodes));
	for (i = 0; i < n; i++) {
		libxl_vnode_info *p = &b->vnuma_nodes[i];

		libxl_vnode_info_init(p);
		p->distances = calloc((size_t)n, sizeof(*p->distances));
		p->num_distances = n;
		vcpu_bitmap_alloc(&p->vcpus, b->max_vcpus);
	}
	for (i = 0; i < n; i++) {
		if (xlu_cfg_value_get_list(cfg, xlu_cfg_get_listitem2(vnuma, i), &spec, 0))
			die("vnuma: cannot get vnode config option list");
		for (k = 0; (option = xlu_cfg_get_listitem2(spec, k)); k++) {
			if (xlu_cfg_value_type(option) != XLU_STRING)
				continue;
			xlu_cfg_value_get_string(cfg, option, &buf, 0);
			vnuma_option(buf, &b->vnuma_nodes[i], &b->vnuma_nodes[i].vcpus, n, b,
				     &max_vcpus, &max_memkb);
		}
	}
	if (b->max_vcpus && (unsigned long)b->max_vcpus != max_vcpus)
		die("vnuma vcpus and maxvcpus= mismatch");
	b->max_vcpus = (int)max_vcpus;
	if (b->max_memkb != LIBXL_MEMKB_DEFAULT && b->max_memkb != max_memkb)
		die("maxmem and vnuma memory size mismatch");
	b->max_memkb = max_memkb;
}

static void load_sizes(XLU_Config *cfg, libxl_domain_build_info *b)
{
	long l, vcpus = 0;

	if (!xlu_cfg_get_long(cfg, "memory", &l, 0))
		b->target_memkb = (uint64_t)l * 1024;
	if (!xlu_cfg_get_long(cfg, "maxmem", &l, 0))
		b->max_memkb = (uint64_t)l * 1024;
	if (!xlu_cfg_get_long(cfg, "vcpus", &l, 0)) {
		vcpus = l;
		bitmap_fill(&b->avail_vcpus, (int)l);
	}
	if (!xlu_cfg_get_long(cfg, "maxvcpus", &l, 0))
		b->max_vcpus = (int)l;
	load_vnuma(cfg, b);
	if (b->max_memkb == LIBXL_MEMKB_DEFAULT)
		b->max_memkb = b->target_memkb;
	if (b->max_vcpus == 0)
		b->max_vcpus = (int)vcpus;
	if (b->max_vcpus < vcpus)
		die("maxvcpus < vcpus");
}

static void load_actions(XLU_Config *cfg, libxl_domain_config *d)
{
	static const struct {
		const char *key, *def;
		size_t off;
	} acts[] = {
		{ "on_poweroff", "destroy", offsetof(libxl_domain_config, on_poweroff) },
		{ "on_reboot", "restart", offsetof(libxl_domain_config, on_reboot) },
		{ "on_watchdog", "destroy", offsetof(libxl_domain_config, on_watchdog) },
		{ "on_crash", "destroy", offsetof(libxl_domain_config, on_crash) },
		{ "on_soft_reset", "soft-reset", offsetof(libxl_domain_config, on_soft_reset) },
	};
	const char *buf;
	unsigned i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (xlu_cfg_get_string(cfg, acts[i].key, &buf, 0))
			buf = acts[i].def;
		if (action(buf, (libxl_action_on_shutdown *)((char *)d + acts[i].off)))
			die("unknown action");
	}
}

static void load_devices(XLU_Config *cfg, libxl_domain_config *d)
{
	XLU_ConfigList *list;
	const char *buf;
	int i;

	if (!xlu_cfg_get_list(cfg, "disk", &list, 0, 0)) {
		for (i = 0; (buf = xlu_cfg_get_listitem(list, i)); i++) {
			d->disks = realloc(d->disks, sizeof(*d->disks) * (size_t)(i + 1));
			libxl_device_disk_init(&d->disks[i]);
			if (xlu_disk_parse(cfg, 1, &buf, &d->disks[i]))
				die("bad disk");
			d->num_disks = i + 1;
		}
	}
	if (!xlu_cfg_get_list(cfg, "vif", &list, 0, 0)) {
		for (i = 0; (buf = xlu_cfg_get_listitem(list, i)); i++) {
			d->nics = realloc(d->nics, sizeof(*d->nics) * (size_t)(i + 1));
			libxl_device_nic_init(&d->nics[i]);
			d->nics[i].devid = i;
			if (parse_nic(cfg, buf, &d->nics[i], 0))
				die("bad vif");
			d->num_nics = i + 1;
		}
	}
}

/* xl's split_string_into_string_list: the words of s at blanks. */
static void split_blanks(const char *s, libxl_string_list *out)
{
	char *copy = strdup(s), *save = NULL, *w;
	int n = 0;

	*out = calloc(strlen(s) / 2 + 2, sizeof(char *));
	if (!copy || !*out)
		die(strerror(errno));
	for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		(*out)[n++] = strdup(w);
	free(copy);
}

/* xl_parse.c: bootloader_args a list, or (deprecated) a string split at blanks. */
static void load_bootloader(XLU_Config *cfg, libxl_domain_build_info *b)
{
	const char *buf;

	xlu_cfg_replace_string(cfg, "bootloader", &b->bootloader, 0);
	if (xlu_cfg_get_list_as_string_list(cfg, "bootloader_args", &b->bootloader_args, 1) ==
		    EINVAL &&
	    !xlu_cfg_get_string(cfg, "bootloader_args", &buf, 0))
		split_blanks(buf, &b->bootloader_args);
}

static int dump_config(const char *file, int noverrides, char **overrides)
{
	XLU_Config *cfg = xlu_cfg_init(stderr, file);
	libxl_domain_config d;
	const char *buf;
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(file, "r"), *mem = open_memstream(&text, &len);
	yajl_gen g = new_gen();
	int c, i;

	if (!f || !mem)
		die(strerror(errno));
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(f);
	/* What xl create does with key=value arguments. */
	for (i = 0; i < noverrides; i++)
		fprintf(mem, "\n%s\n", overrides[i]);
	fclose(mem);
	if (xlu_cfg_readdata(cfg, text, (int)len))
		return 1;
	libxl_domain_config_init(&d);
	load_type(cfg, &d.c_info);
	if (xlu_cfg_replace_string(cfg, "name", &d.c_info.name, 0))
		die("no name");
	if (!xlu_cfg_get_string(cfg, "uuid", &buf, 0) &&
	    libxl_uuid_from_string(&d.c_info.uuid, buf))
		die("bad uuid");
	libxl_domain_build_info_init_type(&d.b_info, d.c_info.type);
	load_sizes(cfg, &d.b_info);
	load_affinity(cfg, &d.b_info);
	load_actions(cfg, &d);
	xlu_cfg_replace_string(cfg, "kernel", &d.b_info.kernel, 0);
	/* xl_parse.c: an HVM kernel named hvmloader is xm's firmware override, dropped. */
	if (d.c_info.type == LIBXL_DOMAIN_TYPE_HVM && d.b_info.kernel) {
		char *base = libxl_basename(d.b_info.kernel);

		if (!strcmp(base, "hvmloader")) {
			free(d.b_info.kernel);
			d.b_info.kernel = NULL;
		}
		free(base);
	}
	xlu_cfg_replace_string(cfg, "ramdisk", &d.b_info.ramdisk, 0);
	d.b_info.cmdline = cmdline_of(cfg);
	load_bootloader(cfg, &d.b_info);
	load_devices(cfg, &d);
	libxl_domain_config_gen_json(g, &d);
	print_gen(g);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--disk"))
		return dump_disk(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--vif"))
		return dump_vif(argv[2]);
	if (argc >= 2 && argv[1][0] != '-')
		return dump_config(argv[1], argc - 2, argv + 2);
	fprintf(stderr, "usage: xlu_dump CFG [key=value...] | --disk SPEC | --vif SPEC\n");
	return 2;
}
