// SPDX-License-Identifier: GPL-2.0
/*
 * pygrub's readings of the three menu formats (Xen's tools/pygrub), kept
 * where a guest would notice the difference, and GRUB's own where pygrub is
 * narrower than the bootloader the guest was installed with: a default named
 * by title, several initrds, linuxefi, extlinux's LINUX and INITRD, and an
 * extended partition's logical partitions (partitions.c).
 */
#include "backends/kvm/vmm/bootloader/boot_menu.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

struct reader {
	struct boot_menu *m;
	struct boot_entry *cur;	 /* the entry being read, or NULL */
	unsigned line, cur_line; /* the line being read; the one cur began on */
	char **err;
};

static int parse_error(struct reader *r, const char *what)
{
	*r->err = xasprintf("line %u: %s", r->line, what);
	return -1;
}

static char *skip_blanks(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Cuts the first word off *s (blanks end it); *s then points past the blanks after it. */
static char *next_word(char **s)
{
	char *w = skip_blanks(*s), *end = w;

	while (*end && *end != ' ' && *end != '\t')
		end++;
	*s = skip_blanks(end);
	if (*end)
		*end = '\0';
	return w;
}

static bool word_is(const char *word, const char *name)
{
	return strcmp(word, name) == 0;
}

/* A value with its matching quotes taken off, as pygrub's grub2_handle_set. */
static char *unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static int open_entry(struct reader *r, const char *title)
{
	struct boot_menu *m = r->m;

	if (m->n == BOOT_MENU_MAX_ENTRIES)
		return parse_error(r, "more than " XLC_STR(BOOT_MENU_MAX_ENTRIES) " menu entries");
	m->entries = xreallocarray(m->entries, m->n + 1, sizeof(*m->entries));
	r->cur = &m->entries[m->n++];
	r->cur_line = r->line;
	*r->cur = (struct boot_entry){ .title = xstrdup(title) };
	return 0;
}

/* GRUB's device prefix, "(hd0,msdos1)/boot/vmlinuz": the path is on the menu's filesystem. */
static const char *strip_device(const char *path)
{
	const char *close;

	if (*path != '(')
		return path;
	close = strchr(path, ')');
	return close ? close + 1 : path;
}

static void set_kernel(struct boot_entry *e, char *rest)
{
	char *path = next_word(&rest);

	free(e->kernel);
	free(e->args);
	e->kernel = xstrdup(strip_device(path));
	trim_end(rest);
	e->args = xstrdup(rest);
}

static int add_initrds(struct reader *r, char *rest)
{
	struct boot_entry *e = r->cur;
	char *path;

	while (*(path = next_word(&rest))) {
		if (e->ninitrds == BOOT_MENU_MAX_INITRDS)
			return parse_error(r,
					   "more than " XLC_STR(BOOT_MENU_MAX_INITRDS) " initrds");
		e->initrds[e->ninitrds++] = xstrdup(strip_device(path));
	}
	return 0;
}

static void set_default(struct reader *r, const char *value)
{
	free(r->m->default_entry);
	r->m->default_entry = xstrdup(value);
}

/* ---- GRUB 2: grub.cfg ---- */

struct grub2 {
	unsigned submenus; /* open submenu blocks: their entries count as the menu's own */
	bool in_function;
};

/* "menuentry 'Title' [options] {": the title as written between its quotes. */
static int grub2_menuentry(struct reader *r, char *rest)
{
	char quote = *rest, *end;

	if (r->cur)
		return parse_error(r, "a menuentry inside another one");
	if (quote != '\'' && quote != '"')
		return parse_error(r, "a menuentry without a quoted title");
	end = strchr(rest + 1, quote);
	if (!end)
		return parse_error(r, "a menuentry title without its closing quote");
	*end = '\0';
	if (!strchr(end + 1, '{'))
		return parse_error(r, "a menuentry without '{' on its line");
	return open_entry(r, rest + 1);
}

/* "set default=..." outside the entries; any other setting is GRUB's own business. */
static void grub2_set(struct reader *r, char *rest)
{
	char *eq = strchr(rest, '=');

	if (!eq)
		return;
	*eq = '\0';
	trim_end(rest);
	if (strcmp(rest, "default") == 0) {
		char *v = eq + 1;

		trim_end(v);
		set_default(r, unquote(skip_blanks(v)));
	}
}

static int grub2_line(struct reader *r, struct grub2 *g, char *line)
{
	char *rest = line, *word = next_word(&rest);

	if (g->in_function) {
		g->in_function = *word != '}';
		return 0;
	}
	if (word_is(word, "function")) {
		g->in_function = true;
		return 0;
	}
	if (word_is(word, "menuentry"))
		return grub2_menuentry(r, rest);
	if (word_is(word, "submenu")) {
		g->submenus++;
		return 0;
	}
	if (*word == '}') {
		if (r->cur)
			r->cur = NULL;
		else if (g->submenus)
			g->submenus--;
		else
			return parse_error(r, "'}' closes no menuentry");
		return 0;
	}
	if (!r->cur) {
		if (word_is(word, "set"))
			grub2_set(r, rest);
		return 0;
	}
	if (word_is(word, "linux") || word_is(word, "linux16") || word_is(word, "linuxefi"))
		set_kernel(r->cur, rest);
	else if (word_is(word, "initrd") || word_is(word, "initrd16") || word_is(word, "initrdefi"))
		return add_initrds(r, rest);
	return 0;
}

/* ---- GRUB legacy: menu.lst ---- */

static int legacy_line(struct reader *r, char *line)
{
	size_t n = strcspn(line, " \t=");
	char *word = line, *rest;

	/* GRUB legacy also takes "default=0" and "kernel=/vmlinuz ro": the value is the rest */
	rest = skip_blanks(line + n + (line[n] != '\0'));
	line[n] = '\0';
	trim_end(rest);
	if (word_is(word, "title"))
		return open_entry(r, rest);
	if (!r->cur) {
		if (word_is(word, "default"))
			set_default(r, rest);
		return 0;
	}
	if (word_is(word, "kernel"))
		set_kernel(r->cur, rest);
	else if (word_is(word, "initrd"))
		return add_initrds(r, rest);
	return 0;
}

/* ---- extlinux.conf / syslinux.cfg ---- */

/* APPEND's initrd=a,b: the initrds, taken out of the arguments as extlinux does. */
static int extlinux_append(struct reader *r, char *rest)
{
	struct boot_entry *e = r->cur;
	struct strbuf args;
	char *word;

	sb_init(&args);
	while (*(word = next_word(&rest))) {
		if (strncmp(word, "initrd=", 7) == 0) {
			char *list = word + 7, *one;

			while ((one = strsep(&list, ",")))
				if (*one && add_initrds(r, one)) {
					sb_free(&args);
					return -1;
				}
			continue;
		}
		if (args.len)
			sb_addc(&args, ' ');
		sb_adds(&args, word);
	}
	free(e->args);
	e->args = sb_detach(&args);
	return 0;
}

static int extlinux_line(struct reader *r, char *line)
{
	char *rest = line, *word = next_word(&rest);

	trim_end(rest);
	if (!strcasecmp(word, "label"))
		return open_entry(r, rest);
	if (!strcasecmp(word, "default") && !r->cur) {
		set_default(r, rest);
		return 0;
	}
	if (!r->cur)
		return 0;
	if (!strcasecmp(word, "kernel") || !strcasecmp(word, "linux")) {
		char *args = r->cur->args ? xstrdup(r->cur->args) : NULL;

		set_kernel(r->cur, rest);
		if (args) { /* extlinux's APPEND may come first */
			free(r->cur->args);
			r->cur->args = args;
		}
	} else if (!strcasecmp(word, "append")) {
		return extlinux_append(r, rest);
	} else if (!strcasecmp(word, "initrd")) {
		return add_initrds(r, rest);
	}
	return 0;
}

/* ---- the menu ---- */

static int parse_line(enum boot_menu_kind kind, struct reader *r, struct grub2 *g, char *line)
{
	line = skip_blanks(line);
	trim_end(line);
	if (!*line || *line == '#')
		return 0;
	switch (kind) {
	case MENU_GRUB2:
		return grub2_line(r, g, line);
	case MENU_GRUB_LEGACY:
		return legacy_line(r, line);
	case MENU_EXTLINUX:
		return extlinux_line(r, line);
	}
	return 0;
}

int boot_menu_parse(enum boot_menu_kind kind, const char *text, size_t len, struct boot_menu *m,
		    char **err)
{
	char *copy = xstrndup(text, len), *rest = copy, *line;
	struct reader r = { .m = m, .err = err };
	struct grub2 g = { 0 };
	unsigned i;

	memset(m, 0, sizeof(*m));
	while ((line = strsep(&rest, "\n"))) {
		r.line++;
		if (parse_line(kind, &r, &g, line))
			goto fail;
	}
	r.line = r.cur_line;
	if (kind == MENU_GRUB2 && r.cur && parse_error(&r, "a menuentry is never closed"))
		goto fail;
	for (i = 0; i < m->n; i++)
		if (!m->entries[i].args)
			m->entries[i].args = xstrdup("");
	free(copy);
	return 0;
fail:
	free(copy);
	boot_menu_free(m);
	return -1;
}

static bool parse_index(const char *s, unsigned *out)
{
	unsigned long v;

	if (!parse_ulong(s, 10, &v) || v >= BOOT_MENU_MAX_ENTRIES)
		return false;
	*out = (unsigned)v;
	return true;
}

/*
 * An index, or a title; false when it names no entry of m. GRUB's
 * "Submenu>Entry" (how Debian pins an older kernel) names the entry by its
 * own title, as pygrub reads it: the submenu's entries are in the list.
 */
static bool find_entry(const struct boot_menu *m, const char *name, unsigned *out)
{
	const char *last = strrchr(name, '>');
	unsigned i;

	if (parse_index(name, out))
		return *out < m->n;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->entries[i].title, name) == 0) {
			*out = i;
			return true;
		}
	return last && !parse_index(last + 1, out) && find_entry(m, last + 1, out);
}

int boot_menu_choose(const struct boot_menu *m, const char *choice)
{
	unsigned i = 0;

	if (!(choice && find_entry(m, choice, &i)) &&
	    !(m->default_entry && find_entry(m, m->default_entry, &i)))
		i = 0;
	if (i >= m->n || !m->entries[i].kernel)
		return -1;
	return (int)i;
}

void boot_menu_free(struct boot_menu *m)
{
	unsigned i, j;

	for (i = 0; i < m->n; i++) {
		struct boot_entry *e = &m->entries[i];

		free(e->title);
		free(e->kernel);
		for (j = 0; j < e->ninitrds; j++)
			free(e->initrds[j]);
		free(e->args);
	}
	free(m->entries);
	free(m->default_entry);
	memset(m, 0, sizeof(*m));
}
