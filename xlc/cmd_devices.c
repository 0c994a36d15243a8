// SPDX-License-Identifier: GPL-2.0
/*
 * Changing a running guest's devices, as xl does: vcpu-set, block-attach,
 * block-detach, block-list, network-attach, network-detach, network-list,
 * cd-insert and cd-eject. Syntax, tables and messages are xl's (anchors:
 * xl_vcpu.c, xl_block.c, xl_nic.c, xl_cdrom.c of Xen 4.17).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends/backend.h"
#include "lib/util.h"
#include "xlc/xlc.h"

/* argv's words joined with commas: xl reads them as one spec. */
static char *joined(int argc, char **argv)
{
	struct strbuf sb;
	int i;

	sb_init(&sb);
	for (i = 0; i < argc; i++) {
		if (i)
			sb_addc(&sb, ',');
		sb_adds(&sb, argv[i]);
	}
	return sb_detach(&sb);
}

/* vcpu-set [-i] DOMAIN N: vCPUs 0..N-1 online, the others offline. */
int main_vcpu_set(int argc, char **argv)
{
	const struct backend_ops *be;
	bool check_host = true;
	char *name, *end, *err = NULL;
	unsigned long n;
	int opt, domid, ret = EXIT_OK;

	while ((opt = command_getopt(argc, argv, cli_command("vcpu-set"))) != -1)
		check_host &= opt != 'i';
	n = strtoul(argv[optind + 1], &end, 10);
	if (end == argv[optind + 1] || *end || n > INT_MAX || argv[optind + 1][0] == '-') {
		fprintf(stderr, "Error: Invalid argument.\n");
		return EXIT_FAIL;
	}
	be = cli_backend();
	cli_need(be, be->set_vcpus, "bring vCPUs on- or offline");
	name = cli_resolve(be, argv[optind], &domid);
	if (be->set_vcpus(&xlc_config, name, (unsigned)n, check_host, &err)) {
		xlc_warn("%s", err);
		ret = EXIT_FAIL;
	}
	free(err);
	free(name);
	return ret;
}

/* block-attach DOMAIN DISKSPEC...: the words are one disk spec, as in disk=[...]. */
int main_block_attach(int argc, char **argv)
{
	const struct backend_ops *be;
	struct disk_spec disk;
	char *name, *spec, *err = NULL;
	int domid, ret = EXIT_OK;

	while (command_getopt(argc, argv, cli_command("block-attach")) != -1)
		;
	spec = joined(argc - optind - 1, argv + optind + 1);
	if (!disk_spec_parse(spec, &disk, &err)) {
		xlc_warn("block-attach: disk spec '%s': %s", spec, err);
		free(err);
		free(spec);
		return EXIT_FAIL;
	}
	free(spec);
	be = cli_backend();
	cli_need(be, be->disk_attach, "attach disks to a running domain");
	name = cli_resolve(be, argv[optind], &domid);
	if (be->disk_attach(&xlc_config, name, &disk, &err)) {
		xlc_warn("%s", err);
		fprintf(stderr, "libxl_device_disk_add failed.\n");
		ret = EXIT_FAIL;
	}
	disk_spec_free(&disk);
	free(err);
	free(name);
	return ret;
}

/* block-detach [-f] DOMAIN VDEV: waits for the guest to let the disk go, unless -f. */
int main_block_detach(int argc, char **argv)
{
	const struct backend_ops *be;
	const char *vdev;
	char *name, *err = NULL;
	bool force = false;
	int opt, domid, rc;

	while ((opt = command_getopt(argc, argv, cli_command("block-detach"))) != -1)
		force |= opt == 'f';
	vdev = argv[optind + 1];
	be = cli_backend();
	cli_need(be, be->disk_detach, "detach disks from a running domain");
	name = cli_resolve(be, argv[optind], &domid);
	rc = be->disk_detach(&xlc_config, name, vdev, force, &err);
	if (rc > 0) {
		fprintf(stderr, "Error: Device %s not connected.\n", vdev);
	} else if (rc < 0) {
		xlc_warn("%s", err);
		fprintf(stderr, "libxl_device_disk_%s failed.\n",
			force ? "destroy" : "safe_remove");
	}
	free(err);
	free(name);
	return rc ? EXIT_FAIL : EXIT_OK;
}

/* network-attach DOMAIN [TOKEN...]: the tokens of a vif= entry (mac=, bridge=...). */
int main_network_attach(int argc, char **argv)
{
	const struct backend_ops *be;
	struct vif_spec vif;
	char *name, *spec, *err = NULL;
	int domid, ret = EXIT_OK;

	while (command_getopt(argc, argv, cli_command("network-attach")) != -1)
		;
	spec = joined(argc - optind - 1, argv + optind + 1);
	if (!vif_spec_parse(spec, -1, &vif, &err)) {
		xlc_warn("network-attach: '%s': %s", spec, err);
		free(err);
		free(spec);
		return EXIT_FAIL;
	}
	free(spec);
	be = cli_backend();
	cli_need(be, be->nic_attach, "attach NICs to a running domain");
	name = cli_resolve(be, argv[optind], &domid);
	if (be->nic_attach(&xlc_config, name, &vif, &err)) {
		xlc_warn("%s", err);
		fprintf(stderr, "libxl_device_nic_add failed.\n");
		ret = EXIT_FAIL;
	}
	vif_spec_free(&vif);
	free(err);
	free(name);
	return ret;
}

/* network-detach DOMAIN DEVID|MAC */
int main_network_detach(int argc, char **argv)
{
	const struct backend_ops *be;
	const char *which;
	char *name, *err = NULL;
	int domid, rc;

	while (command_getopt(argc, argv, cli_command("network-detach")) != -1)
		;
	which = argv[optind + 1];
	be = cli_backend();
	cli_need(be, be->nic_detach, "detach NICs from a running domain");
	name = cli_resolve(be, argv[optind], &domid);
	rc = be->nic_detach(&xlc_config, name, which, &err);
	if (rc > 0) {
		fprintf(stderr, "Unknown device %s.\n", which);
	} else if (rc < 0) {
		xlc_warn("%s", err);
		fprintf(stderr, "libxl_device_nic_del failed.\n");
	}
	free(err);
	free(name);
	return rc ? EXIT_FAIL : EXIT_OK;
}

/*
 * block-list and network-list DOMAIN...: xl's tables. A domain that cannot
 * be found is said; then each does what xl's does.
 */
static int list_devices(int argc, char **argv, const char *cname, bool nics)
{
	const struct backend_ops *be;
	struct device_info *d;
	char *name, *err = NULL;
	int i, n, domid;

	while (command_getopt(argc, argv, cli_command(cname)) != -1)
		;
	be = cli_backend();
	cli_need(be, be->device_list, nics ? "list NICs" : "list disks");
	cli_need(be, be->resolve, "find domains");
	if (nics)
		printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.",
		       "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
	else
		printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state",
		       "evt-ch", "ring-ref", "BE-path");
	for (argv += optind, argc -= optind; argc > 0; argc--, argv++) {
		if (be->resolve(&xlc_config, *argv, &name, &domid, &err) ||
		    be->device_list(&xlc_config, name, nics, &d, &n, &err)) {
			xlc_warn("%s", err);
			free(err);
			err = NULL;
			/* xl: block-list goes on to the next domain; network-list stops, failing.
			 */
			if (nics)
				return EXIT_FAIL;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (nics)
				printf("%-3d %-2d %02x:%02x:%02x:%02x:%02x:%02x %6d %5d %6d "
				       "%5d/%-11d %-30s\n",
				       d[i].devid, d[i].backend_id, d[i].mac[0], d[i].mac[1],
				       d[i].mac[2], d[i].mac[3], d[i].mac[4], d[i].mac[5],
				       d[i].devid, d[i].state, d[i].evtch, d[i].ring_ref[0],
				       d[i].ring_ref[1], d[i].backend_path);
			else
				printf("%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n", d[i].devid,
				       d[i].backend_id, d[i].frontend_id, d[i].state, d[i].evtch,
				       d[i].ring_ref[0], d[i].backend_path);
		}
		device_info_free(d, n);
		free(name);
	}
	return EXIT_OK;
}

int main_block_list(int argc, char **argv)
{
	return list_devices(argc, argv, "block-list", false);
}

int main_network_list(int argc, char **argv)
{
	return list_devices(argc, argv, "network-list", true);
}

/* cd-insert and cd-eject: the cdrom at vdev gets target's medium, or none. */
static int cd_change(const char *cname, const char *dom, const char *vdev, const char *target)
{
	const struct backend_ops *be;
	struct disk_spec cd;
	struct stat st;
	char *name, *spec, *err = NULL;
	int domid, ret = EXIT_OK;

	spec = xasprintf("vdev=%s,access=r,devtype=cdrom,target=%s", vdev, target ? target : "");
	if (!disk_spec_parse(spec, &cd, &err)) {
		xlc_warn("%s: '%s': %s", cname, spec, err);
		free(err);
		free(spec);
		return EXIT_FAIL;
	}
	free(spec);
	if (cd.format != DISK_FORMAT_EMPTY && stat(cd.target, &st)) {
		fprintf(stderr, "Cannot stat file: %s\n", cd.target);
		disk_spec_free(&cd);
		return EXIT_FAIL;
	}
	be = cli_backend();
	cli_need(be, be->cd_change, "change a cdrom's medium");
	name = cli_resolve(be, dom, &domid);
	if (be->cd_change(&xlc_config, name, &cd, &err)) {
		xlc_warn("%s", err);
		ret = EXIT_FAIL;
	}
	disk_spec_free(&cd);
	free(err);
	free(name);
	return ret;
}

int main_cd_insert(int argc, char **argv)
{
	while (command_getopt(argc, argv, cli_command("cd-insert")) != -1)
		;
	return cd_change("cd-insert", argv[optind], argv[optind + 1], argv[optind + 2]);
}

int main_cd_eject(int argc, char **argv)
{
	while (command_getopt(argc, argv, cli_command("cd-eject")) != -1)
		;
	return cd_change("cd-eject", argv[optind], argv[optind + 1], NULL);
}
