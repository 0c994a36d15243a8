// SPDX-License-Identifier: GPL-2.0
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int xlc_verbosity;

static void out_of_memory(void)
{
	fputs("xlc: out of memory\n", stderr);
	exit(EXIT_FAIL);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		out_of_memory();
	return xrealloc(ptr, nmemb * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;
	int n;

	sb_init(&sb);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	sb.buf = xrealloc(sb.buf, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return sb.buf;
}

void sb_init(struct strbuf *sb)
{
	sb->cap = 64;
	sb->len = 0;
	sb->buf = xmalloc(sb->cap);
	sb->buf[0] = '\0';
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	while (sb->len + extra + 1 > sb->cap)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

void sb_addv(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_addv(sb, fmt, ap);
	va_end(ap);
}

char *sb_detach(struct strbuf *sb)
{
	char *s = sb->buf;

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

const char *xlc_progname = "xlc";

static void vmessage(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", xlc_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void xlc_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void xlc_info(const char *fmt, ...)
{
	va_list ap;

	if (xlc_verbosity <= 0)
		return;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

char *read_fd(int fd, size_t *len_out)
{
	return read_fd_max(fd, SIZE_MAX, len_out);
}

char *read_fd_max(int fd, size_t max, size_t *len_out)
{
	struct strbuf sb;
	char chunk[8192];
	ssize_t n;

	sb_init(&sb);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n > 0 && sb.len + (size_t)n > max) {
			sb_free(&sb);
			errno = EFBIG;
			return NULL;
		}
		if (n > 0) {
			sb_addn(&sb, chunk, (size_t)n);
		} else if (errno != EINTR) {
			int saved = errno;

			sb_free(&sb);
			errno = saved;
			return NULL;
		}
	}
	if (len_out)
		*len_out = sb.len;
	return sb_detach(&sb);
}

char *read_file(const char *path, size_t *len_out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	char *text;

	if (fd < 0)
		return NULL;
	text = read_fd(fd, len_out);
	saved = errno;
	close(fd);
	errno = saved;
	return text;
}

char *read_config_file(const char *path, size_t max, size_t *len_out, char **err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *text = NULL;

	if (fd < 0 || fstat(fd, &st)) {
		*err = xasprintf("cannot read config file %s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
		text = xstrdup(""); /* /dev/null: the empty config, as scripts use it */
		*len_out = 0;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("cannot read config file %s: it is %s, not a config file", path,
				 S_ISDIR(st.st_mode)	? "a directory"
				 : S_ISFIFO(st.st_mode) ? "a FIFO"
				 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
					 ? "a device"
					 : "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		*err = xasprintf(
			"cannot read config file %s: it is %llu bytes, more than the %zu a "
			"config may have",
			path, (unsigned long long)st.st_size, max);
		goto out;
	}
	text = read_fd_max(fd, max, len_out);
	if (!text)
		*err = xasprintf("cannot read config file %s: %s", path,
				 errno == EFBIG ? "it grew past the size a config may have"
						: strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	return text;
}

bool parse_ulong(const char *s, int base, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned *row, best;

	if (la > 64 || lb > 64)
		return 99;
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned sub = diag + (a[i - 1] != b[j - 1]);
			unsigned del = up + 1, ins = row[j - 1] + 1;

			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			diag = up;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

void strv_free(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

char **strv_split_blanks(const char *s)
{
	char *copy = xstrdup(s), *save = NULL, *tok;
	char **v = xcalloc(strlen(copy) / 2 + 2, sizeof(char *));
	unsigned n = 0;

	for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
		v[n++] = xstrdup(tok);
	free(copy);
	return v;
}

long meminfo_kib(const char *key)
{
	char *text = read_file("/proc/meminfo", NULL), *p;
	long v = 0;

	if (text && (p = strstr(text, key)))
		v = strtol(p + strlen(key), NULL, 10);
	free(text);
	return v;
}

long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool ratelimit_pass(struct ratelimit *rl, unsigned burst, unsigned window_s, unsigned *held_back)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec - rl->window_start >= (long long)window_s) {
		rl->window_start = ts.tv_sec;
		rl->passed = 0;
	}
	if (rl->passed >= burst) {
		rl->held_back++;
		return false;
	}
	rl->passed++;
	*held_back = rl->held_back;
	rl->held_back = 0;
	return true;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *buf = data;

	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *data, size_t len)
{
	char *buf = data;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}
