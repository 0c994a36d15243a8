// SPDX-License-Identifier: GPL-2.0
/*
 * domain_config_resolve (parsers/domain_config.h): the one place a config's
 * memory and vCPU counts get their defaults, by xl's rules alone (what xl
 * hands libxl) and with a backend's defaults (what the guest runs with).
 */
#include <stdlib.h>
#include <string.h>

#include "parsers/domain_config.h"
#include "tap.h"

static const struct domain_size_defaults kvm_like = { 128, 1 };
static const struct domain_size_defaults libxl_like = { 32, 1 };

/* Checks the four sizes of one config, with and without defaults. */
static void expect(const char *text, const struct domain_size_defaults *defaults, long memory,
		   long maxmem, int vcpus, int max_vcpus)
{
	struct domain_defaults dd = { "xenbr0", NULL, false };
	struct domain_config *dc;
	struct domain_sizes r;
	char *err = NULL;

	dc = domain_config_load("t.cfg", text, strlen(text), NULL, 0, &dd, &err);
	if (!ok(dc != NULL, "loads: %s", err ? err : text)) {
		free(err);
		return;
	}
	r = domain_config_resolve(dc, defaults);
	ok(r.memory_mib == memory && r.maxmem_mib == maxmem && r.vcpus == vcpus &&
		   r.max_vcpus == max_vcpus,
	   "%s %s: memory %ld maxmem %ld vcpus %d max %d (got %ld %ld %d %d)",
	   defaults ? "defaults" : "xl alone", text, memory, maxmem, vcpus, max_vcpus, r.memory_mib,
	   r.maxmem_mib, r.vcpus, r.max_vcpus);
	domain_config_free(dc);
}

int main(void)
{
	/* Nothing given: xl leaves all to libxl; a backend's defaults fill in. */
	expect("name=\"a\"", NULL, 0, 0, 0, 0);
	expect("name=\"a\"", &kvm_like, 128, 128, 1, 1);
	expect("name=\"a\"", &libxl_like, 32, 32, 1, 1);
	/* maxmem follows memory, maxvcpus follows vcpus, in xl's rules too. */
	expect("name=\"a\"; memory=256; vcpus=2", NULL, 256, 256, 2, 2);
	expect("name=\"a\"; memory=256; vcpus=2", &kvm_like, 256, 256, 2, 2);
	/* Given, they stay. */
	expect("name=\"a\"; memory=256; maxmem=512; vcpus=1; maxvcpus=4", &kvm_like, 256, 512, 1,
	       4);
	/* maxmem alone: libxl's target follows its max; xl passes no target. */
	expect("name=\"a\"; maxmem=512", NULL, 0, 512, 0, 0);
	expect("name=\"a\"; maxmem=512", &kvm_like, 512, 512, 1, 1);
	expect("name=\"a\"; maxmem=64", &kvm_like, 64, 64, 1, 1);
	/* maxvcpus alone: one vCPU online of them, as libxl's default bitmap. */
	expect("name=\"a\"; maxvcpus=4", NULL, 0, 0, 0, 4);
	expect("name=\"a\"; maxvcpus=4", &libxl_like, 32, 32, 1, 4);
	return done_testing();
}
