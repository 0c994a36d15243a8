// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM spec (backends/kvm/vmm_spec.h): every member survives a round trip
 * through JSON, and a reader of the untrusted side refuses what is not a
 * spec of this version, with the member named.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/ctl.h"
#include "backends/kvm/vmm_spec.h"
#include "lib/util.h"
#include "tap.h"

static struct vmm_spec *sample(void)
{
	struct vmm_spec *s = xcalloc(1, sizeof(*s));
	static uint16_t cpus[] = { 0, 1 };

	s->name = xstrdup("web");
	s->uuid = xstrdup("00000000-0000-0000-0000-000000000001");
	s->memory_mib = 256;
	s->maxmem_mib = 512;
	s->vcpus = 1;
	s->max_vcpus = 2;
	s->pins = xcalloc(2, sizeof(*s->pins));
	s->pins[1].text = xstrdup("0-1");
	s->pins[1].cpus = xmalloc(sizeof(cpus));
	memcpy(s->pins[1].cpus, cpus, sizeof(cpus));
	s->pins[1].ncpus = 2;
	s->kernel = xstrdup("/boot/vmlinuz");
	s->cmdline = xstrdup("console=ttyS0");
	s->on_poweroff = VMM_ACTION_DESTROY;
	s->on_reboot = VMM_ACTION_RENAME_RESTART;
	s->on_crash = VMM_ACTION_PRESERVE;
	s->ndisks = 1;
	s->disks = xcalloc(1, sizeof(*s->disks));
	s->disks[0] = (struct vmm_disk){ .vdev = xstrdup("xvda"),
					 .path = xstrdup("/img"),
					 .format = xstrdup("qcow2"),
					 .devnum = 51712,
					 .readonly = true,
					 .cdrom = true };
	s->nnics = 1;
	s->nics = xcalloc(1, sizeof(*s->nics));
	s->nics[0] = (struct vmm_nic){ .devid = 3,
				       .mac = { 0, 0x16, 0x3e, 0xa, 0xb, 0xc },
				       .bridge = xstrdup("br0"),
				       .mtu = 9000,
				       .rate_bytes = 12500,
				       .rate_interval_us = 50000 };
	s->run_dir = xstrdup("/run/xlc");
	s->log_dir = xstrdup("/var/log/xlc");
	s->limits = (struct vmm_limits){ .uid_base = 0x78000000,
					 .cgroup_parent = xstrdup("xlc"),
					 .mem_overhead = 256 << 20,
					 .seccomp = VMM_SECCOMP_TRAP,
					 .console_log_max = 1 << 20,
					 .vmm_log_max = 2 << 20,
					 .console_timestamps = true };
	s->paused = true;
	s->config_json = xstrdup("{\"c_info\":{\"name\":\"web\"}}");
	return s;
}

static void round_trip(void)
{
	struct vmm_spec *s = sample(), *r;
	char *json = vmm_spec_to_json(s), *again, *err = NULL;

	r = vmm_spec_from_json(json, strlen(json), &err);
	ok(r != NULL, "a spec reads back (%s)", err ? err : "ok");
	if (!r)
		return;
	is_str(r->name, "web", "name");
	is_int((long long)r->maxmem_mib, 512, "maxmem_mib");
	is_int(r->max_vcpus, 2, "max_vcpus");
	ok(r->pins[0].text == NULL && r->pins[0].ncpus == 0, "vCPU 0 floats");
	is_str(r->pins[1].text, "0-1", "vCPU 1's list as written");
	is_int(r->pins[1].ncpus == 2 && r->pins[1].cpus[1] == 1, 1, "vCPU 1's CPUs");
	is_int(r->on_reboot, VMM_ACTION_RENAME_RESTART, "on_reboot");
	is_int((long long)r->disks[0].devnum, 51712, "a disk's devnum");
	is_str(r->disks[0].format, "qcow2", "a disk's format");
	ok(r->disks[0].readonly && r->disks[0].cdrom && !r->disks[0].discard, "a disk's flags");
	ok(!memcmp(r->nics[0].mac, s->nics[0].mac, 6), "a NIC's MAC");
	is_int((long long)r->nics[0].rate_interval_us, 50000, "a NIC's rate interval");
	ok(r->nics[0].ifname == NULL && r->nics[0].script == NULL, "absent strings stay absent");
	is_int(r->limits.seccomp, VMM_SECCOMP_TRAP, "the seccomp mode");
	is_int(r->limits.uid_base, 0x78000000, "the uid base");
	is_str(r->config_json, "{\"c_info\":{\"name\":\"web\"}}", "the config, as is");
	/* Written again, it is the same text: nothing was lost or added. */
	again = vmm_spec_to_json(r);
	is_str(again, json, "a second round trip changes nothing");
	free(again);
	vmm_spec_free(r);
	free(json);
	vmm_spec_free(s);
}

/* Replaces the first "from" in a spec's JSON and reads it: the error, or NULL. */
static char *read_altered(const char *from, const char *to)
{
	struct vmm_spec *s = sample(), *r;
	char *json = vmm_spec_to_json(s), *p = strstr(json, from), *err = NULL;
	struct strbuf sb;

	sb_init(&sb);
	if (p) {
		sb_addn(&sb, json, (size_t)(p - json));
		sb_adds(&sb, to);
		sb_adds(&sb, p + strlen(from));
	}
	r = vmm_spec_from_json(sb.buf ? sb.buf : "", sb.len, &err);
	vmm_spec_free(r);
	vmm_spec_free(s);
	free(json);
	sb_free(&sb);
	return err;
}

static void refused(const char *from, const char *to, const char *want)
{
	char *err = read_altered(from, to);

	ok(err && strstr(err, want), "%s -> %s: \"%s\" (got \"%s\")", from, to, want,
	   err ? err : "accepted");
	free(err);
}

static void refusals(void)
{
	char *err = NULL;

	refused("\"version\":1", "\"version\":2", "version: not the version this VMM reads (1)");
	refused("\"memory_mib\":256", "\"memory_mib\":-1", "memory_mib: not a whole number");
	refused("\"vcpus\":1", "\"vcpus\":3", "vcpus: not between 1 and max_vcpus");
	refused("\"max_vcpus\":2", "\"max_vcpus\":256", "max_vcpus: out of range");
	refused("\"on_crash\":\"preserve\"", "\"on_crash\":\"explode\"", "on_crash: not an action");
	refused("\"mac\":\"00:16:3e:0a:0b:0c\"", "\"mac\":\"00:16:3e:0a:0b\"", "mac: not a MAC");
	refused("\"name\":\"web\"", "\"name\":\"../etc\"", "name: empty or has a '/'");
	refused("\"kernel\":\"/boot/vmlinuz\"", "\"kernel\":7", "kernel: not a string");
	refused("\"seccomp\":\"trap\"", "\"seccomp\":\"maybe\"", "seccomp: not a seccomp mode");
	refused("\"pins\":[", "\"pins\":[{\"cpus\":[]},", "pins: not one per vCPU");
	refused("\"devid\":3", "\"devid\":70000", "nics: devid: out of range");
	/* A format becomes part of qemu-storage-daemon's options: QEMU's names only. */
	refused("\"format\":\"qcow2\"", "\"format\":\"qcow2,file.locking=off\"",
		"disks: format: not an image format the VMM serves");
	refused("\"format\":\"qcow2\"", "\"format\":\"raw\"",
		"disks: format: not an image format the VMM serves");
	ok(vmm_spec_from_json("{", 1, &err) == NULL && err, "not JSON: %s", err ? err : "");
	free(err);
	err = NULL;
	ok(vmm_spec_from_json("{\"a\":1}\0x", 9, &err) == NULL && err && strstr(err, "NUL"),
	   "a NUL byte inside: %s", err ? err : "");
	free(err);
}

static void control_protocol(void)
{
	unsigned c;

	const char *arg = "x";

	for (c = 0; c < CTL_NCOMMANDS; c++)
		is_int(ctl_command_parse(ctl_command_name(c), NULL), c, ctl_command_name(c));
	is_int(ctl_command_parse("infox", NULL), CTL_UNKNOWN, "a longer word");
	is_int(ctl_command_parse("", NULL), CTL_UNKNOWN, "an empty line");
	is_int(ctl_command_parse("rename web2", &arg), CTL_RENAME, "a command with an argument");
	is_str(arg, "web2", "its argument");
	ctl_command_parse("info", &arg);
	ok(arg == NULL, "no argument");
	is_str(blk_counter_keys[BLK_FLUSH_REQ], "flush_req", "a disk counter's key");
	is_str(net_counter_keys[NET_RX_DROPS], "rx_drops", "a NIC counter's key");
}

int main(void)
{
	round_trip();
	refusals();
	control_protocol();
	return done_testing();
}
