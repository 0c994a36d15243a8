// SPDX-License-Identifier: GPL-2.0
/* The only file compiled with -DXLC_VERSION: a new version rebuilds just this. */
#include "lib/version.h"

const char xlc_version[] = XLC_VERSION;
