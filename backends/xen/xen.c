// SPDX-License-Identifier: GPL-2.0
/*
 * The xen backend: libxenlight on a Xen dom0. Built only when libxl is
 * found (XLC_WITH_XEN); the translation to libxl_domain_config and the
 * lifecycle commands land with the Xen backend work.
 */
#include "backends/backend.h"

const struct backend_ops xen_backend = {
	.name = "xen",
	.honours_xen_only_keys = true,
	.create = NULL,
};
