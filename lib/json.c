// SPDX-License-Identifier: GPL-2.0
#include "lib/json.h"

#include "lib/util.h"

void json_gen_value(yajl_gen g, yajl_val v)
{
	size_t i;

	if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (i = 0; i < v->u.object.len; i++) {
			json_key(g, v->u.object.keys[i]);
			json_gen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (i = 0; i < v->u.array.len; i++)
			json_gen_value(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		json_str(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

char *json_gen_finish(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	char *out;

	yajl_gen_get_buf(g, &buf, &len);
	out = xstrndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

char *json_value_to_string(yajl_val v)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	json_gen_value(g, v);
	return json_gen_finish(g);
}

bool json_gen_text(yajl_gen g, const char *text)
{
	yajl_val v = yajl_tree_parse(text, NULL, 0);

	if (!v)
		return false;
	json_gen_value(g, v);
	yajl_tree_free(v);
	return true;
}
