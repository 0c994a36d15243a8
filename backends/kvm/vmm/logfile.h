/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM's logs (its own messages and the guest's console), as
 * xenconsoled keeps them: appended, capped (at max bytes the file becomes
 * <file>.1, replacing the previous one, and a new file starts), reopened on
 * SIGHUP for logrotate, optionally with a timestamp at every line. Nothing
 * the guest does can make a log grow past twice its cap.
 */
#ifndef XLC_KVM_LOGFILE_H
#define XLC_KVM_LOGFILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct logfile {
	char *path;
	int fd;
	uint64_t size, max;
	bool timestamps;
	bool mid_line; /* the last byte written was not a newline */
	int echo_fd;   /* also written here (create -F), or -1 */
};

/*
 * Opens (or creates, mode 0640) path for appending: a symlink, or anything
 * but a regular file, is refused. 0, or -1 with *err.
 */
int logfile_open(struct logfile *lf, const char *path, uint64_t max, bool timestamps, char **err);
/* A log that is only echoed (create -F writes no VMM log). */
void logfile_init_echo_only(struct logfile *lf, int echo_fd);
void logfile_write(struct logfile *lf, const void *data, size_t len);
void logfile_printf(struct logfile *lf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void logfile_vprintf(struct logfile *lf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Closes and opens the path again (after logrotate moved the file). */
void logfile_reopen(struct logfile *lf);
void logfile_close(struct logfile *lf);

#endif
