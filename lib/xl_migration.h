/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xl's migration protocol, byte for byte, so that either end may be xl
 * (anchor: xl_migrate.c of Xen 4.17). Over the transport (ssh, or what -s
 * names), sender S and receiver R say:
 *
 *   R: banner "xl migration receiver ready, send binary domain data.\n"
 *   S: the save-file header and config (savefile.h), then the backend's
 *      stream; R restores it, paused, as NAME--incoming
 *   R: "domain received, ready to unpause\0"
 *   S: renames its domain NAME--migratedaway; "domain is yours, you are
 *      cleared to unpause\0"
 *   R: renames NAME--incoming to NAME, unpauses it; "my copy unpause results
 *      are as follows\0" and one status byte (0: it runs)
 *   S: destroys its copy; on a bad status, R destroys its own and says the
 *      go message back, and S renames and resumes its domain.
 *
 * Until S says go, a failure leaves the domain running at the source.
 */
#ifndef XLC_LIB_XL_MIGRATION_H
#define XLC_LIB_XL_MIGRATION_H

#include <stddef.h>

extern const char migration_banner[]; /* without its NUL on the wire */
extern const char migration_ready[];  /* these three with theirs */
extern const char migration_permission_to_go[];
extern const char migration_report[];
#define MIGRATION_BANNER_LEN 54
#define MIGRATION_READY_LEN 34
#define MIGRATION_GO_LEN 44
#define MIGRATION_REPORT_LEN 39

/*
 * Reads len bytes that must be msg; 0, or -1 after saying on stderr, as xl
 * does, what came instead (rune: the sender's transport command, or NULL
 * at the receiver).
 */
int migration_expect(int fd, const char *msg, size_t len, const char *what, const char *rune);

/*
 * The sender, after its go: the target's report, with xl's lines on
 * stderr. 0: the target runs the domain; 1: it could not, has destroyed its
 * copy and lets the sender resume; -1: the handshake broke (said too).
 */
int migration_sender_report(int recv_fd, const char *rune);

/* xl's words when the last handshake breaks: the domain may be at both ends, or neither. */
void migration_failed_badly(void);

#endif
