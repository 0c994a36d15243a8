// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/cfg_reader.c: the grammar, typing and line numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/cfg_reader.h"
#include "tap.h"

static const struct cfg_key keys[] = {
	{ "name", KEY_STRING, 0, NULL },
	{ "memory", KEY_INT, 0, "memory is in MiB" },
	{ "disk", KEY_LIST, 0, NULL },
	{ "cpus", KEY_ANY, 0, NULL },
	{ "vnc", KEY_STRING, KEY_XEN_ONLY, NULL },
	{ "vnuma", KEY_LISTS, KEY_XEN_ONLY, "one per vnode" },
	{ "old", KEY_ANY, KEY_LEGACY, NULL },
	{ NULL, 0, 0, NULL },
};

static struct cfg_doc *parse(const char *text, char **err)
{
	struct cfg_chunk c = { "t.cfg", text, strlen(text) };

	*err = NULL;
	return cfg_doc_parse(&c, 1, keys, 0, err);
}

static void expect_error(const char *text, const char *want)
{
	char *err;
	struct cfg_doc *doc = parse(text, &err);

	ok(!doc && err && strstr(err, want), "error \"%s\"", want);
	if (doc)
		cfg_doc_free(doc);
	else if (err && !strstr(err, want))
		printf("#   got: %s\n", err);
	free(err);
}

static void test_values(void)
{
	char *err;
	struct cfg_doc *doc = parse("name = 'a'; memory = 0x100\n"
				    "disk = [ 'x',\n 'y', ]  # c\n"
				    "cpus = \"0-3\"\n"
				    "name += \"b\"\n"
				    "disk += [ 'z' ]\n",
				    &err);

	if (!ok(doc != NULL, "parses a config with every construct")) {
		printf("#   %s\n", err);
		free(err);
		return;
	}
	is_str(cfg_doc_str(doc, "name"), "ab", "+= concatenates strings");
	is_int(cfg_doc_int(doc, "memory"), 256, "hex numbers");
	is_int(cfg_doc_list_len(doc, "disk"), 3, "+= appends lists");
	is_str(cfg_doc_list_item(doc, "disk", 2), "z", "appended item");
	ok(!cfg_doc_is_list(doc, "cpus"), "a string for a string-or-list key");
	is_str(cfg_doc_str(doc, "cpus"), "0-3", "its value");
	ok(!cfg_doc_has(doc, "vnc"), "an unset key is absent");
	is_int(cfg_doc_stmt(doc, "disk")->line, 6, "the last assignment's line");
	cfg_doc_free(doc);
}

static void test_lines(void)
{
	char *err;
	struct cfg_doc *doc;

	/* A decoded newline inside a string must not shift later line numbers. */
	doc = parse("name = 'a\\nb'\n\n\nmemory = 'x'\n", &err);
	ok(!doc && err && !strncmp(err, "t.cfg:4: memory = 'x': not a number", 35),
	   "line numbers survive a string holding a newline");
	if (err && strncmp(err, "t.cfg:4:", 8))
		printf("#   got: %s\n", err);
	free(err);
	cfg_doc_free(doc);
}

static void test_errors(void)
{
	expect_error("memroy = 1\n", "t.cfg:1: memroy = 1: unknown key; did you mean 'memory'?");
	expect_error("name = 'a'\nmemory = [1]\n", "t.cfg:2: memory = [1]: memory takes a single");
	expect_error("disk = 'x'\n", "disk takes a list");
	expect_error("name = a\n", "strings must be quoted");
	expect_error("name = 'a\n", "unterminated string");
	expect_error("name = '\\101'\n", "octal escapes");
	expect_error("name = '\\q'\n", "unknown escape");
	expect_error("memory = 12abc\n", "memory = 12abc: not a number");
	expect_error("memory = 12MB\n", "unexpected 'MB' after the value");
	expect_error("memory = 99999999999999999999999\n", "number out of range");
	expect_error("disk = [ 'a' 'b' ]\n", "expected ',' or ']'");
	expect_error("disk = [ 'a', \n", "missing ']'");
	expect_error("= 5\n", "expected a key");
	expect_error("memory = 1\nmemory += 2\n", "'+=' cannot be used on a number");
	expect_error("cpus = 'a'\ncpus += ['b']\n", "cannot add a list to a string");
	expect_error("name = 'a'\nName = 'b'\n", "t.cfg:2: 'Name': keys are lowercase");
}

/* Lists inside lists, read as libxlutil's grammar reads them. */
static void test_nested_lists(void)
{
	char *err;
	const struct cfg_value *v;
	struct cfg_doc *doc = parse("vnuma = [ # nodes\n"
				    "  [ 'a', \"b\" ,\n 7 ],\n"
				    "  [\n ],\n"
				    "]\n"
				    "vnuma += [ [ 'c' ] ]; old = [ [ [ 'x' ], 'y' ], [] ]\n",
				    &err);

	if (!ok(doc != NULL, "lists of lists across lines, with comments and trailing commas")) {
		printf("#   %s\n", err);
		free(err);
		return;
	}
	v = cfg_doc_list(doc, "vnuma");
	is_int(v ? v->nitems : 0, 3, "+= appends a list of lists");
	ok(v && !v->items[0].string && v->items[0].nitems == 3, "the first item is a list of 3");
	is_str(v ? v->items[0].items[2].string : NULL, "7", "a number in it, as written");
	is_int(v ? v->items[0].line : 0, 2, "an inner list knows its line");
	is_int(v ? v->items[1].nitems : 1, 0, "an empty inner list");
	is_str(v ? v->items[2].items[0].string : NULL, "c", "the appended list");
	ok(cfg_doc_list_item(doc, "vnuma", 0) == NULL, "a list item is not a string");
	is_str(cfg_doc_stmt(doc, "vnuma")->raw, "[ [ 'c' ] ]", "the value as written, to its ']'");
	v = cfg_doc_list(doc, "old");
	ok(v && v->nitems == 2 && v->items[0].items[0].nitems == 1,
	   "a key xl ignores takes any list");
	cfg_doc_free(doc);

	expect_error("disk = [ 'a',\n [ 'b' ] ]\n",
		     "t.cfg:2: disk = [ 'a', [ 'b' ] ]: item 1 is a list; disk takes strings");
	expect_error("vnuma = [ [ 'a' ], 'b' ]\n",
		     "t.cfg:1: vnuma = [ [ 'a' ], 'b' ]: item 1 is a string; vnuma takes a list of "
		     "lists, one per vnode");
	expect_error("vnuma = [ [ 'a' ], [ [ 'b' ] ] ]\n", "item 1 holds a list");
	expect_error("vnuma = 'a'\n", "vnuma takes a list");
	expect_error("cpus = [ [ '1' ] ]\n", "item 0 is a list; cpus takes strings");
	expect_error("vnuma = [ [ 'a' ] [ 'b' ] ]\n", "expected ',' or ']' in the list, found '['");
	expect_error("vnuma = [ [ , ] ]\n", "expected a quoted string in the list, found ','");
	expect_error("vnuma = [ [ 'a' ],, ]\n", "found ','");
	expect_error("vnuma = [ [ 'a'\n", "found the end of the file");
	expect_error("old = [[[[[[[[[ 'x' ]]]]]]]]]\n",
		     "t.cfg:1: old = [[[[[[[[[ 'x' ]]]]]]]]]: lists nested "
		     "more than 8 deep");
	doc = parse("old = [[[[[[[[ 'x' ]]]]]]]]\n", &err);
	ok(doc != NULL, "lists nest 8 deep");
	cfg_doc_free(doc);
	free(err);
}

/* Many += keep every item in order, across the reallocations of the list's array. */
static void test_many_appends(void)
{
	char text[4096], want[16], *err = NULL;
	const struct cfg_value *v;
	struct cfg_doc *doc;
	size_t n = 0;
	unsigned i, in_order = 0;

	n += (size_t)sprintf(text, "disk = [ '0', '1', '2' ]\n");
	for (i = 3; i < 40; i += 2)
		n += (size_t)sprintf(text + n, "disk += [ '%u', '%u' ]\n", i, i + 1);
	doc = parse(text, &err);
	v = doc ? cfg_doc_list(doc, "disk") : NULL;
	for (i = 0; v && i < v->nitems; i++) {
		snprintf(want, sizeof(want), "%u", i);
		in_order += !strcmp(v->items[i].string, want);
	}
	ok(v && v->nitems == 41 && in_order == 41, "19 += add 38 items, in order");
	cfg_doc_free(doc);
	free(err);
}

/* Past CFG_UNKNOWN_MAX distinct unknown keys, the next is refused: reading stays fast. */
static void many_unknown_keys(void)
{
	char *text = calloc(CFG_UNKNOWN_MAX + 2, 16), *err = NULL, want[48];
	struct cfg_chunk c = { "t.cfg", text, 0 };
	struct cfg_doc *doc;
	unsigned i;

	for (i = 0; i <= CFG_UNKNOWN_MAX; i++)
		c.len += (size_t)sprintf(text + c.len, "k%u = 1\n", i);
	doc = cfg_doc_parse(&c, 1, keys, CFG_UNKNOWN_WARN, &err);
	snprintf(want, sizeof(want), ":%u: k%u = 1: unknown key", CFG_UNKNOWN_MAX + 1,
		 CFG_UNKNOWN_MAX);
	ok(!doc && err && strstr(err, want), "the unknown key past the limit is refused");
	cfg_doc_free(doc);
	free(err);
	free(text);
}

/* CFG_UNKNOWN_WARN: keys outside the schema are read, as strings or lists. */
static void test_unknown_keys(void)
{
	const char *text = "name = 'g'\nsite_rack = 'r4'\nsite_tags = [ 'a', 7 ]\nmemroy = 5\n";
	struct cfg_chunk c = { "t.cfg", text, strlen(text) };
	const struct cfg_stmt *st;
	char *err = NULL;
	struct cfg_doc *doc = cfg_doc_parse(&c, 1, keys, CFG_UNKNOWN_WARN, &err);

	ok(doc != NULL, "unknown keys are read under CFG_UNKNOWN_WARN");
	if (!doc) {
		printf("#   got: %s\n", err);
		free(err);
		return;
	}
	ok(cfg_doc_str(doc, "site_rack") && !strcmp(cfg_doc_str(doc, "site_rack"), "r4"),
	   "an unknown scalar keeps its value");
	ok(cfg_doc_list_len(doc, "site_tags") == 2 &&
		   !strcmp(cfg_doc_list_item(doc, "site_tags", 1), "7"),
	   "an unknown list keeps its items");
	st = cfg_doc_stmt(doc, "memroy");
	ok(st && (st->key->flags & KEY_UNKNOWN) && st->line == 4,
	   "an unknown key is marked, with its line");
	ok(st && st->key->hint && strstr(st->key->hint, "did you mean 'memory'"),
	   "and carries the key it may have meant");
	ok(!cfg_doc_has(doc, "memory"), "a misspelling sets nothing");
	cfg_doc_free(doc);
	expect_error("site_rack = 'r4'\n", "unknown key");
	many_unknown_keys();
}

int main(void)
{
	test_values();
	test_lines();
	test_errors();
	test_unknown_keys();
	test_nested_lists();
	test_many_appends();
	return done_testing();
}
