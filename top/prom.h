/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top's figures in Prometheus' text exposition format 0.0.4, for `xlc
 * metrics`: the host's, then each domain's, labelled with its name and id.
 * Only what top shows, in base units (seconds, bytes, hertz); rates such as
 * CPU(%) are left to PromQL's rate().
 */
#ifndef XLC_TOP_PROM_H
#define XLC_TOP_PROM_H

#include "lib/util.h"
#include "top/sample.h"

/* The Content-Type of this format, for HTTP. */
#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Appends the sample s, taken through the backend named backend, to out. */
void prom_render(const struct sample *s, const char *backend, struct strbuf *out);

/* Appends v as a label value: backslash, double quote and newline escaped. */
void prom_escape_label(struct strbuf *out, const char *v);

#endif
