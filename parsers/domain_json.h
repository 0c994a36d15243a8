/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct domain_config as JSON in libxl's domain_config schema, the shape
 * `xl -N create` and `xl list -l` print: enums as lowercase strings, fields
 * that still have libxl's default left out.
 */
#ifndef XLC_DOMAIN_JSON_H
#define XLC_DOMAIN_JSON_H

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "parsers/domain_config.h"

/* Writes the config object into g; false if a string is not valid UTF-8. */
bool domain_config_gen_json(yajl_gen g, const struct domain_config *dc);

/* The whole object, beautified, NUL-terminated; NULL on invalid UTF-8. */
char *domain_config_to_json(const struct domain_config *dc);

#endif
