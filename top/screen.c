// SPDX-License-Identifier: GPL-2.0
/*
 * The interactive `xlc top`: xentop's screen and keys (D N B V R S Q, arrows,
 * Ctrl-L), plus a name filter (/ or F), a direct choice of the sort column
 * (O), and a sparkline of each domain's CPU(%) over the last samples.
 *
 * A sample is taken every delay seconds; a key that changes the view redraws
 * from the sample at hand, so toggles answer at once.
 */
#include <ctype.h>
#include <curses.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "top/sample.h"
#include "top/top.h"
#include "lib/util.h"

#define HISTORY 16
/* The summary: the clock and version, the domain counts, memory and CPUs. */
#define SUMMARY_LINES 3
/* The header: the summary and the column header under it. */
#define HEADER_LINES (SUMMARY_LINES + 1)
#define KEY_ESC 27
#define CTRL_L 12

struct history {
	int domid;
	char *name;
	double pct[HISTORY]; /* oldest first */
	unsigned n;
	bool seen;
};

struct screen {
	const struct sampler *src;
	struct top_opts *o;
	struct sample cur, prev;
	struct history *hist;
	unsigned nhist;
	int first; /* the first domain shown (scrolling) */
	const char *prompt;
	char input[64];
	char *filter;
	char *error; /* the last sampling error, shown on the status line */
	bool utf8;
};

/*
 * Where draw() writes next. Every line is clipped at the right edge and
 * nothing is written at or below the limit: a narrow or short terminal shows
 * less, never a wrapped or overprinted line. The pen keeps its own column,
 * since curses moves its cursor to the next line after the last column.
 */
static struct {
	int y, x;
	int limit; /* the first line the pen may not write on */
} pen;

static void pen_at(int y, int x)
{
	pen.y = y;
	pen.x = x;
}

static bool pen_full(void)
{
	return pen.y >= pen.limit;
}

/* One column's worth: a character, or a multi-byte glyph such as a block. */
static void put_column(const char *glyph, chtype c)
{
	if (!pen_full() && pen.x < COLS) {
		if (glyph)
			mvaddstr(pen.y, pen.x, glyph);
		else
			mvaddch(pen.y, pen.x, c);
	}
	pen.x++;
}

static void put(const char *text)
{
	for (; *text && !pen_full(); text++) {
		if (*text == '\n')
			pen_at(pen.y + 1, 0);
		else
			put_column(NULL, (chtype)(unsigned char)*text);
	}
}

static void putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void putf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(buf);
}

/* One multi-byte glyph (a sparkline block), one column wide. */
static void put_glyph(const char *glyph)
{
	put_column(glyph, 0);
}

static void record_history(struct screen *s)
{
	unsigned i, k;
	int j;

	for (i = 0; i < s->nhist; i++)
		s->hist[i].seen = false;
	for (j = 0; j < s->cur.n; j++) {
		const struct domain_stats *d = &s->cur.doms[j];
		struct history *h = NULL;

		for (i = 0; i < s->nhist && !h; i++)
			if (s->hist[i].domid == d->domid && !strcmp(s->hist[i].name, d->name))
				h = &s->hist[i];
		if (!h) {
			s->hist = xreallocarray(s->hist, s->nhist + 1, sizeof(*s->hist));
			h = &s->hist[s->nhist++];
			*h = (struct history){ .domid = d->domid, .name = xstrdup(d->name) };
		}
		h->seen = true;
		if (!s->prev.valid)
			continue; /* xentop's first sample has no CPU(%) */
		if (h->n == HISTORY)
			memmove(h->pct, h->pct + 1, sizeof(h->pct[0]) * (HISTORY - 1));
		else
			h->n++;
		h->pct[h->n - 1] = cpu_pct(&s->cur, &s->prev, d);
	}
	/* A domain that disappeared takes its history with it. */
	for (i = 0, k = 0; i < s->nhist; i++) {
		if (s->hist[i].seen)
			s->hist[k++] = s->hist[i];
		else
			free(s->hist[i].name);
	}
	s->nhist = k;
}

static bool resample(struct screen *s)
{
	struct sample next;
	char *err = NULL;

	if (sample_take(s->src, &next, &err)) {
		free(s->error);
		s->error = err;
		return false;
	}
	free(s->error);
	s->error = NULL;
	sample_free(&s->prev);
	s->prev = s->cur;
	s->cur = next;
	record_history(s);
	return true;
}

static void summary(const struct screen *s)
{
	unsigned count[SUMMARY_NONE + 1] = { 0 };
	const struct host_stats *h = &s->cur.host;
	char when[16];
	struct tm tm;
	int i;

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&s->cur.wall, &tm));
	putf("xlc top - %s   %s\n", when, h->version);
	for (i = 0; i < s->cur.n; i++)
		count[summary_state(&s->cur.doms[i])]++;
	putf("%d domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown \n",
	     s->cur.n, count[SUMMARY_RUNNING], count[SUMMARY_BLOCKED], count[SUMMARY_PAUSED],
	     count[SUMMARY_CRASHED], count[SUMMARY_DYING], count[SUMMARY_SHUTDOWN]);
	putf("Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %uMHz\n",
	     (unsigned long long)h->total_kb, (unsigned long long)(h->total_kb - h->free_kb),
	     (unsigned long long)h->free_kb, h->cpus, h->mhz);
}

static void header(const struct screen *s, const struct table *t)
{
	unsigned f;

	attron(A_REVERSE);
	for (f = 0; f < F_COUNT; f++) {
		if (f)
			put(" ");
		if (f == (unsigned)s->o->sort)
			attron(A_BOLD | A_UNDERLINE);
		putf("%*s", (int)t->width[f], field_header((enum field)f));
		if (f == (unsigned)s->o->sort)
			attroff(A_BOLD | A_UNDERLINE);
	}
	putf(" %-*s", HISTORY, "CPU HISTORY");
	attroff(A_REVERSE);
	put("\n");
}

static void sparkline(const struct screen *s, const struct domain_stats *d)
{
	/* 0 % still shows (the lowest block): a sample is there, the guest idled. */
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = "_.:-=+*#";
	const struct history *h = NULL;
	unsigned i;

	for (i = 0; i < s->nhist && !h; i++)
		if (s->hist[i].domid == d->domid && !strcmp(s->hist[i].name, d->name))
			h = &s->hist[i];
	put(" ");
	for (i = 0; h && i < h->n; i++) {
		double p = h->pct[i] < 0 ? 0 : h->pct[i] > 100 ? 100 : h->pct[i];
		unsigned level = (unsigned)(p / 100.0 * 7 + 0.5);

		if (s->utf8) {
			put_glyph(blocks[level]);
		} else {
			char c[2] = { ascii[level], 0 };

			put(c);
		}
	}
}

static void row(const struct screen *s, const struct table *t, const struct domain_stats *d)
{
	char cell[128];
	unsigned f;

	for (f = 0; f < F_COUNT; f++) {
		if (f)
			put(" ");
		table_cell(t, d, (enum field)f, cell, sizeof(cell));
		if (f == (unsigned)s->o->sort)
			attron(A_BOLD);
		put(cell);
		if (f == (unsigned)s->o->sort)
			attroff(A_BOLD);
	}
	sparkline(s, d);
	put("\n");
}

/* The detail lines that are on (-v -n -x), through batch mode's formatting. */
static void detail_text(const struct screen *s, const struct domain_stats *d, struct strbuf *sb)
{
	if (s->o->vcpus)
		table_vcpus(d, sb);
	if (s->o->networks)
		table_nets(d, sb);
	if (s->o->vbds)
		table_vbds(d, sb);
}

static void details(const struct screen *s, const struct domain_stats *d)
{
	struct strbuf sb;

	sb_init(&sb);
	detail_text(s, d, &sb);
	if (sb.buf)
		put(sb.buf);
	sb_free(&sb);
}

/* The lines one domain takes: its row, its detail lines, its header under R. */
static int domain_lines(const struct screen *s, const struct domain_stats *d)
{
	int lines = s->o->repeat_header ? 2 : 1;
	struct strbuf sb;
	const char *c;

	sb_init(&sb);
	detail_text(s, d, &sb);
	for (c = sb.buf; c && *c; c++)
		lines += *c == '\n';
	sb_free(&sb);
	return lines;
}

/*
 * The largest scroll offset worth having: the one that shows the last
 * domains in the table's lines (from the column header down). Scrolling
 * stops there, and a resize, a toggle or a domain that went brings the
 * offset back to it: a terminal with room for every domain shows them all.
 */
static int last_first(const struct screen *s, struct domain_stats **order, int n, int lines)
{
	int first = n, used = s->o->repeat_header ? 0 : 1; /* the column header */

	while (first > 0) {
		used += domain_lines(s, order[first - 1]);
		if (used > lines)
			break;
		first--;
	}
	/* Not even the last domain fits: it alone, as much of it as shows. */
	if (first == n)
		return n > 0 ? n - 1 : 0;
	return first;
}

static void hotkey(char key, const char *rest, bool on)
{
	attron(A_REVERSE);
	put_column(NULL, (chtype)(unsigned char)key);
	attroff(A_REVERSE);
	if (on)
		attron(COLOR_PAIR(1));
	put(rest);
	if (on)
		attroff(COLOR_PAIR(1));
	put("  ");
}

static void bottom_line(const struct screen *s)
{
	pen.limit = LINES;
	pen_at(LINES - 1, 2);
	if (s->prompt) {
		putf("%s: %s", s->prompt, s->input);
		return;
	}
	if (s->error) {
		putf("error: %s", s->error);
		return;
	}
	hotkey('D', "elay", false);
	hotkey('N', "etworks", s->o->networks);
	put("v");
	hotkey('B', "ds", s->o->vbds);
	hotkey('V', "CPUs", s->o->vcpus);
	hotkey('R', "epeat header", s->o->repeat_header);
	hotkey('S', "ort order", false);
	hotkey('O', "rder by", false);
	hotkey('F', s->filter ? "ilter" : "ilter", s->filter != NULL);
	hotkey('Q', "uit", false);
	if (s->filter)
		putf("[%s]", s->filter);
}

/*
 * Whether the last line shows the keys (or the prompt, or an error). A
 * terminal too short for everything gives its lines to the header first,
 * then to the rows, then to the keys: they take the last line once the
 * header and a row have theirs, or when no row wants it, or while a prompt
 * is being typed (what is typed must show).
 */
static bool shows_bottom_line(const struct screen *s, int ndomains)
{
	int spare = LINES - HEADER_LINES;

	if (spare >= 2)
		return true;
	return spare == 1 && (ndomains == 0 || s->prompt);
}

static void draw(struct screen *s)
{
	struct domain_stats **order;
	struct table t;
	bool bottom;
	int i, n, last;

	table_init(&t, &s->cur, &s->prev, s->o->full_names);
	n = top_order(&t, s->o, &order);
	bottom = shows_bottom_line(s, n);
	erase();
	pen.limit = bottom ? LINES - 1 : LINES;
	pen_at(0, 0);
	summary(s);
	last = last_first(s, order, n, pen.limit - SUMMARY_LINES);
	if (s->first > last)
		s->first = last;
	for (i = s->first; (i < n || i == s->first) && !pen_full(); i++) {
		if (i == s->first || s->o->repeat_header)
			header(s, &t);
		if (i >= n)
			break;
		row(s, &t, order[i]);
		details(s, order[i]);
	}
	free(order);
	if (bottom)
		bottom_line(s);
	refresh();
}

static void start_prompt(struct screen *s, const char *what)
{
	s->prompt = what;
	s->input[0] = '\0';
}

/* Enter in a prompt: apply what was typed. */
static void accept_prompt(struct screen *s)
{
	const char *p = s->prompt;
	double d;
	int f;

	s->prompt = NULL;
	if (!strcmp(p, "Delay(sec)")) {
		d = strtod(s->input, NULL);
		if (d > 0)
			s->o->delay = d;
	} else if (!strcmp(p, "Sort by column")) {
		f = field_by_name(s->input);
		if (f >= 0)
			s->o->sort = (enum field)f;
	} else {
		free(s->filter);
		s->filter = s->input[0] ? xstrdup(s->input) : NULL;
		s->o->filter = s->filter;
		s->first = 0;
	}
}

static void prompt_key(struct screen *s, int ch)
{
	size_t len = strlen(s->input);

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
		accept_prompt(s);
	else if (ch == KEY_ESC)
		s->prompt = NULL;
	else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len)
		s->input[len - 1] = '\0';
	else if (ch > 0 && ch < 256 && isprint(ch) && len + 1 < sizeof(s->input)) {
		s->input[len] = (char)ch;
		s->input[len + 1] = '\0';
	}
}

/* A key outside a prompt; false to quit. Unknown keys do nothing. */
static bool key(struct screen *s, int ch)
{
	switch (ch < 256 ? toupper(ch) : ch) {
	case 'Q':
	case KEY_ESC:
		return false;
	case 'D':
		start_prompt(s, "Delay(sec)");
		break;
	case 'N':
		s->o->networks = !s->o->networks;
		break;
	case 'B':
		s->o->vbds = !s->o->vbds;
		break;
	case 'V':
		s->o->vcpus = !s->o->vcpus;
		break;
	case 'R':
		s->o->repeat_header = !s->o->repeat_header;
		break;
	case 'S':
		s->o->sort = (enum field)((s->o->sort + 1) % F_COUNT);
		break;
	case 'O':
		start_prompt(s, "Sort by column");
		break;
	case 'F':
	case '/':
		start_prompt(s, "Filter by name");
		break;
	case KEY_UP:
		if (s->first > 0)
			s->first--;
		break;
	case KEY_DOWN:
		s->first++;
		break;
	case CTRL_L:
		clearok(stdscr, TRUE);
		break;
	}
	return true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int top_screen(const struct sampler *src, struct top_opts *o)
{
	struct screen s = { .src = src, .o = o };
	double next = 0;
	long done = 0;
	unsigned i;

	setlocale(LC_ALL, "");
	s.utf8 = MB_CUR_MAX > 1;
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	timeout(100);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, -1, COLOR_YELLOW);
	}
	for (;;) {
		int ch;

		if (now() >= next) {
			resample(&s);
			next = now() + o->delay;
			draw(&s);
			if (o->iterations && ++done >= o->iterations)
				break;
		}
		ch = getch();
		if (ch == ERR) {
			if (!top_sleep(0))
				break; /* SIGINT or SIGTERM */
			continue;
		}
		if (s.prompt)
			prompt_key(&s, ch);
		else if (!key(&s, ch))
			break;
		draw(&s); /* KEY_RESIZE lands here too: curses knows the new size */
	}
	endwin();
	sample_free(&s.cur);
	sample_free(&s.prev);
	for (i = 0; i < s.nhist; i++)
		free(s.hist[i].name);
	free(s.hist);
	free(s.filter);
	free(s.error);
	return EXIT_OK;
}
