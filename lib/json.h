/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers over yajl's generator, for the JSON xlc writes itself: the
 * VMM's info record, list --json on Xen, top --json, batch summaries.
 */
#ifndef XLC_JSON_H
#define XLC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

static inline void json_str(yajl_gen g, const char *s)
{
	if (s)
		yajl_gen_string(g, (const unsigned char *)s, strlen(s));
	else
		yajl_gen_null(g);
}

#define json_key json_str

static inline void json_key_int(yajl_gen g, const char *k, long long v)
{
	json_key(g, k);
	yajl_gen_integer(g, v);
}

static inline void json_key_u64(yajl_gen g, const char *k, uint64_t v)
{
	json_key_int(g, k, (long long)v);
}

static inline void json_key_bool(yajl_gen g, const char *k, bool v)
{
	json_key(g, k);
	yajl_gen_bool(g, v);
}

/* A NULL value is written as null. */
static inline void json_key_str(yajl_gen g, const char *k, const char *v)
{
	json_key(g, k);
	json_str(g, v);
}

/* A number with a fixed format ("%.3f"), as yajl_gen_double cannot round. */
static inline void json_key_fixed(yajl_gen g, const char *k, double v, const char *fmt)
{
	char buf[32];

	json_key(g, k);
	snprintf(buf, sizeof(buf), fmt, v);
	yajl_gen_number(g, buf, strlen(buf));
}

/* One vCPU as list --json shows it, on either backend. */
struct json_vcpu {
	long long time_ns;
	int host_cpu; /* -1: not on any */
	bool running;
	const char *affinity; /* "all", "0-1,3" */
};

/* The record's vcpu_time_ns, vcpu_host_cpu, vcpu_running and vcpu_affinity arrays. */
static inline void json_vcpu_arrays(yajl_gen g, const struct json_vcpu *v, int n)
{
	int i;

	json_key(g, "vcpu_time_ns");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		yajl_gen_integer(g, v[i].time_ns);
	yajl_gen_array_close(g);
	json_key(g, "vcpu_host_cpu");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		yajl_gen_integer(g, v[i].host_cpu);
	yajl_gen_array_close(g);
	json_key(g, "vcpu_running");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		yajl_gen_bool(g, v[i].running);
	yajl_gen_array_close(g);
	json_key(g, "vcpu_affinity");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		json_str(g, v[i].affinity);
	yajl_gen_array_close(g);
}

/* Writes a parsed value (yajl's tree) back out; lib/json.c. */
void json_gen_value(yajl_gen g, yajl_val v);
/* A parsed value as compact JSON text; the caller frees it. */
char *json_value_to_string(yajl_val v);
/* Parses text and writes it as a value of g; false if it is not JSON. */
bool json_gen_text(yajl_gen g, const char *text);
/* g's buffer as a string; the caller frees it. */
char *json_gen_finish(yajl_gen g);

#endif
