// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/vif_spec.c: rates (xl's arithmetic), MACs, tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/vif_spec.h"
#include "tap.h"

static void rate(const char *s, long long bytes, long long usecs)
{
	uint64_t b = 0;
	uint32_t u = 0;
	char *err = NULL;

	if (bytes < 0) {
		ok(!vif_rate_parse(s, &b, &u, &err), "rate %s is rejected", s);
		free(err);
		return;
	}
	if (!ok(vif_rate_parse(s, &b, &u, &err), "rate %s parses", s)) {
		printf("#   error: %s\n", err);
		free(err);
		return;
	}
	is_int((long long)b, bytes, "  bytes per interval");
	is_int(u, usecs, "  interval in us");
}

static void test_rates(void)
{
	rate("16000000b/s", 100000, 50000);
	rate("2000000B/s@50ms", 100000, 50000);
	rate("16Kb/s", 100, 50000);
	rate("2KB/s", 100, 50000);
	rate("2MB/s", 100000, 50000);
	rate("8Gb/s", 50000000, 50000);
	rate("10MB/s@1s", 10000000, 1000000);
	rate("80Mb/s@1s", 10000000, 1000000);
	rate("1B/s@20", 20, 20000000);
	rate("10MB/s@500us", 5000, 500);
	rate("010B/s@1s", 8, 1000000); /* base 0, as strtoull reads it in xl */
	rate("0B/s", -1, 0);
	rate("10MB", -1, 0);
	rate("10MB/m", -1, 0);
	rate("10ZB/s", -1, 0);
	rate("@", -1, 0);
	rate("1B/s@0us", -1, 0);
	rate("1B/s@4294967296us", -1, 0);
	rate("1B/s@4295s", -1, 0);
	rate("4294967296b/s", -1, 0);
	rate("4294967295GB/s@5us", -1, 0);
	rate("0x10B/s", -1, 0);
}

static void vif_ok(const char *spec, const char *check)
{
	struct vif_spec v;
	char *err = NULL;

	if (!ok(vif_spec_parse(spec, 3, &v, &err), "vif '%s' parses", spec)) {
		printf("#   error: %s\n", err);
		free(err);
		return;
	}
	if (!strcmp(check, "mac")) {
		ok(v.mac_set && v.mac[0] == 0x00 && v.mac[2] == 0x3e && v.mac[5] == 0xcc,
		   "  mac bytes");
	} else if (!strcmp(check, "all")) {
		is_str(v.bridge, "br0", "  bridge");
		is_str(v.vifname, "web0", "  vifname");
		is_int(v.mtu, 9000, "  mtu");
		is_int(v.devid, 3, "  devid is the list index");
	}
	vif_spec_free(&v);
}

static void vif_err(const char *spec, const char *want)
{
	struct vif_spec v;
	char *err = NULL;
	bool parsed = vif_spec_parse(spec, 0, &v, &err);

	ok(!parsed && err && strstr(err, want), "vif '%s' rejected with \"%s\"", spec, want);
	if (parsed)
		vif_spec_free(&v);
	else if (err && !strstr(err, want))
		printf("#   got: %s\n", err);
	free(err);
}

static void test_vifs(void)
{
	uint8_t mac[6];

	vif_ok("mac=00:16:3E:AA:BB:CC", "mac");
	vif_ok("bridge=br0, vifname=web0,mtu=9000", "all");
	vif_ok("", "none");
	vif_ok(",,bridge=br0,,", "none");
	vif_err("brdige=br0", "did you mean 'bridge='");
	vif_err("mac=00:16:3e:00:00", "not a MAC address");
	vif_err("mac=01:16:3e:00:00:00", "multicast");
	vif_err("type=pv", "the type is vif or ioemu");
	vif_err("mtu=big", "not a number");
	vif_err("rate=fast", "invalid rate");
	vif_random_mac(mac);
	ok(mac[0] == 0 && mac[1] == 0x16 && mac[2] == 0x3e && !(mac[3] & 0x80),
	   "random MACs are in 00:16:3e with the top bit of byte 3 clear");
}

int main(void)
{
	test_rates();
	test_vifs();
	return done_testing();
}
