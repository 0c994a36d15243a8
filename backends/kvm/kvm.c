// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend: xlc's own VMM over /dev/kvm. Its VMM, devices and
 * lifecycle commands land with the KVM backend work; until then it only
 * reads configs (create -n) and says plainly that it cannot start guests.
 */
#include "backends/backend.h"

const struct backend_ops kvm_backend = {
	.name = "kvm",
	.honours_xen_only_keys = false,
	.create = NULL,
};
