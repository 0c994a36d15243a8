// SPDX-License-Identifier: GPL-2.0
/*
 * save and restore through libxl, in xl's save-file format (savefile.h), so
 * that a file xlc saves restores under xl and the other way round.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/savefile.h"
#include "backends/xen/xen.h"
#include "lib/util.h"

#define NO_DOMID ((uint32_t)INVALID_DOMID)

static int write_header(int fd, const char *file, const char *json, char **err)
{
	if (!savefile_write_header(fd, file, json))
		return 0;
	*err = xasprintf("cannot write %s: %s", file, strerror(errno));
	return -1;
}

int xen_config_to_keep(libxl_ctx *c, uint32_t domid, const struct save_opts *opts,
		       libxl_domain_config *d, char **err)
{
	if (opts->config) {
		if (xen_config_build(opts->config, d, err))
			return -1;
	} else {
		libxl_domain_config_init(d);
		if (libxl_retrieve_domain_configuration(c, domid, d, NULL)) {
			*err = xasprintf("unable to retrieve domain configuration; see %s",
					 xen_log_path());
			return -1;
		}
	}
	d->c_info.domid = opts->preserve_domid ? domid : 0;
	return 0;
}

int xen_save(const struct xlc_conf *conf, const char *name, const char *file,
	     const struct save_opts *opts, char **err)
{
	libxl_domain_config d;
	libxl_ctx *c = xen_ctx(conf, err);
	struct stat st = { 0 };
	uint32_t domid;
	char *json = NULL;
	int fd = -1, rc = -1;

	if (!c || xen_domid_of(c, name, &domid, err))
		return -1;
	if (xen_config_to_keep(c, domid, opts, &d, err))
		goto out;
	json = libxl_domain_config_to_json(c, &d);
	if (!json) {
		*err = xstrdup("unable to convert config file to JSON");
		goto out;
	}
	/* Guest memory: readable by root alone (xl leaves it 0644). */
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		*err = xasprintf("Failed to open temp file %s for writing: %s", file,
				 strerror(errno));
		goto out;
	}
	if (fstat(fd, &st))
		st.st_mode = 0; /* S_ISREG below: a file we may remove, not a pipe or device */
	if (write_header(fd, file, json, err))
		goto out_unlink;
	rc = libxl_domain_suspend(c, domid, fd, 0, NULL);
	if (close(fd) && !rc)
		rc = ERROR_FAIL;
	fd = -1;
	if (rc) {
		*err = xasprintf("Failed to save domain, resuming domain (libxl error %d); see %s",
				 rc, xen_log_path());
		libxl_domain_resume(c, domid, 1, NULL);
		rc = -1;
		goto out_unlink;
	}
	if (opts->leave_paused || opts->checkpoint) {
		if (opts->leave_paused)
			libxl_domain_pause(c, domid, NULL);
		libxl_domain_resume(c, domid, 1, NULL);
	} else {
		libxl_domain_destroy(c, domid, NULL);
	}
	goto out;
out_unlink:
	if (fd >= 0)
		close(fd);
	if (S_ISREG(st.st_mode))
		unlink(file); /* a half-written save restores nothing */
out:
	free(json);
	libxl_domain_config_dispose(&d);
	return rc;
}

int xen_restore(const struct xlc_conf *conf, const char *file, const struct domain_config *config,
		const struct create_opts *opts)
{
	libxl_domain_restore_params params;
	libxl_domain_config d;
	libxl_ctx *c;
	uint32_t domid = NO_DOMID, other;
	char *json = NULL, *err = NULL;
	int64_t flags;
	int fd, rc, ret = EXIT_FAIL;

	libxl_domain_config_init(&d);
	libxl_domain_restore_params_init(&params);
	c = xen_ctx(conf, &err);
	fd = c ? open(file, O_RDONLY | O_CLOEXEC) : -1;
	if (c && fd < 0)
		err = xasprintf("Can't open restore file %s: %s", file, strerror(errno));
	if (fd < 0 || (flags = savefile_read_header(fd, file, &json, &err)) < 0)
		goto fail;
	if (config) {
		libxl_domain_config_dispose(&d);
		if (xen_config_build(config, &d, &err))
			goto fail;
	} else if (!json) {
		err = xasprintf("%s holds %s: give the config file too (xlc restore CONFIG %s)",
				file,
				flags & SAVEFILE_FLAG_JSON ? "no config"
							   : "its config as xl.cfg text, not JSON",
				file);
		goto fail;
	} else if (libxl_domain_config_from_json(c, &d, json)) {
		err = xasprintf("%s: its config is not libxl's JSON", file);
		goto fail;
	}
	if (!d.c_info.name || !*d.c_info.name) {
		err = xasprintf("%s: Savefile corrupt: its config names no domain", file);
		goto fail;
	}
	if (!libxl_name_to_domid(c, d.c_info.name, &other)) {
		err = xasprintf("%s: a domain of that name already exists (id %u)", d.c_info.name,
				other);
		goto fail;
	}
	params.checkpointed_stream = LIBXL_CHECKPOINTED_STREAM_NONE;
	params.stream_version = (flags & SAVEFILE_FLAG_STREAMV2) ? 2 : 1;
	rc = libxl_domain_create_restore(c, &d, &domid, fd, -1, &params, NULL, NULL);
	if (rc) {
		err = xasprintf("%s: libxl could not restore the domain (libxl error %d); see %s",
				d.c_info.name, rc, xen_log_path());
		goto fail;
	}
	close(fd);
	fd = -1;
	ret = xen_started(c, conf, &d, domid, opts);
	goto out;
fail:
	xlc_warn("%s", err);
out:
	if (fd >= 0)
		close(fd);
	free(err);
	free(json);
	libxl_domain_restore_params_dispose(&params);
	libxl_domain_config_dispose(&d);
	return ret;
}
