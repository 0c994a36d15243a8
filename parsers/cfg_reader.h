/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reads files in the xl.cfg / xl.conf grammar.
 *
 * libconfuse stores the values, checks integers and applies "last assignment
 * wins"; it cannot read xl's syntax itself ('[ ]' lists, ';' separators,
 * xl's quoting and '+=' on strings), so a small tokenizer in front of it
 * translates xl's lexical syntax into libconfuse's, line for line, and
 * checks each key against a schema so that typos are caught with a hint.
 */
#ifndef XLC_CFG_READER_H
#define XLC_CFG_READER_H

#include <stdbool.h>
#include <stddef.h>

enum key_kind {
	KEY_INT,    /* a number: 512, 0x200, 010, or the same quoted */
	KEY_STRING, /* a string (a bare number is read as a string) */
	KEY_LIST,   /* [ 'a', 'b' ] */
	KEY_ANY,    /* a string or a list, told apart by cfg_doc_is_list() */
	KEY_LISTS,  /* a list of lists of strings: [ [ 'a', 'b' ], [ 'c' ] ] (vnuma, vsnd) */
};

/*
 * The longest string a config may hold: far above any real value (a kernel
 * command line is at most 4 KiB), low enough that reading stays fast.
 */
#define CFG_STRING_MAX 65536u

/*
 * How deep lists may nest. libxlutil's grammar has no bound of its own
 * (bison's stack ends it near 10000 levels); xl.cfg's deepest use is 2
 * (vnuma, vsnd), and the bound keeps a hostile file from exhausting the stack.
 */
#define CFG_LIST_DEPTH_MAX 8

/*
 * A list as libxlutil holds it: items that are strings or lists in turn.
 * Lists inside lists are read for any key, as xl's grammar reads them; the
 * key's kind then says whether it takes them (KEY_LISTS, or a key xl ignores).
 */
struct cfg_value {
	char *string;		 /* an item that is a string; NULL for a list */
	struct cfg_value *items; /* a list's items */
	unsigned nitems;
	const char *source; /* where the item starts, for messages */
	int line;
};

#define KEY_XEN_ONLY 0x1 /* accepted, but only the xen backend honours it */
#define KEY_XEN_ALSO 0x2 /* honoured by every backend; the xen backend needs its value */
#define KEY_LEGACY 0x4	 /* an xm-era key xl ignores: accepted, ignored; hint says more */
#define KEY_UNKNOWN 0x8	 /* not in the schema: read only under CFG_UNKNOWN_WARN */

struct cfg_key {
	const char *name;
	enum key_kind kind;
	unsigned flags;
	const char *hint; /* said after a bad value, e.g. "memory is in MiB" */
};

/* One piece of configuration text: a file, or the command line's key=value. */
struct cfg_chunk {
	const char *source; /* "guest.cfg" or "command line" */
	const char *text;
	size_t len;
};

/* The last assignment to a key, for error messages. */
struct cfg_stmt {
	const struct cfg_key *key;
	const char *source;
	int line;
	char *raw;		/* the value as written, e.g. "lots" with its quotes */
	char *value;		/* the decoded string, for scalars */
	struct cfg_value *list; /* a list, with what += added; NULL for scalars */
	bool is_list;
	bool append; /* written with += */
};

struct cfg_doc;

/* cfg_doc_parse's flags. */
#define CFG_UNKNOWN_WARN 0x1 /* a key outside the schema is read (as KEY_UNKNOWN), not refused */
#define CFG_UNKNOWN_MAX 256  /* more distinct unknown keys than this are refused all the same */

/*
 * Parses the chunks in order (a later chunk's assignments win). Returns NULL
 * and a one-line message "source:line: ..." in *err on any error.
 */
struct cfg_doc *cfg_doc_parse(const struct cfg_chunk *chunks, size_t nchunks,
			      const struct cfg_key *schema, unsigned flags, char **err);
void cfg_doc_free(struct cfg_doc *doc);

const struct cfg_stmt *cfg_doc_stmt(const struct cfg_doc *doc, const char *key);
bool cfg_doc_has(const struct cfg_doc *doc, const char *key);
long cfg_doc_int(const struct cfg_doc *doc, const char *key);
const char *cfg_doc_str(const struct cfg_doc *doc, const char *key);
bool cfg_doc_is_list(const struct cfg_doc *doc, const char *key);
unsigned cfg_doc_list_len(const struct cfg_doc *doc, const char *key);
/* Item i of a list, or NULL if there is none or it is a list itself (as libxlutil). */
const char *cfg_doc_list_item(const struct cfg_doc *doc, const char *key, unsigned i);
/* The key's list, nested lists included; NULL if it is unset or a scalar. */
const struct cfg_value *cfg_doc_list(const struct cfg_doc *doc, const char *key);

/* Calls fn for every key that was assigned, in schema order, then the unknown ones. */
void cfg_doc_foreach(const struct cfg_doc *doc,
		     void (*fn)(const struct cfg_stmt *stmt, void *opaque), void *opaque);

/* "source:line: key = raw: <message>" for the last assignment to key. */
char *cfg_doc_error(const struct cfg_doc *doc, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, placed at an item of the key's list (a vnode on a later line). */
char *cfg_doc_error_at(const struct cfg_doc *doc, const char *key, const struct cfg_value *at,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

const struct cfg_key *cfg_key_find(const struct cfg_key *schema, const char *name);

#endif
