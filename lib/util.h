/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by every part of xlc: allocation that cannot fail
 * (xlc is a short-lived command; running out of memory ends it), a growable
 * string buffer, and the err()-style reporting used by the commands.
 */
#ifndef XLC_UTIL_H
#define XLC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define XLC_STR_(x) #x
#define XLC_STR(x) XLC_STR_(x) /* a macro's value as a string literal */

/* Exit codes, as xl uses them. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes all of buf, across short writes and EINTR: 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);
/* Reads len bytes, across short reads and EINTR: how many (fewer at end of file), or -1. */
ssize_t read_all(int fd, void *buf, size_t len);
/* Frees a NULL-terminated array of strings and the array. */
void strv_free(char **v);
/* The words of s split at blanks (space, tab, newline), NULL-terminated; free with strv_free. */
char **strv_split_blanks(const char *s);

/* A growable, always NUL-terminated byte buffer. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_addc(struct strbuf *sb, char c);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_addv(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
char *sb_detach(struct strbuf *sb);

/* Milliseconds of a clock NTP does not step, for deadlines a clock jump must not move. */
long long mono_ms(void);
void sb_free(struct strbuf *sb);

/* Messages on stderr, prefixed with "xlc: " ("xl: " when run as xl). */
extern int xlc_verbosity;
extern const char *xlc_progname;
void xlc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xlc_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads a whole file, or what is left of fd; NULL with errno set on failure. */
char *read_file(const char *path, size_t *len_out);
char *read_fd(int fd, size_t *len_out);
/* The same, refusing (errno EFBIG) more than max bytes. */
char *read_fd_max(int fd, size_t max, size_t *len_out);
/*
 * A config file: a regular file of at most max bytes, read without ever
 * blocking (a FIFO, a device or a folder is refused, /dev/zero included;
 * /dev/null is the empty config).
 * NULL with a one-line *err ("x.cfg is a directory, not a config file").
 */
char *read_config_file(const char *path, size_t max, size_t *len_out, char **err);
#define CONFIG_FILE_MAX (1u << 20) /* xl.cfg files are a few KiB */

/* A /proc/meminfo field ("MemTotal:") in KiB, or 0 if absent. */
long meminfo_kib(const char *key);

/* Parses a whole string as a number; false on junk, sign or overflow. */
bool parse_ulong(const char *s, int base, unsigned long *out);

/*
 * At most burst events per window of window_s seconds pass; the others are
 * counted, and the next one to pass learns (in *held_back) how many there were.
 * For messages a guest can trigger: the log stays bounded whatever it does.
 */
struct ratelimit {
	long long window_start; /* seconds, CLOCK_MONOTONIC */
	unsigned passed, held_back;
};
bool ratelimit_pass(struct ratelimit *rl, unsigned burst, unsigned window_s, unsigned *held_back);

/* Edit distance, used for "did you mean" hints. */
unsigned edit_distance(const char *a, const char *b);

#endif
