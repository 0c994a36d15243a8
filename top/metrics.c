// SPDX-License-Identifier: GPL-2.0
/*
 * `xlc metrics`: one sample of top's figures in Prometheus' text format
 * (top/prom.c), printed on stdout, written to a file atomically (-o, for
 * node_exporter's textfile collector), or sent as the answer to one HTTP
 * request read on stdin (--http, for a systemd socket unit with Accept=yes,
 * so xlc stays without a daemon).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "top/prom.h"
#include "top/sample.h"
#include "xlc/xlc.h"

/* A scraper's GET is a few hundred bytes, sent at once. */
#define HTTP_REQUEST_MAX 8192
#define HTTP_REQUEST_MS 5000

/* The exposition of one sample into out; -1 with *err. */
static int take(struct strbuf *out, char **err)
{
	struct sampler src;
	struct sample s;

	if (sampler_init(&src, global.backend, &xlc_config, err) || sample_take(&src, &s, err))
		return -1;
	prom_render(&s, src.be->name, out);
	sample_free(&s);
	return 0;
}

/* ".NAME.XXXXXX" beside path: hidden, and not *.prom, so no collector reads it. */
static char *temp_template(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xasprintf(".%s.XXXXXX", path);
	return xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
}

/*
 * The whole text into path at once: written and synced under a temporary
 * name in the same folder, then renamed over path, so a reader sees the old
 * file or the new one, never half of one, even across a crash.
 */
static int write_atomically(const char *path, const struct strbuf *text)
{
	char *tmp = temp_template(path);
	mode_t mask = umask(0);
	bool done;
	int fd, saved;

	umask(mask);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		xlc_warn("metrics: cannot create a file beside %s: %s; is its folder there and "
			 "writable?",
			 path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp's 0600 would keep node_exporter, which is not root, from reading it. */
	done = !fchmod(fd, 0666 & ~mask) && !write_all(fd, text->buf, text->len) && !fsync(fd);
	saved = errno;
	if (close(fd) && done) {
		done = false;
		saved = errno;
	}
	if (done && rename(tmp, path)) {
		done = false;
		saved = errno;
	}
	if (!done) {
		xlc_warn("metrics: cannot write %s: %s", path, strerror(saved));
		unlink(tmp);
	}
	free(tmp);
	return done ? 0 : -1;
}

static int print_once(const char *output)
{
	struct strbuf text;
	char *err = NULL;
	int rc = EXIT_OK;

	sb_init(&text);
	if (take(&text, &err)) {
		xlc_warn("metrics: %s", err);
		free(err);
		rc = EXIT_FAIL;
	} else if (output) {
		rc = write_atomically(output, &text) ? EXIT_FAIL : EXIT_OK;
	} else if (write_all(STDOUT_FILENO, text.buf, text.len)) {
		xlc_warn("metrics: cannot write to stdout: %s", strerror(errno));
		rc = EXIT_FAIL;
	}
	sb_free(&text);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where the request's head ends (a blank line, CRLF or bare LF), or NULL. */
static const char *head_end(const char *buf)
{
	const char *crlf = strstr(buf, "\r\n\r\n"), *lf = strstr(buf, "\n\n");

	if (crlf && (!lf || crlf < lf))
		return crlf;
	return lf;
}

/*
 * Reads the request's head from fd into buf (HTTP_REQUEST_MAX + 1 bytes):
 * 0, or the HTTP status that refuses it: 408 if it takes too long, 431 if
 * it is too long, 400 if the client stops before its blank line.
 */
static int read_request(int fd, char *buf)
{
	long long deadline = now_ms() + HTTP_REQUEST_MS;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;
	int r;

	buf[0] = '\0';
	while (!head_end(buf)) {
		if (len == HTTP_REQUEST_MAX)
			return 431;
		r = poll(&p, 1, (int)(deadline > now_ms() ? deadline - now_ms() : 0));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return 408;
		n = r < 0 ? -1 : read(fd, buf + len, HTTP_REQUEST_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 400;
		len += (size_t)n;
		buf[len] = '\0';
		if (memchr(buf, '\0', len)) /* a NUL in the head: no HTTP client sends one */
			return 400;
	}
	return 0;
}

static const char *reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 431:
		return "Request Header Fields Too Large";
	default:
		return "Internal Server Error";
	}
}

/* An HTTP/1.0 answer on stdout; the head alone for HEAD. */
static int respond(int status, const char *type, const char *body, size_t len, bool head_only)
{
	struct strbuf sb;
	int rc;

	sb_init(&sb);
	sb_addf(&sb,
		"HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n%s\r\n",
		status, reason(status), type, len, status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!head_only)
		sb_addn(&sb, body, len);
	rc = write_all(STDOUT_FILENO, sb.buf, sb.len);
	if (rc)
		xlc_warn("metrics: cannot send the answer: %s", strerror(errno));
	sb_free(&sb);
	return rc ? EXIT_FAIL : EXIT_OK;
}

static int respond_error(int status, const char *text, bool head_only)
{
	char *body = xasprintf("%s\n", text);
	int rc;

	xlc_info("metrics: HTTP %d: %s", status, text);
	rc = respond(status, "text/plain; charset=utf-8", body, strlen(body), head_only);
	free(body);
	return rc;
}

/* The sample as the answer to GET (or HEAD) /metrics; 500 if it cannot be taken. */
static int respond_metrics(bool head_only)
{
	struct strbuf text;
	char *err = NULL, *msg;
	int rc;

	sb_init(&text);
	if (take(&text, &err)) {
		msg = xasprintf("xlc metrics: %s", err);
		xlc_warn("metrics: %s", err);
		respond_error(500, msg, head_only);
		free(msg);
		free(err);
		sb_free(&text);
		return EXIT_FAIL;
	}
	rc = respond(200, PROM_CONTENT_TYPE, text.buf, text.len, head_only);
	sb_free(&text);
	return rc;
}

/* "METHOD TARGET HTTP/1.x", the request's first line, split; false if it is not that. */
static bool parse_request_line(const char *req, char method[16], char target[1024])
{
	size_t line = strcspn(req, "\r\n"), mlen, tlen;
	const char *sp1 = memchr(req, ' ', line), *sp2, *version;

	sp2 = sp1 ? memchr(sp1 + 1, ' ', line - (size_t)(sp1 + 1 - req)) : NULL;
	if (!sp2)
		return false;
	mlen = (size_t)(sp1 - req);
	tlen = (size_t)(sp2 - sp1 - 1);
	version = sp2 + 1;
	if (!mlen || mlen > 15 || strspn(req, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != mlen || !tlen ||
	    tlen > 1023 || req + line - version != 8 || strncmp(version, "HTTP/1.", 7))
		return false;
	memcpy(method, req, mlen);
	method[mlen] = '\0';
	memcpy(target, sp1 + 1, tlen);
	target[tlen] = '\0';
	return true;
}

/*
 * One request on stdin, its answer on stdout. Only /metrics is here (a
 * query string is ignored), for GET and HEAD.
 */
static int serve_http(void)
{
	char req[HTTP_REQUEST_MAX + 1], method[16], target[1024];
	bool head_only;
	int status;

	signal(SIGPIPE, SIG_IGN); /* a client gone is a write error, not a death */
	status = read_request(STDIN_FILENO, req);
	if (status == 408)
		return respond_error(status, "the request did not come in time", false);
	if (status == 431)
		return respond_error(status, "the request is too long", false);
	if (status || !parse_request_line(req, method, target))
		return respond_error(400, "not an HTTP/1.x request", false);
	head_only = !strcmp(method, "HEAD");
	if (strcspn(target, "?") != strlen("/metrics") || strncmp(target, "/metrics", 8))
		return respond_error(404, "not found: xlc's metrics are at /metrics", head_only);
	if (strcmp(method, "GET") && !head_only)
		return respond_error(405, "/metrics answers GET and HEAD", false);
	return respond_metrics(head_only);
}

int main_metrics(int argc, char **argv)
{
	char *cerr = NULL;
	const struct command *c = command_find("metrics", &cerr);
	const char *output = NULL;
	bool http = false;
	int opt;

	free(cerr);
	while ((opt = command_getopt(argc, argv, c)) != -1) {
		if (opt == 'o')
			output = optarg;
		else if (opt == METRICS_OPT_HTTP)
			http = true;
	}
	if (optind < argc)
		return usage_error(c, "unexpected argument '%s'", argv[optind]);
	if (output && http)
		return usage_error(c, "-o and --http exclude each other: a file, or an answer");
	if (output && !*output)
		return usage_error(c, "-o needs a file name");
	return http ? serve_http() : print_once(output);
}
