/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlc's version: one string, from the VERSION file at the top of the tree
 * (the Debian changelog and the man pages take theirs from the same file).
 */
#ifndef XLC_VERSION_H
#define XLC_VERSION_H

extern const char xlc_version[];

#endif
