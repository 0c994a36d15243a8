// SPDX-License-Identifier: GPL-2.0
/*
 * The xl.cfg tokenizer in front of libconfuse.
 *
 * xl's grammar (tools/libs/util/libxlu_cfg_l.l and _y.y, restated in
 * xl.cfg(5)): statements "key = value" or "key += value", ended by a newline
 * or ';'; keys are [a-z][._0-9a-z]*; a value is a quoted string, a number
 * ([0-9][0-9a-fx]*) or a '[ ]' list of values (so lists nest), which may be
 * empty, span lines and end with a comma; '#' starts a comment anywhere.
 *
 * Each scalar statement is checked and re-emitted in libconfuse's syntax on
 * the same line ("key = 'value'"), so libconfuse's line numbers are ours; a
 * table maps them back for the rare string holding a newline. Lists, which
 * libconfuse cannot hold once they nest, are kept here as struct cfg_value
 * trees, '+=' included.
 */
#include "parsers/cfg_reader.h"

#include <confuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct line_origin {
	const char *source;
	int line;
};

struct cfg_doc {
	const struct cfg_key *schema;
	cfg_opt_t *opts;
	cfg_t *cfg;
	struct cfg_stmt *stmts;
	size_t nstmts;
	struct line_origin *origin; /* indexed by libconfuse's line number */
	size_t norigin;
	char *confuse_error;
	int confuse_error_line;
	unsigned flags;
	struct cfg_key **unknown; /* keys outside the schema, under CFG_UNKNOWN_WARN */
	size_t nunknown;
};

enum tok_type {
	T_EOF,
	T_NEWLINE,
	T_SEMI,
	T_IDENT,
	T_NUMBER,
	T_STRING,
	T_EQ,
	T_PLUSEQ,
	T_LBRACK,
	T_RBRACK,
	T_COMMA,
	T_BAD,
};

struct token {
	enum tok_type type;
	const char *start;
	size_t len;
	char *value; /* decoded text of IDENT, NUMBER and STRING */
};

struct lexer {
	const struct cfg_chunk *chunk;
	const char *p, *end;
	int line;
	char *err; /* set by the first lexical error */
};

struct emitter {
	struct strbuf out;
	struct cfg_doc *doc;
	const char *source;
	int src_line;
};

static char *lex_error(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *lex_error(struct lexer *lx, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	(void)lx;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return msg;
}

static bool is_ident_start(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

static bool is_number_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x';
}

/* Decodes one escape after a backslash; returns false with lx->err set. */
static bool decode_escape(struct lexer *lx, char c, struct strbuf *sb)
{
	static const char from[] = "\"'\\abfnrtv";
	static const char to[] = "\"'\\\a\b\f\n\r\t\v";
	const char *hit = c ? strchr(from, c) : NULL;

	if (hit) {
		sb_addc(sb, to[hit - from]);
		return true;
	}
	if (c == 'x')
		lx->err = lex_error(lx, "'\\x' escapes are not part of xl.cfg strings; "
					"write the character itself");
	else if (c >= '0' && c <= '7')
		lx->err = lex_error(lx,
				    "octal escapes such as '\\%c' are not part of xl.cfg "
				    "strings (xl drops them silently); write the character itself",
				    c);
	else
		lx->err = lex_error(lx, "unknown escape '\\%c' in a string", c);
	return false;
}

static void lex_string(struct lexer *lx, struct token *t)
{
	char quote = *lx->p++;
	struct strbuf sb;

	sb_init(&sb);
	while (lx->p < lx->end && *lx->p != quote) {
		char c = *lx->p++;

		if (c == '\n' || c == '\0') {
			lx->err = lex_error(lx, c ? "unterminated string: a string cannot "
						    "span lines"
						  : "a string cannot hold a NUL byte");
			goto bad;
		}
		if (c == '\\') {
			if (lx->p >= lx->end || !decode_escape(lx, *lx->p++, &sb)) {
				if (!lx->err)
					lx->err = lex_error(lx, "unterminated string");
				goto bad;
			}
			continue;
		}
		sb_addc(&sb, c);
		if (sb.len > CFG_STRING_MAX) {
			lx->err = lex_error(lx, "a string longer than %u bytes", CFG_STRING_MAX);
			goto bad;
		}
	}
	if (lx->p >= lx->end) {
		lx->err = lex_error(lx, "unterminated string: missing the closing %c", quote);
		goto bad;
	}
	lx->p++;
	t->type = T_STRING;
	t->value = sb_detach(&sb);
	return;
bad:
	sb_free(&sb);
	t->type = T_BAD;
}

static void lex_run(struct lexer *lx, struct token *t, enum tok_type type, bool (*member)(char))
{
	while (lx->p < lx->end && member(*lx->p))
		lx->p++;
	t->type = type;
	t->value = xstrndup(t->start, (size_t)(lx->p - t->start));
}

static void next_token(struct lexer *lx, struct token *t)
{
	char c;

	free(t->value);
	memset(t, 0, sizeof(*t));
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
		lx->p++;
	if (lx->p < lx->end && *lx->p == '#')
		while (lx->p < lx->end && *lx->p != '\n')
			lx->p++;
	t->start = lx->p;
	if (lx->p >= lx->end) {
		t->type = T_EOF;
		return;
	}
	c = *lx->p;
	if (is_ident_start(c)) {
		lex_run(lx, t, T_IDENT, is_ident_char);
	} else if (c >= '0' && c <= '9') {
		lex_run(lx, t, T_NUMBER, is_number_char);
	} else if (c == '"' || c == '\'') {
		lex_string(lx, t);
	} else if (c == '+' && lx->p + 1 < lx->end && lx->p[1] == '=') {
		lx->p += 2;
		t->type = T_PLUSEQ;
	} else {
		static const char punct[] = "\n;=[],";
		static const enum tok_type types[] = { T_NEWLINE, T_SEMI,   T_EQ,
						       T_LBRACK,  T_RBRACK, T_COMMA };
		const char *hit = strchr(punct, c);

		lx->p++;
		t->type = hit && c ? types[hit - punct] : T_BAD;
	}
	t->len = (size_t)(lx->p - t->start);
}

/*
 * The value as written, for messages: "512MB", "[ 'a', 'b' ]". A list is
 * followed to its ']' across lines, with comments dropped and blanks folded;
 * a value longer than STATEMENT_SHOWN is cut there, so a message stays a line.
 */
#define STATEMENT_SHOWN 160
static char *statement_text(const char *from, const char *end)
{
	bool list, quoted = false, blank = false;
	struct strbuf sb;
	unsigned depth = 0; /* of '[' not yet closed: a nested list ends at its outer ']' */
	char q = 0;

	while (from < end && (*from == ' ' || *from == '\t'))
		from++;
	list = from < end && *from == '[';
	sb_init(&sb);
	for (; from < end; from++) {
		char c = *from;

		if (quoted) {
			if (c == '\n')
				break;
			quoted = c != q;
		} else if (c == '"' || c == '\'') {
			quoted = true;
			q = c;
		} else if (c == '#' || c == '\n' || c == ';') {
			if (!list || c == ';')
				break;
			while (c == '#' && from + 1 < end && from[1] != '\n')
				from++;
			blank = true;
			continue;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			blank = true;
			continue;
		}
		if (blank && sb.len)
			sb_addc(&sb, ' ');
		blank = false;
		sb_addc(&sb, c);
		if (list && !quoted && c == '[')
			depth++;
		if (list && !quoted && c == ']' && depth > 0 && --depth == 0)
			break;
		if (sb.len > STATEMENT_SHOWN) {
			sb.len = STATEMENT_SHOWN;
			sb_adds(&sb, "...");
			break;
		}
	}
	return sb_detach(&sb);
}

/* strcspn() bounded by end: the text need not be NUL-terminated. */
static size_t span_to(const char *p, const char *end, const char *stop)
{
	const char *q = p;

	while (q < end && *q && !strchr(stop, *q))
		q++;
	return (size_t)(q - p);
}

const struct cfg_key *cfg_key_find(const struct cfg_key *schema, const char *name)
{
	for (; schema->name; schema++)
		if (!strcmp(schema->name, name))
			return schema;
	return NULL;
}

/* A key of this document: the schema's, or one read under CFG_UNKNOWN_WARN. */
static const struct cfg_key *doc_key_find(const struct cfg_doc *doc, const char *name)
{
	const struct cfg_key *key = cfg_key_find(doc->schema, name);
	size_t i;

	for (i = 0; !key && i < doc->nunknown; i++)
		if (!strcmp(doc->unknown[i]->name, name))
			key = doc->unknown[i];
	return key;
}

static char *suggest_key(const struct cfg_key *schema, const char *name);

/* A key outside the schema; its hint is "; did you mean 'memory'?" or "". */
static const struct cfg_key *add_unknown_key(struct cfg_doc *doc, const char *name)
{
	struct cfg_key *key = xcalloc(1, sizeof(*key));

	*key = (struct cfg_key){ xstrdup(name), KEY_ANY, KEY_UNKNOWN,
				 suggest_key(doc->schema, name) };
	doc->unknown = xreallocarray(doc->unknown, doc->nunknown + 1, sizeof(*doc->unknown));
	doc->unknown[doc->nunknown++] = key;
	return key;
}

/* "; did you mean 'memory'?" or "": never a legacy key, which would do nothing. */
static char *suggest_key(const struct cfg_key *schema, const char *name)
{
	const struct cfg_key *best = NULL;
	unsigned best_d = 3, d;
	size_t len = strlen(name);

	for (; schema->name; schema++) {
		if (schema->flags & KEY_LEGACY)
			continue;
		if (!strcasecmp(schema->name, name)) {
			best = schema;
			break;
		}
		d = edit_distance(schema->name, name);
		if (d < best_d && d <= len / 3 + 1) {
			best_d = d;
			best = schema;
		}
	}
	return best ? xasprintf("; did you mean '%s'?", best->name) : xstrdup("");
}

static void emit_newline(struct emitter *em, int next_src_line)
{
	struct cfg_doc *doc = em->doc;

	sb_addc(&em->out, '\n');
	doc->origin = xreallocarray(doc->origin, doc->norigin + 1, sizeof(*doc->origin));
	doc->origin[doc->norigin].source = em->source;
	doc->origin[doc->norigin].line = next_src_line;
	doc->norigin++;
}

/* A value in libconfuse's single quotes, where only \\ and \' are special. */
static void emit_quoted(struct emitter *em, const char *s)
{
	sb_addc(&em->out, '\'');
	for (; *s; s++) {
		if (*s == '\\' || *s == '\'')
			sb_addc(&em->out, '\\');
		if (*s == '\n')
			emit_newline(em, em->src_line);
		else
			sb_addc(&em->out, *s);
	}
	sb_addc(&em->out, '\'');
}

struct parser {
	struct lexer lx;
	struct token tok;
	struct emitter *em;
	const struct cfg_key *schema;
	char *err;	     /* the finished one-line message */
	const char *cur_key; /* the statement being read, for lexer errors */
	const char *cur_vstart;
	const char *cur_op; /* "=" or "+=" */
	int tok_line;	    /* the line of ps->tok: a newline's is the line it ends */
};

static void advance(struct parser *ps)
{
	next_token(&ps->lx, &ps->tok);
	ps->tok_line = ps->lx.line;
	if (ps->tok.type == T_NEWLINE) {
		ps->lx.line++;
		emit_newline(ps->em, ps->lx.line);
		ps->em->src_line = ps->lx.line;
	}
}

static void stmt_error_v(struct parser *ps, int line, const char *key, const char *value_start,
			 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void stmt_error_v(struct parser *ps, int line, const char *key, const char *value_start,
			 const char *fmt, va_list ap)
{
	char *raw;
	struct strbuf sb;

	if (ps->err)
		return;
	raw = statement_text(value_start, ps->lx.end);
	sb_init(&sb);
	sb_addf(&sb, "%s:%d: %s %s %s: ", ps->lx.chunk->source, line, key,
		ps->cur_op ? ps->cur_op : "=", raw);
	sb_addv(&sb, fmt, ap);
	ps->err = sb_detach(&sb);
	free(raw);
}

/* "source:line: key = value: message", at the line of the current token. */
static void stmt_error(struct parser *ps, const char *key, const char *value_start, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));

static void stmt_error(struct parser *ps, const char *key, const char *value_start, const char *fmt,
		       ...)
{
	va_list ap;

	va_start(ap, fmt);
	stmt_error_v(ps, ps->tok_line, key, value_start, fmt, ap);
	va_end(ap);
}

/* The same at an item of a list, which may start on an earlier line. */
static bool item_error(struct parser *ps, const struct cfg_value *item, const char *key,
		       const char *value_start, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static bool item_error(struct parser *ps, const struct cfg_value *item, const char *key,
		       const char *value_start, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stmt_error_v(ps, item->line, key, value_start, fmt, ap);
	va_end(ap);
	return false;
}

static const char *key_hint(const struct cfg_key *key)
{
	return key && key->hint ? key->hint : NULL;
}

static const char *token_name(enum tok_type t)
{
	switch (t) {
	case T_EOF:
		return "the end of the file";
	case T_NEWLINE:
		return "the end of the line";
	case T_SEMI:
		return "';'";
	case T_IDENT:
		return "a bare word";
	case T_NUMBER:
		return "a number";
	case T_STRING:
		return "a string";
	case T_EQ:
		return "'='";
	case T_PLUSEQ:
		return "'+='";
	case T_LBRACK:
		return "'['";
	case T_RBRACK:
		return "']'";
	case T_COMMA:
		return "','";
	default:
		return "a character that has no meaning here";
	}
}

static void cfg_value_dispose(struct cfg_value *v)
{
	unsigned i;

	for (i = 0; i < v->nitems; i++)
		cfg_value_dispose(&v->items[i]); /* at most CFG_LIST_DEPTH_MAX deep */
	free(v->items);
	free(v->string);
	memset(v, 0, sizeof(*v));
}

static void cfg_value_free(struct cfg_value *v)
{
	if (v)
		cfg_value_dispose(v);
	free(v);
}

/*
 * The room a list of n items has: 4, then powers of two. Every items array
 * is that size, so adding to a list (an item, or += a list) reallocates only
 * when it doubles, and a file of many += stays linear.
 */
static size_t list_room(size_t n)
{
	size_t room = 4;

	while (room < n)
		room *= 2;
	return room;
}

/* Makes room in list for more items after its own. */
static void list_grow(struct cfg_value *list, size_t more)
{
	size_t n = list->nitems;

	if (!n || n + more > list_room(n))
		list->items = xreallocarray(list->items, list_room(n + more), sizeof(*list->items));
}

/* A new, empty item at the end of list. */
static struct cfg_value *list_add(struct cfg_value *list)
{
	list_grow(list, 1);
	memset(&list->items[list->nitems], 0, sizeof(*list->items));
	return &list->items[list->nitems++];
}

static bool parse_list(struct parser *ps, const char *keyname, const char *vstart, unsigned depth,
		       struct cfg_value *list);

/* One item of a list: a string, a number (kept as written) or a list. */
static bool parse_item(struct parser *ps, const char *keyname, const char *vstart, unsigned depth,
		       struct cfg_value *item)
{
	item->source = ps->lx.chunk->source;
	item->line = ps->tok_line;
	if (ps->tok.type == T_LBRACK)
		return parse_list(ps, keyname, vstart, depth + 1, item);
	if (ps->tok.type != T_STRING && ps->tok.type != T_NUMBER) {
		if (ps->lx.err)
			return false;
		stmt_error(ps, keyname, vstart,
			   "expected a quoted string in the list, found %s%s%s",
			   token_name(ps->tok.type), ps->tok.type == T_IDENT ? " (quote it)" : "",
			   ps->tok.type == T_EOF ? " (missing ']')" : "");
		return false;
	}
	item->string = ps->tok.value;
	ps->tok.value = NULL;
	advance(ps);
	return true;
}

static void skip_newlines(struct parser *ps)
{
	while (ps->tok.type == T_NEWLINE)
		advance(ps);
}

/*
 * Parses '[' ... ']' (the '[' is current) into list, as libxlutil's grammar
 * reads it: '[' nlok (value nlok (',' nlok value nlok)* (',' nlok)?)? ']'.
 * depth is this list's: 1 for the value itself, 2 for a list inside it.
 */
static bool parse_list(struct parser *ps, const char *keyname, const char *vstart, unsigned depth,
		       struct cfg_value *list)
{
	if (depth > CFG_LIST_DEPTH_MAX) {
		stmt_error(ps, keyname, vstart,
			   "lists nested more than %u deep (xlc's bound; xl.cfg's deepest, "
			   "vnuma's, is 2)",
			   CFG_LIST_DEPTH_MAX);
		return false;
	}
	advance(ps);
	for (;;) {
		skip_newlines(ps);
		if (ps->tok.type == T_RBRACK)
			break;
		if (!parse_item(ps, keyname, vstart, depth, list_add(list)))
			return false;
		skip_newlines(ps);
		if (ps->tok.type == T_COMMA) {
			advance(ps);
			continue;
		}
		if (ps->tok.type != T_RBRACK) {
			if (!ps->lx.err)
				stmt_error(ps, keyname, vstart,
					   "expected ',' or ']' in the list, found %s",
					   token_name(ps->tok.type));
			return false;
		}
	}
	advance(ps);
	return true;
}

static struct cfg_stmt *last_stmt_of(struct cfg_doc *doc, const struct cfg_key *key)
{
	size_t i = doc->nstmts;

	while (i-- > 0)
		if (doc->stmts[i].key == key)
			return &doc->stmts[i];
	return NULL;
}

static const struct cfg_stmt *last_stmt(const struct cfg_doc *doc, const struct cfg_key *key)
{
	return last_stmt_of((struct cfg_doc *)doc, key);
}

static bool takes_list(const struct cfg_key *key)
{
	return key->kind == KEY_LIST || key->kind == KEY_ANY || key->kind == KEY_LISTS;
}

static bool check_shape(struct parser *ps, const struct cfg_key *key, bool is_list, bool append,
			const char *vstart)
{
	const struct cfg_stmt *prev = last_stmt(ps->em->doc, key);

	if (is_list && !takes_list(key)) {
		stmt_error(ps, key->name, vstart, "%s takes a single value, not a list%s%s",
			   key->name, key_hint(key) ? "; " : "", key_hint(key) ? key->hint : "");
		return false;
	}
	if (!is_list && (key->kind == KEY_LIST || key->kind == KEY_LISTS)) {
		stmt_error(ps, key->name, vstart, "%s takes a list: %s = [ ... ]", key->name,
			   key->name);
		return false;
	}
	if (append && key->kind == KEY_INT) {
		stmt_error(ps, key->name, vstart, "'+=' cannot be used on a number");
		return false;
	}
	if (append && prev && prev->is_list != is_list) {
		stmt_error(ps, key->name, vstart, "cannot add a %s to a %s",
			   is_list ? "list" : "string", prev->is_list ? "list" : "string");
		return false;
	}
	return true;
}

/*
 * Lists inside the list: a KEY_LISTS key takes a list of lists of strings,
 * other keys a list of strings, and a key xl ignores anything. xl itself
 * stops at (disk, vif...) or skips (vnuma) an item of the other shape
 * without a word; xlc names it.
 */
static bool check_nesting(struct parser *ps, const struct cfg_key *key,
			  const struct cfg_value *list, const char *vstart)
{
	const char *hint = key_hint(key);
	unsigned i, j;

	if (key->flags & (KEY_LEGACY | KEY_UNKNOWN))
		return true;
	for (i = 0; i < list->nitems; i++) {
		const struct cfg_value *item = &list->items[i];

		if (key->kind != KEY_LISTS && !item->string)
			return item_error(ps, item, key->name, vstart,
					  "item %u is a list; %s takes strings: %s = [ '...', "
					  "'...' ] (only vnuma and vsnd take lists of lists)",
					  i, key->name, key->name);
		if (key->kind == KEY_LISTS && item->string)
			return item_error(ps, item, key->name, vstart,
					  "item %u is a string; %s takes a list of lists%s%s", i,
					  key->name, hint ? ", " : "", hint ? hint : "");
		for (j = 0; key->kind == KEY_LISTS && j < item->nitems; j++)
			if (!item->items[j].string)
				return item_error(ps, &item->items[j], key->name, vstart,
						  "item %u holds a list; the lists inside %s hold "
						  "strings",
						  i, key->name);
	}
	return true;
}

/*
 * list += more, as libxlutil adds lists: the earlier items move to the
 * front, the earlier statement keeps an empty list (nothing reads it again).
 */
static void prepend_items(struct cfg_value *list, struct cfg_value *earlier)
{
	if (!earlier->nitems)
		return;
	if (list->nitems) {
		list_grow(earlier, list->nitems);
		memcpy(earlier->items + earlier->nitems, list->items,
		       list->nitems * sizeof(*list->items));
	}
	free(list->items);
	list->items = earlier->items;
	list->nitems += earlier->nitems;
	earlier->items = NULL;
	earlier->nitems = 0;
}

static struct cfg_stmt *record_stmt(struct parser *ps, const struct cfg_key *key,
				    const char *vstart, char *value, struct cfg_value *list)
{
	struct cfg_doc *doc = ps->em->doc;
	struct cfg_stmt *st;

	doc->stmts = xreallocarray(doc->stmts, doc->nstmts + 1, sizeof(*doc->stmts));
	st = &doc->stmts[doc->nstmts++];
	st->key = key;
	st->source = ps->lx.chunk->source;
	st->line = ps->lx.line;
	st->raw = statement_text(vstart, ps->lx.end);
	st->value = value;
	st->list = list;
	st->is_list = list != NULL;
	st->append = ps->cur_op && ps->cur_op[0] == '+';
	return st;
}

/* "key = [ ... ]" or "key += [ ... ]" from its '['; line is the key's, the statement's. */
static bool parse_list_value(struct parser *ps, const struct cfg_key *key, bool append,
			     const char *vstart, int line)
{
	struct cfg_value *list = xcalloc(1, sizeof(*list));
	struct cfg_stmt *prev;

	list->source = ps->lx.chunk->source;
	list->line = ps->tok_line;
	if (!check_shape(ps, key, true, append, vstart) ||
	    !parse_list(ps, key->name, vstart, 1, list) || !check_nesting(ps, key, list, vstart)) {
		cfg_value_free(list);
		return false;
	}
	prev = last_stmt_of(ps->em->doc, key);
	if (append && prev && prev->list)
		prepend_items(list, prev->list);
	record_stmt(ps, key, vstart, NULL, list)->line = line;
	return true;
}

/* Parses one "key = value" / "key += value" (the key is current). */
static bool parse_assignment(struct parser *ps)
{
	char *name = xstrdup(ps->tok.value);
	const struct cfg_key *key = doc_key_find(ps->em->doc, name);
	const char *vstart;
	bool append, ok = false;
	int line = ps->lx.line;

	advance(ps);
	vstart = ps->tok.start;
	if (ps->tok.type != T_EQ && ps->tok.type != T_PLUSEQ) {
		if (!ps->lx.err)
			ps->err = xasprintf("%s:%d: expected '=' or '+=' after '%s', found %s",
					    ps->lx.chunk->source, ps->tok_line, name,
					    token_name(ps->tok.type));
		goto out;
	}
	ps->cur_key = name;
	ps->cur_vstart = vstart + (ps->tok.type == T_PLUSEQ ? 2 : 1);
	append = ps->tok.type == T_PLUSEQ;
	ps->cur_op = append ? "+=" : "=";
	advance(ps);
	if (!key && (ps->em->doc->flags & CFG_UNKNOWN_WARN) &&
	    ps->em->doc->nunknown < CFG_UNKNOWN_MAX)
		key = add_unknown_key(ps->em->doc, name);
	if (!key) {
		char *hint = suggest_key(ps->schema, name);

		stmt_error(ps, name, vstart + (append ? 2 : 1), "unknown key%s", hint);
		free(hint);
		goto out;
	}
	vstart += append ? 2 : 1;
	if (ps->tok.type == T_LBRACK) {
		if (!parse_list_value(ps, key, append, vstart, line))
			goto out;
	} else if (ps->tok.type == T_STRING || ps->tok.type == T_NUMBER) {
		const struct cfg_stmt *prev = last_stmt(ps->em->doc, key);
		char *value;

		if (!check_shape(ps, key, false, append, vstart))
			goto out;
		if (append && prev)
			value = xasprintf("%s%s", prev->value, ps->tok.value);
		else
			value = xstrdup(ps->tok.value);
		sb_addf(&ps->em->out, "%s = ", key->name);
		emit_quoted(ps->em, value);
		record_stmt(ps, key, vstart, value, NULL);
		advance(ps);
	} else if (ps->tok.type == T_BAD && *ps->tok.start == '-') {
		stmt_error(ps, key->name, vstart, "negative numbers are not allowed%s%s",
			   key->hint ? "; " : "", key->hint ? key->hint : "");
		goto out;
	} else {
		if (!ps->lx.err)
			stmt_error(ps, key->name, vstart, "expected a value, found %s%s",
				   token_name(ps->tok.type),
				   ps->tok.type == T_IDENT ? " (strings must be quoted)" : "");
		goto out;
	}
	if (ps->tok.type != T_NEWLINE && ps->tok.type != T_SEMI && ps->tok.type != T_EOF) {
		const char *hint = key_hint(key);

		if (!ps->lx.err || ps->tok.type == T_BAD) {
			free(ps->lx.err);
			ps->lx.err = NULL;
			stmt_error(ps, key->name, vstart, "unexpected '%.*s' after the value%s%s",
				   (int)span_to(ps->tok.start, ps->lx.end, " \t\r\n;#"),
				   ps->tok.start, hint ? "; " : "", hint ? hint : "");
		}
		goto out;
	}
	ok = true;
out:
	if (!ok && ps->lx.err && !ps->err)
		stmt_error(ps, name, ps->cur_vstart ? ps->cur_vstart : vstart, "%s", ps->lx.err);
	ps->cur_key = NULL;
	ps->cur_vstart = NULL;
	ps->cur_op = NULL;
	free(name);
	return ok;
}

static bool parse_chunk(struct parser *ps)
{
	for (advance(ps); ps->tok.type != T_EOF;) {
		if (ps->lx.err || ps->err)
			return false;
		if (ps->tok.type == T_NEWLINE || ps->tok.type == T_SEMI) {
			advance(ps);
			continue;
		}
		if (ps->tok.type != T_IDENT) {
			const char *p = ps->tok.start;
			size_t n = span_to(p, ps->lx.end, " \t\r\n=;#");

			if (ps->tok.type == T_BAD && *p >= 'A' && *p <= 'Z') {
				char *lower = xstrndup(p, n), *hint;

				for (char *q = lower; *q; q++)
					*q = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
				hint = suggest_key(ps->schema, lower);
				ps->err = xasprintf("%s:%d: '%.*s': keys are lowercase%s",
						    ps->lx.chunk->source, ps->tok_line, (int)n, p,
						    hint);
				free(hint);
				free(lower);
			} else if (!ps->lx.err) {
				ps->err = xasprintf("%s:%d: expected a key, found %s '%.*s'",
						    ps->lx.chunk->source, ps->tok_line,
						    token_name(ps->tok.type), (int)(n ? n : 1), p);
			}
			return false;
		}
		if (!parse_assignment(ps))
			return false;
		if (ps->tok.type == T_SEMI)
			advance(ps);
	}
	return !ps->lx.err && !ps->err;
}

/* A lexer error outside any statement still names the place. */
static char *placed_lexer_error(struct parser *ps)
{
	return xasprintf("%s:%d: %s", ps->lx.chunk->source, ps->tok_line, ps->lx.err);
}

/* libconfuse 3.3 has no user pointer: the document being parsed, per thread. */
static __thread struct cfg_doc *parsing_doc;

static void confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct cfg_doc *doc = parsing_doc;
	char buf[512];

	if (!doc || doc->confuse_error)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	doc->confuse_error = xstrdup(buf);
	doc->confuse_error_line = cfg ? cfg->line : 0;
}

static cfg_opt_t *build_opts(const struct cfg_doc *doc)
{
	size_t n = 0, i;
	cfg_opt_t *opts;

	while (doc->schema[n].name)
		n++;
	opts = xcalloc(n + doc->nunknown + 1, sizeof(*opts));
	for (i = 0; i < n + doc->nunknown; i++) {
		const struct cfg_key *key = i < n ? &doc->schema[i] : doc->unknown[i - n];
		const char *name = key->name;

		switch (key->kind) {
		case KEY_INT:
			opts[i] = (cfg_opt_t)CFG_INT(name, 0, CFGF_NODEFAULT);
			break;
		case KEY_STRING:
			opts[i] = (cfg_opt_t)CFG_STR(name, NULL, CFGF_NODEFAULT);
			break;
		default:
			opts[i] = (cfg_opt_t)CFG_STR_LIST(name, NULL, CFGF_NODEFAULT);
			break;
		}
	}
	opts[n + doc->nunknown] = (cfg_opt_t)CFG_END();
	return opts;
}

/* Turns libconfuse's complaint (a bad integer) into our one-line format. */
static char *explain_confuse_error(struct cfg_doc *doc)
{
	const char *msg = doc->confuse_error ? doc->confuse_error : "cannot parse";
	const char *q1 = strchr(msg, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	const struct line_origin *o = NULL;
	const struct cfg_stmt *st = NULL;
	size_t i;

	if (doc->confuse_error_line > 0 && (size_t)doc->confuse_error_line <= doc->norigin)
		o = &doc->origin[doc->confuse_error_line - 1];
	for (i = doc->nstmts; q2 && i-- > 0;) {
		const struct cfg_stmt *s = &doc->stmts[i];

		if (strlen(s->key->name) == (size_t)(q2 - q1 - 1) &&
		    !strncmp(s->key->name, q1 + 1, (size_t)(q2 - q1 - 1)) &&
		    (!o || (s->line == o->line && s->source == o->source))) {
			st = s;
			break;
		}
	}
	if (!st)
		return o ? xasprintf("%s:%d: %s", o->source, o->line, msg) : xstrdup(msg);
	if (strstr(msg, "out of range"))
		msg = "number out of range";
	else if (strstr(msg, "invalid integer"))
		msg = "not a number";
	return xasprintf("%s:%d: %s %s %s: %s%s%s", st->source, st->line, st->key->name,
			 st->append ? "+=" : "=", st->raw, msg, st->key->hint ? "; " : "",
			 st->key->hint ? st->key->hint : "");
}

struct cfg_doc *cfg_doc_parse(const struct cfg_chunk *chunks, size_t nchunks,
			      const struct cfg_key *schema, unsigned flags, char **err)
{
	struct cfg_doc *doc = xcalloc(1, sizeof(*doc));
	struct emitter em = { .doc = doc };
	size_t i;
	bool ok;

	*err = NULL;
	doc->schema = schema;
	doc->flags = flags;
	sb_init(&em.out);
	/* libconfuse counts lines from 1: origin[0] describes line 1. */
	doc->origin = xcalloc(1, sizeof(*doc->origin));
	doc->origin[0].source = nchunks ? chunks[0].source : "";
	doc->origin[0].line = 1;
	doc->norigin = 1;
	for (i = 0; i < nchunks; i++) {
		struct parser ps = { .em = &em, .schema = schema };

		ps.lx.chunk = &chunks[i];
		ps.lx.p = chunks[i].text;
		ps.lx.end = chunks[i].text + chunks[i].len;
		ps.lx.line = 1;
		em.source = chunks[i].source;
		em.src_line = 1;
		if (i > 0) {
			/* Start the next chunk on a fresh line that maps to its line 1. */
			emit_newline(&em, 1);
		}
		if (!parse_chunk(&ps)) {
			*err = ps.err ? ps.err : placed_lexer_error(&ps);
			free(ps.lx.err);
			free(ps.tok.value);
			goto fail;
		}
		free(ps.tok.value);
	}
	doc->opts = build_opts(doc);
	doc->cfg = cfg_init(doc->opts, CFGF_NONE);
	cfg_set_error_function(doc->cfg, confuse_error);
	parsing_doc = doc;
	ok = cfg_parse_buf(doc->cfg, em.out.buf) == CFG_SUCCESS;
	parsing_doc = NULL;
	if (!ok) {
		*err = explain_confuse_error(doc);
		goto fail;
	}
	sb_free(&em.out);
	return doc;
fail:
	if (!*err)
		*err = xstrdup("cannot parse the configuration");
	sb_free(&em.out);
	cfg_doc_free(doc);
	return NULL;
}

void cfg_doc_free(struct cfg_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	if (doc->cfg)
		cfg_free(doc->cfg);
	free(doc->opts);
	for (i = 0; i < doc->nstmts; i++) {
		free(doc->stmts[i].raw);
		free(doc->stmts[i].value);
		cfg_value_free(doc->stmts[i].list);
	}
	free(doc->stmts);
	free(doc->origin);
	free(doc->confuse_error);
	for (i = 0; i < doc->nunknown; i++) {
		free((char *)doc->unknown[i]->name);
		free((char *)doc->unknown[i]->hint);
		free(doc->unknown[i]);
	}
	free(doc->unknown);
	free(doc);
}

const struct cfg_stmt *cfg_doc_stmt(const struct cfg_doc *doc, const char *name)
{
	const struct cfg_key *key = doc_key_find(doc, name);

	return key ? last_stmt(doc, key) : NULL;
}

bool cfg_doc_has(const struct cfg_doc *doc, const char *key)
{
	return cfg_doc_stmt(doc, key) != NULL;
}

long cfg_doc_int(const struct cfg_doc *doc, const char *key)
{
	return cfg_doc_has(doc, key) ? cfg_getint(doc->cfg, key) : 0;
}

const char *cfg_doc_str(const struct cfg_doc *doc, const char *key)
{
	const struct cfg_stmt *st = cfg_doc_stmt(doc, key);

	if (!st || st->is_list)
		return NULL;
	return st->key->kind == KEY_STRING ? cfg_getstr(doc->cfg, key) : st->value;
}

bool cfg_doc_is_list(const struct cfg_doc *doc, const char *key)
{
	const struct cfg_stmt *st = cfg_doc_stmt(doc, key);

	return st && st->is_list;
}

const struct cfg_value *cfg_doc_list(const struct cfg_doc *doc, const char *key)
{
	const struct cfg_stmt *st = cfg_doc_stmt(doc, key);

	return st ? st->list : NULL;
}

unsigned cfg_doc_list_len(const struct cfg_doc *doc, const char *key)
{
	const struct cfg_value *list = cfg_doc_list(doc, key);

	return list ? list->nitems : 0;
}

const char *cfg_doc_list_item(const struct cfg_doc *doc, const char *key, unsigned i)
{
	const struct cfg_value *list = cfg_doc_list(doc, key);

	return list && i < list->nitems ? list->items[i].string : NULL;
}

void cfg_doc_foreach(const struct cfg_doc *doc,
		     void (*fn)(const struct cfg_stmt *stmt, void *opaque), void *opaque)
{
	const struct cfg_key *key;
	size_t i;

	for (key = doc->schema; key->name; key++) {
		const struct cfg_stmt *st = last_stmt(doc, key);

		if (st)
			fn(st, opaque);
	}
	for (i = 0; i < doc->nunknown; i++) {
		const struct cfg_stmt *st = last_stmt(doc, doc->unknown[i]);

		if (st)
			fn(st, opaque);
	}
}

static char *doc_error_v(const struct cfg_doc *doc, const char *key, const struct cfg_value *at,
			 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static char *doc_error_v(const struct cfg_doc *doc, const char *key, const struct cfg_value *at,
			 const char *fmt, va_list ap)
{
	const struct cfg_stmt *st = cfg_doc_stmt(doc, key);
	struct strbuf sb;

	sb_init(&sb);
	if (st)
		sb_addf(&sb, "%s:%d: %s %s %s: ", at ? at->source : st->source,
			at ? at->line : st->line, key, st->append ? "+=" : "=", st->raw);
	else
		sb_addf(&sb, "%s: ", key);
	sb_addv(&sb, fmt, ap);
	return sb_detach(&sb);
}

char *cfg_doc_error(const struct cfg_doc *doc, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = doc_error_v(doc, key, NULL, fmt, ap);
	va_end(ap);
	return msg;
}

char *cfg_doc_error_at(const struct cfg_doc *doc, const char *key, const struct cfg_value *at,
		       const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = doc_error_v(doc, key, at, fmt, ap);
	va_end(ap);
	return msg;
}
