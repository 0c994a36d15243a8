// SPDX-License-Identifier: GPL-2.0
/*
 * xlc create [-n] [-c] [-p] [-F] [-q] [-f file] [configfile] [key=value...]
 *
 * Reads and checks the whole config before anything else happens, so a bad
 * file leaves nothing behind; then hands it to the backend, or with -n prints
 * it as JSON in the shape `xl -N create` uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/backend.h"
#include "parsers/domain_json.h"
#include "xlc/batch.h"
#include "lib/util.h"
#include "xlc/xlc.h"

struct create_args {
	struct create_opts opts;
	bool dryrun;
	const char *file;
	char **overrides;
	unsigned noverrides;
	struct batch_args batch;
	bool is_batch;	    /* several files, a directory, or --auto */
	bool nothing_to_do; /* --auto without an auto directory */
};

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * A config named without '/' and not in the current directory is looked for
 * in /etc/xlc/ and /etc/xen/, as given and with ".cfg" (admins write
 * `xl create web` for /etc/xen/web.cfg). NULL and *err saying where it
 * looked if it is nowhere.
 */
static char *resolve_config_path(const char *name, char **err)
{
	static const char *const dirs[] = { "xlc", "xen" };
	static const char *const suffixes[] = { "", ".cfg" };
	struct stat st;
	unsigned i, j;

	if (strchr(name, '/') || !stat(name, &st))
		return xstrdup(name);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		for (j = 0; j < ARRAY_SIZE(suffixes); j++) {
			char *path = xasprintf("%s/%s/%s%s", xlc_config.sysconf_dir, dirs[i], name,
					       suffixes[j]);

			if (is_file(path))
				return path;
			free(path);
		}
	}
	*err = xasprintf("cannot find config file %s: not in the current directory, %s/xlc/ "
			 "or %s/xen/ (as %s or %s.cfg)",
			 name, xlc_config.sysconf_dir, xlc_config.sysconf_dir, name, name);
	return NULL;
}

/* Each file of the batch looked for as above (the auto directory has a '/'). */
static int resolve_config_paths(struct batch_args *b)
{
	unsigned i;

	for (i = 0; i < b->nfiles; i++) {
		char *err = NULL, *path;

		path = resolve_config_path(b->files[i], &err);
		if (!path) {
			xlc_warn("%s", err);
			free(err);
			return -1;
		}
		free(b->files[i]);
		b->files[i] = path;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct create_args *a)
{
	const struct command *cmd = cli_command("create");
	unsigned long parallel;
	bool autostart = false;
	int opt, i;

	while ((opt = command_getopt(argc, argv, cmd)) != -1) {
		switch (opt) {
		case 'n':
			a->dryrun = true;
			break;
		case 'c':
			a->opts.console = true;
			break;
		case 'p':
			a->opts.paused = true;
			break;
		case 'F':
			a->opts.foreground = true;
			break;
		case 'q':
			a->opts.quiet = true;
			break;
		case 'f':
			a->file = optarg;
			break;
		case CREATE_OPT_PARALLEL:
			if (!parse_ulong(optarg, 10, &parallel) || !parallel || parallel > 1024)
				return usage_error(cmd, "--parallel %s: a number from 1 to 1024",
						   optarg);
			a->batch.parallel = (unsigned)parallel;
			break;
		case CREATE_OPT_ALL_OR_NOTHING:
			a->batch.all_or_nothing = true;
			break;
		case CREATE_OPT_FORCE:
			a->batch.force = true;
			break;
		case CREATE_OPT_JSON:
			a->batch.json = true;
			break;
		case CREATE_OPT_AUTO:
			autostart = true;
			break;
		case CREATE_OPT_UNKNOWN_KEYS: /* for this create: xlc.conf's unknown_keys */
			if (strcmp(optarg, "warn") && strcmp(optarg, "error"))
				return usage_error(cmd, "--unknown-keys %s: use warn or error",
						   optarg);
			xlc_config.unknown_keys_warn = !strcmp(optarg, "warn");
			break;
		}
	}
	a->overrides = xcalloc((size_t)argc + 2, sizeof(char *));
	a->batch.files = xcalloc((size_t)argc + 2, sizeof(char *));
	if (a->file)
		a->batch.files[a->batch.nfiles++] = xstrdup(a->file);
	if (autostart) {
		char *dir = xasprintf("%s/xlc/auto", xlc_config.sysconf_dir);

		/* As xendomains: no auto directory is nothing to start, not a failure. */
		if (!is_dir(dir) && !a->file && optind >= argc) {
			printf("%s does not exist: no guests to start\n", dir);
			free(dir);
			a->nothing_to_do = true;
			return EXIT_OK;
		}
		a->batch.files[a->batch.nfiles++] = dir;
	}
	for (i = optind; i < argc; i++) {
		if (strchr(argv[i], '=')) {
			a->overrides[a->noverrides++] = argv[i];
			continue;
		}
		if (is_dir(argv[i]) && strlen(argv[i]) > 4 &&
		    !strcmp(argv[i] + strlen(argv[i]) - 4, ".cfg")) {
			xlc_warn("%s is a directory, not a config file", argv[i]);
			return EXIT_FAIL;
		}
		a->batch.files[a->batch.nfiles++] = xstrdup(argv[i]);
	}
	if (!a->batch.nfiles && !a->noverrides) {
		xlc_warn("Config file not specified: give one, as in '%s create web.cfg', or "
			 "key=value settings",
			 xlc_progname);
		return EXIT_FAIL;
	}
	a->is_batch = autostart || a->batch.nfiles > 1 ||
		      (a->batch.nfiles == 1 && is_dir(a->batch.files[0]));
	if (a->is_batch && (a->dryrun || a->opts.console || a->opts.foreground))
		return usage_error(cmd, "-n, -c and -F take one config file, not a batch");
	if (resolve_config_paths(&a->batch))
		return EXIT_FAIL;
	if (!a->is_batch && a->batch.nfiles == 1)
		a->file = a->batch.files[0];
	a->batch.overrides = a->overrides;
	a->batch.noverrides = a->noverrides;
	if (!a->batch.parallel) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		/* Creating is mostly waiting for a VMM to start: twice the CPUs keeps them busy. */
		a->batch.parallel = cpus > 0 ? (unsigned)(cpus * 2 < 32 ? cpus * 2 : 32) : 4;
	}
	return EXIT_OK;
}

static struct domain_config *load_config(const struct create_args *a)
{
	struct domain_defaults defaults = { xlc_config.vif_bridge, xlc_config.vif_script,
					    xlc_config.unknown_keys_warn };
	struct domain_config *dc;
	char *path = NULL, *text, *err = NULL;
	size_t len = 0;

	if (a->file) {
		path = xstrdup(a->file);
		text = read_config_file(path, CONFIG_FILE_MAX, &len, &err);
		if (!text) {
			xlc_warn("%s", err);
			free(err);
			free(path);
			return NULL;
		}
		if (!a->opts.quiet)
			fprintf(stderr, "Parsing config from %s\n", path);
	} else {
		text = xstrdup("");
	}
	dc = domain_config_load(path ? path : "command line", text, len, a->overrides,
				a->noverrides, &defaults, &err);
	if (!dc) {
		xlc_warn("%s", err);
		free(err);
	}
	free(text);
	free(path);
	return dc;
}

static void warn_ignored_keys(const struct domain_config *dc, const struct backend_ops *be)
{
	struct strbuf sb;
	unsigned i;

	if (be->honours_xen_only_keys)
		return;
	sb_init(&sb);
	for (i = 0; i < dc->nxen_only; i++) {
		const struct xen_setting *x = &dc->xen_only[i];

		if (x->kvm_honours)
			continue;
		if (strcmp(x->source, dc->source)) /* the command line's key=value */
			sb_addf(&sb, "%s%s (%s)", sb.len ? ", " : "", x->key, x->source);
		else
			sb_addf(&sb, "%s%s (line %d)", sb.len ? ", " : "", x->key, x->line);
	}
	if (sb.len)
		xlc_warn("%s: ignored by the %s backend: %s", dc->source, be->name, sb.buf);
	sb_free(&sb);
}

static int print_json(const struct domain_config *dc)
{
	char *json = domain_config_to_json(dc);

	if (!json) {
		xlc_warn("%s: a value is not valid UTF-8 and cannot be printed as JSON",
			 dc->source);
		return EXIT_FAIL;
	}
	fputs(json, stdout);
	fputc('\n', stdout);
	free(json);
	return EXIT_OK;
}

int main_create(int argc, char **argv)
{
	struct create_args a = { .dryrun = global.dryrun };
	const struct backend_ops *be = NULL;
	struct domain_config *dc = NULL;
	const char *why = NULL;
	char *err = NULL;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret || a.nothing_to_do)
		goto out;
	ret = EXIT_FAIL;
	if (a.is_batch) {
		be = backend_select(global.backend, &xlc_config, &why, &err);
		if (!be) {
			xlc_warn("%s", err);
			goto out;
		}
		if (!be->create) {
			xlc_warn("the %s backend cannot create domains in this build of xlc",
				 be->name);
			goto out;
		}
		ret = batch_create(&a.batch, be);
		goto out;
	}
	dc = load_config(&a);
	if (!dc)
		goto out;
	be = backend_select(global.backend, &xlc_config, &why, &err);
	if (!be && !a.dryrun) {
		xlc_warn("%s", err);
		goto out;
	}
	if (be) {
		xlc_info("using the %s backend (chosen by %s)", be->name, why);
		warn_ignored_keys(dc, be);
	}
	if (a.dryrun && be && be->config_json) {
		char *json = be->config_json(dc, &err);

		if (json) {
			printf("%s\n", json);
			free(json);
			ret = EXIT_OK;
		} else {
			xlc_warn("%s", err);
		}
		goto out;
	}
	if (a.dryrun) {
		ret = print_json(dc);
		goto out;
	}
	if (!be->create) {
		xlc_warn("the %s backend cannot create domains in this build of xlc", be->name);
		goto out;
	}
	ret = be->create(dc, &a.opts, &xlc_config);
out:
	free(err);
	free(a.overrides);
	strv_free(a.batch.files);
	domain_config_free(dc);
	return ret;
}
