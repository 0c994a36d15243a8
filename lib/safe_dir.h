/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The folders xlc writes as root (run_dir, log_dir): made if missing, and
 * refused if someone else could have planted something in them.
 */
#ifndef XLC_SAFE_DIR_H
#define XLC_SAFE_DIR_H

#include <sys/types.h>

/*
 * Makes path (and its missing parents, mode 0755) with mode if it does not
 * exist; what names it in messages ("the run directory"). Refuses, with a one-line *err that says
 * what to do, a path that is a symbolic link or not a folder, one not owned by the caller, or one
 * that group or others may write.
 */
int safe_dir(const char *path, mode_t mode, const char *what, char **err);

#endif
