// SPDX-License-Identifier: GPL-2.0
/*
 * The config's lists of further Xen devices and host resources, handed to
 * libxl as xl's parse_config_data does (anchor: xl_parse.c of Xen 4.17):
 * channel, vtpm, p9, pvcalls, usbctrl, usbdev, vkb, vdispl, vsnd, dtdev,
 * iomem, ioports, irqs and rdm. Each list item is "key=value,..." split on commas, blanks
 * before a key skipped, as xl's strtok loops do; the devid each device gets
 * is its place in the list, as xl's ARRAY_EXTEND_INIT gives it. Where xl
 * exits, xlc refuses the config with file:line, key and item.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>
#include <sys/random.h>
#include <xen/hvm/params.h>
#include <xen/io/kbdif.h>
#include <xen/io/sndif.h>

#include "backends/xen/xen.h"
#include "lib/util.h"

struct devs {
	const struct domain_config *dc;
	libxl_domain_config *d;
	const struct xen_setting *s; /* the key at hand */
	unsigned item;		     /* its item at hand */
	char *err;
};

static const struct xen_setting *find(const struct domain_config *dc, const char *key)
{
	unsigned i;

	for (i = 0; i < dc->nxen_only; i++)
		if (!strcmp(dc->xen_only[i].key, key))
			return &dc->xen_only[i];
	return NULL;
}

/* The error for the item at hand, in xl's words (what). */
static int refuse(struct devs *v, const char *what)
{
	v->err = xasprintf("%s:%d: %s: \"%s\": %s", v->s->source, v->s->line, v->s->key,
			   v->s->items[v->item], what);
	return -1;
}

/*
 * Calls fn for each "key=value" token of the item at hand (value NULL for a
 * token without '='), blanks before it skipped; stops at fn's non-zero.
 */
static int each_token(struct devs *v, void *dev,
		      int (*fn)(struct devs *v, void *dev, char *key, char *value))
{
	char *copy = xstrdup(v->s->items[v->item]), *save = NULL, *tok, *eq;
	int rc = 0;

	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		eq = strchr(tok, '=');
		if (eq)
			*eq++ = '\0';
		rc = fn(v, dev, tok, eq);
	}
	free(copy);
	return rc < 0 ? -1 : 0;
}

/* The list key's items, or 1 when the key is not given; -1 if it is not a list. */
static int list_of(struct devs *v, const char *key)
{
	v->s = find(v->dc, key);
	if (!v->s || (v->s->items && !v->s->nitems))
		return 1; /* an empty list is no list, for xl too */
	if (v->s->value || !v->s->items) {
		v->err = xasprintf("%s:%d: %s: expected a list such as [ \"...\" ]", v->s->source,
				   v->s->line, key);
		return -1;
	}
	return 0;
}

static void replace(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* channel: xl trims both sides of key and value, warns of unknown keys. */
static int channel_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_channel *c = dev;
	char *end;

	if (!value)
		return refuse(v, "failed to parse channel configuration");
	for (end = key + strlen(key); end > key && isspace((unsigned char)end[-1]);)
		*--end = '\0';
	while (isspace((unsigned char)*value))
		value++;
	for (end = value + strlen(value); end > value && isspace((unsigned char)end[-1]);)
		*--end = '\0';
	if (!strcmp(key, "backend")) {
		replace(&c->backend_domname, value);
	} else if (!strcmp(key, "name")) {
		replace(&c->name, value);
	} else if (!strcmp(key, "path")) {
		replace(&c->u.socket.path, value);
	} else if (!strcmp(key, "connection")) {
		if (!strcmp(value, "pty"))
			c->connection = LIBXL_CHANNEL_CONNECTION_PTY;
		else if (!strcmp(value, "socket"))
			c->connection = LIBXL_CHANNEL_CONNECTION_SOCKET;
		else
			return refuse(v, "unknown channel connection (pty or socket)");
	} else {
		xlc_warn("%s:%d: channel: unknown channel parameter '%s', ignoring", v->s->source,
			 v->s->line, key);
	}
	return 0;
}

static int channels(struct devs *v)
{
	libxl_domain_config *d = v->d;
	char *path;
	int rc = list_of(v, "channel");

	if (rc)
		return rc < 0 ? -1 : 0;
	d->channels = xcalloc(v->s->nitems + 1, sizeof(*d->channels));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_channel *c = &d->channels[d->num_channels++];

		libxl_device_channel_init(c);
		c->devid = (libxl_devid)v->item;
		rc = each_token(v, c, channel_token);
		/*
		 * The path is the socket's; a pty has none (xl drops it). Taken
		 * out before any refusal: libxl's dispose frees it only for a
		 * socket, so a refused item would leak it.
		 */
		path = c->u.socket.path;
		c->u.socket.path = NULL;
		if (rc) {
			free(path);
			return -1;
		}
		if (c->connection == LIBXL_CHANNEL_CONNECTION_UNKNOWN) {
			free(path);
			return refuse(v, "channel has unknown 'connection'");
		}
		if (c->connection == LIBXL_CHANNEL_CONNECTION_SOCKET) {
			if (!path)
				return refuse(v, "channel connection 'socket' requires path=..");
			c->u.socket.path = path;
		} else {
			free(path);
		}
	}
	return 0;
}

/* vtpm, p9 and pvcalls: xl stops reading an item at a token without '='. */
static int vtpm_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_vtpm *t = dev;

	if (!value)
		return 1;
	if (!strcmp(key, "backend"))
		replace(&t->backend_domname, value);
	else if (!strcmp(key, "uuid")) {
		if (libxl_uuid_from_string(&t->uuid, value))
			return refuse(v, "Failed to parse vtpm UUID");
	} else
		return refuse(v, "Unknown string in vtpm spec (backend=, uuid=)");
	return 0;
}

static int vtpms(struct devs *v)
{
	libxl_domain_config *d = v->d;
	int rc = list_of(v, "vtpm");

	if (rc)
		return rc < 0 ? -1 : 0;
	d->vtpms = xcalloc(v->s->nitems + 1, sizeof(*d->vtpms));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_vtpm *t = &d->vtpms[d->num_vtpms++];

		libxl_device_vtpm_init(t);
		t->devid = (libxl_devid)v->item;
		if (each_token(v, t, vtpm_token))
			return -1;
		if (!t->backend_domname)
			return refuse(v, "vtpm spec missing required backend field!");
	}
	return 0;
}

static int p9_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_p9 *p = dev;

	if (!value)
		return 1;
	if (!strcmp(key, "security_model"))
		replace(&p->security_model, value);
	else if (!strcmp(key, "path"))
		replace(&p->path, value);
	else if (!strcmp(key, "tag"))
		replace(&p->tag, value);
	else if (!strcmp(key, "backend"))
		replace(&p->backend_domname, value);
	else
		return refuse(v, "Unknown string in 9pfs spec (tag=, path=, security_model=, "
				 "backend=)");
	return 0;
}

static int p9s(struct devs *v)
{
	libxl_domain_config *d = v->d;
	int rc = list_of(v, "p9");

	if (rc)
		return rc < 0 ? -1 : 0;
	d->p9s = xcalloc(v->s->nitems + 1, sizeof(*d->p9s));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_p9 *p = &d->p9s[d->num_p9s++];

		/* xl 4.17 leaves a share's devid to libxl (xl -N shows none). */
		libxl_device_p9_init(p);
		if (each_token(v, p, p9_token))
			return -1;
		if (!p->path || !p->security_model || !p->tag)
			return refuse(v, "9pfs spec missing required field! (tag, path and "
					 "security_model)");
	}
	return 0;
}

static int pvcalls_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_pvcallsif *p = dev;

	if (!value)
		return 1;
	if (strcmp(key, "backend"))
		return refuse(v, "Unknown string in pvcalls spec (backend=)");
	replace(&p->backend_domname, value);
	return 0;
}

static int pvcalls(struct devs *v)
{
	libxl_domain_config *d = v->d;
	int rc = list_of(v, "pvcalls");

	if (rc)
		return rc < 0 ? -1 : 0;
	d->pvcallsifs = xcalloc(v->s->nitems + 1, sizeof(*d->pvcallsifs));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_pvcallsif *p = &d->pvcallsifs[d->num_pvcallsifs++];

		libxl_device_pvcallsif_init(p);
		p->devid = (libxl_devid)v->item;
		if (each_token(v, p, pvcalls_token))
			return -1;
	}
	return 0;
}

/* usbctrl, usbdev and vkb: every token is key=value (xl's MATCH_OPTION). */
static int usbctrl_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_usbctrl *u = dev;

	if (value && !strcmp(key, "type")) {
		if (libxl_usbctrl_type_from_string(value, &u->type))
			return refuse(v, "Invalid usb controller type (pv, qusb, devicemodel)");
	} else if (value && !strcmp(key, "version")) {
		u->version = atoi(value);
	} else if (value && !strcmp(key, "ports")) {
		u->ports = atoi(value);
	} else {
		return refuse(v, "Unknown string in usbctrl spec (type=, version=, ports=)");
	}
	return 0;
}

static int usbdev_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_usbdev *u = dev;

	if (value && !strcmp(key, "type")) {
		if (libxl_usbdev_type_from_string(value, &u->type))
			return refuse(v, "Invalid usb device type (hostdev)");
	} else if (value && !strcmp(key, "hostbus")) {
		u->u.hostdev.hostbus = (uint8_t)strtoul(value, NULL, 0);
	} else if (value && !strcmp(key, "hostaddr")) {
		u->u.hostdev.hostaddr = (uint8_t)strtoul(value, NULL, 0);
	} else if (value && !strcmp(key, "controller")) {
		u->ctrl = atoi(value);
	} else if (value && !strcmp(key, "port")) {
		u->port = atoi(value);
	} else {
		return refuse(v, "Unknown string in usbdev spec (type=, hostbus=, hostaddr=, "
				 "controller=, port=)");
	}
	return 0;
}

static int usb(struct devs *v)
{
	libxl_domain_config *d = v->d;
	int rc = list_of(v, "usbctrl");

	if (rc < 0)
		return -1;
	if (!rc) {
		d->usbctrls = xcalloc(v->s->nitems + 1, sizeof(*d->usbctrls));
		for (v->item = 0; v->item < v->s->nitems; v->item++) {
			libxl_device_usbctrl *u = &d->usbctrls[d->num_usbctrls++];

			libxl_device_usbctrl_init(u);
			u->devid = (libxl_devid)v->item;
			if (each_token(v, u, usbctrl_token))
				return -1;
		}
	}
	rc = list_of(v, "usbdev");
	if (rc)
		return rc < 0 ? -1 : 0;
	d->usbdevs = xcalloc(v->s->nitems + 1, sizeof(*d->usbdevs));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_usbdev *u = &d->usbdevs[d->num_usbdevs++];

		libxl_device_usbdev_init(u);
		if (each_token(v, u, usbdev_token))
			return -1;
	}
	return 0;
}

static int vkb_token(struct devs *v, void *dev, char *key, char *value)
{
	static const struct {
		const char *key;
		size_t offset;
	} numbers[] = {
		{ XENKBD_FIELD_FEAT_DSBL_KEYBRD,
		  offsetof(libxl_device_vkb, feature_disable_keyboard) },
		{ XENKBD_FIELD_FEAT_DSBL_POINTER,
		  offsetof(libxl_device_vkb, feature_disable_pointer) },
		{ XENKBD_FIELD_FEAT_ABS_POINTER, offsetof(libxl_device_vkb, feature_abs_pointer) },
		{ XENKBD_FIELD_FEAT_RAW_POINTER, offsetof(libxl_device_vkb, feature_raw_pointer) },
		{ XENKBD_FIELD_FEAT_MTOUCH, offsetof(libxl_device_vkb, feature_multi_touch) },
	};
	static const struct {
		const char *key;
		size_t offset;
	} sizes[] = {
		{ XENKBD_FIELD_MT_WIDTH, offsetof(libxl_device_vkb, multi_touch_width) },
		{ XENKBD_FIELD_MT_HEIGHT, offsetof(libxl_device_vkb, multi_touch_height) },
		{ XENKBD_FIELD_MT_NUM_CONTACTS,
		  offsetof(libxl_device_vkb, multi_touch_num_contacts) },
		{ XENKBD_FIELD_WIDTH, offsetof(libxl_device_vkb, width) },
		{ XENKBD_FIELD_HEIGHT, offsetof(libxl_device_vkb, height) },
	};
	libxl_device_vkb *k = dev;
	unsigned i;

	if (!value)
		return refuse(v, "Unknown string in vkb spec");
	if (!strcmp(key, "backend")) {
		replace(&k->backend_domname, value);
		return 0;
	}
	if (!strcmp(key, "backend-type")) {
		if (libxl_vkb_backend_from_string(value, &k->backend_type))
			return refuse(v, "Unknown backend_type in vkb spec (qemu, linux)");
		return 0;
	}
	if (!strcmp(key, XENKBD_FIELD_UNIQUE_ID)) {
		replace(&k->unique_id, value);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(numbers); i++)
		if (!strcmp(key, numbers[i].key)) {
			*(bool *)((char *)k + numbers[i].offset) = strtoul(value, NULL, 0) != 0;
			return 0;
		}
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (!strcmp(key, sizes[i].key)) {
			*(uint32_t *)((char *)k + sizes[i].offset) =
				(uint32_t)strtoul(value, NULL, 0);
			return 0;
		}
	return refuse(v, "Unknown string in vkb spec");
}

static int vkbs(struct devs *v)
{
	libxl_domain_config *d = v->d;
	int rc = list_of(v, "vkb");

	if (rc)
		return rc < 0 ? -1 : 0;
	/* After the keyboard a PV display has (vnc = 1), as xl appends them. */
	d->vkbs = xreallocarray(d->vkbs, (size_t)d->num_vkbs + v->s->nitems + 1, sizeof(*d->vkbs));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_vkb *k = &d->vkbs[d->num_vkbs];
		bool mt_sizes;

		libxl_device_vkb_init(k);
		k->devid = d->num_vkbs++;
		if (each_token(v, k, vkb_token))
			return -1;
		if (k->backend_type == LIBXL_VKB_BACKEND_UNKNOWN)
			return refuse(v, "backend-type should be set in vkb spec");
		mt_sizes = k->multi_touch_height || k->multi_touch_width ||
			   k->multi_touch_num_contacts;
		if (mt_sizes)
			k->feature_multi_touch = true;
		else if (k->feature_multi_touch)
			return refuse(v, "multi-touch-width, multi-touch-height, "
					 "multi-touch-num-contacts should be set for multi touch "
					 "in vkb spec");
	}
	return 0;
}

/* s split at any of delim, empty pieces skipped (xl's strtok): NULL-terminated, *n of them. */
static char **split(const char *s, const char *delim, unsigned *n)
{
	char *copy = xstrdup(s), *save = NULL, *tok;
	char **v = xcalloc(strlen(s) + 2, sizeof(*v));

	*n = 0;
	for (tok = strtok_r(copy, delim, &save); tok; tok = strtok_r(NULL, delim, &save))
		v[(*n)++] = xstrdup(tok);
	free(copy);
	return v;
}

/* connectors=ID:WxH;ID:WxH... */
static int vdispl_connectors(struct devs *v, libxl_device_vdispl *p, const char *value)
{
	unsigned n, i, parts;
	char **conn = split(value, ";", &n), **pair;
	int rc = 0;

	for (i = 0; i < (unsigned)p->num_connectors; i++)
		libxl_connector_param_dispose(&p->connectors[i]);
	free(p->connectors);
	p->num_connectors = (int)n;
	p->connectors = xcalloc(n + 1, sizeof(*p->connectors));
	for (i = 0; i < n && !rc; i++) {
		libxl_connector_param *c = &p->connectors[i];

		pair = split(conn[i], ":", &parts);
		if (parts < 2 || sscanf(pair[1], "%ux%u", &c->width, &c->height) != 2)
			rc = refuse(v, "Can't parse connector resolution (connectors=ID:WxH;...)");
		else
			c->unique_id = xstrdup(pair[0]);
		strv_free(pair);
	}
	strv_free(conn);
	return rc;
}

static int vdispl_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_vdispl *p = dev;

	if (value && !strcmp(key, "backend"))
		replace(&p->backend_domname, value);
	else if (value && !strcmp(key, "be-alloc"))
		p->be_alloc = strtoul(value, NULL, 0) != 0;
	else if (value && !strcmp(key, "connectors"))
		return vdispl_connectors(v, p, value);
	else
		return refuse(v,
			      "Unknown string in vdispl spec (backend=, be-alloc=, connectors=)");
	return 0;
}

static int vdispls(struct devs *v)
{
	libxl_domain_config *d = v->d;
	int rc = list_of(v, "vdispl");

	if (rc)
		return rc < 0 ? -1 : 0;
	d->vdispls = xcalloc(v->s->nitems + 1, sizeof(*d->vdispls));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_vdispl *p = &d->vdispls[d->num_vdispls++];

		libxl_device_vdispl_init(p);
		p->devid = (libxl_devid)v->item;
		if (each_token(v, p, vdispl_token))
			return -1;
		if (!p->num_connectors)
			return refuse(v, "At least one connector should be specified.");
	}
	return 0;
}

/* vsnd: a card's, a pcm's or a stream's sample parameters; 1 if key is none of them. */
static int vsnd_params(libxl_vsnd_params *p, const char *key, const char *value, char **why)
{
	unsigned n, i;
	char **list;

	if (!strcmp(key, XENSND_FIELD_SAMPLE_RATES)) {
		list = split(value, ";", &n);
		free(p->sample_rates);
		p->num_sample_rates = (int)n;
		p->sample_rates = xcalloc(n + 1, sizeof(*p->sample_rates));
		for (i = 0; i < n; i++)
			p->sample_rates[i] = (uint32_t)strtoul(list[i], NULL, 0);
		strv_free(list);
	} else if (!strcmp(key, XENSND_FIELD_SAMPLE_FORMATS)) {
		list = split(value, ";", &n);
		free(p->sample_formats);
		p->num_sample_formats = (int)n;
		p->sample_formats = xcalloc(n + 1, sizeof(*p->sample_formats));
		for (i = 0; i < n && !*why; i++)
			if (libxl_vsnd_pcm_format_from_string(list[i], &p->sample_formats[i]))
				*why = xasprintf("Invalid pcm format: %s", list[i]);
		strv_free(list);
		return *why ? -1 : 0;
	} else if (!strcmp(key, XENSND_FIELD_CHANNELS_MIN)) {
		p->channels_min = (uint32_t)strtoul(value, NULL, 0);
	} else if (!strcmp(key, XENSND_FIELD_CHANNELS_MAX)) {
		p->channels_max = (uint32_t)strtoul(value, NULL, 0);
	} else if (!strcmp(key, XENSND_FIELD_BUFFER_SIZE)) {
		p->buffer_size = (uint32_t)strtoul(value, NULL, 0);
	} else {
		return 1;
	}
	return 0;
}

/* One parameter of the card, its last pcm or that pcm's last stream. */
static int vsnd_param(libxl_device_vsnd *c, const char *what, const char *key, const char *value,
		      char **why)
{
	libxl_vsnd_pcm *pcm = c->num_vsnd_pcms ? &c->pcms[c->num_vsnd_pcms - 1] : NULL;
	libxl_vsnd_stream *st =
		pcm && pcm->num_vsnd_streams ? &pcm->streams[pcm->num_vsnd_streams - 1] : NULL;
	int rc;

	if (!value) {
		*why = xasprintf("Invalid parameter: %s", key);
		return -1;
	}
	if (!strcasecmp(what, "card")) {
		rc = vsnd_params(&c->params, key, value, why);
		if (rc <= 0)
			return rc;
		if (!strcmp(key, "backend"))
			replace(&c->backend_domname, value);
		else if (!strcmp(key, XENSND_FIELD_VCARD_SHORT_NAME))
			replace(&c->short_name, value);
		else if (!strcmp(key, XENSND_FIELD_VCARD_LONG_NAME))
			replace(&c->long_name, value);
		else
			goto invalid;
		return 0;
	}
	if (!strcasecmp(what, "pcm")) {
		rc = vsnd_params(&pcm->params, key, value, why);
		if (rc <= 0)
			return rc;
		if (strcmp(key, XENSND_FIELD_DEVICE_NAME))
			goto invalid;
		replace(&pcm->name, value);
		return 0;
	}
	rc = vsnd_params(&st->params, key, value, why);
	if (rc <= 0)
		return rc;
	if (!strcmp(key, XENSND_FIELD_STREAM_UNIQUE_ID)) {
		replace(&st->unique_id, value);
	} else if (!strcmp(key, XENSND_FIELD_TYPE)) {
		if (libxl_vsnd_stream_type_from_string(value, &st->type)) {
			*why = xasprintf("Invalid stream type: %s", value);
			return -1;
		}
	} else {
		goto invalid;
	}
	return 0;
invalid:
	*why = xasprintf("Invalid parameter: %s", key);
	return -1;
}

/* An item of a card's list: "card|pcm|stream, key=value, ..." (xl's parse_vsnd_item). */
static int vsnd_item(libxl_device_vsnd *c, const char *item, char **why)
{
	char *copy = xstrdup(item), *save = NULL, *tok, *eq, *what = NULL;
	libxl_vsnd_pcm *pcm;
	int rc = 0;

	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (what) {
			eq = strchr(tok, '=');
			if (eq)
				*eq++ = '\0';
			rc = vsnd_param(c, what, tok, eq, why);
			continue;
		}
		what = tok;
		if (!strcasecmp(what, "card"))
			continue;
		if (strcasecmp(what, "pcm") && strcasecmp(what, "stream")) {
			*why = xasprintf("Invalid key: %s (card, pcm or stream)", what);
			rc = -1;
			continue;
		}
		if (!strcasecmp(what, "pcm") || !c->num_vsnd_pcms) {
			c->pcms = xreallocarray(c->pcms, (size_t)c->num_vsnd_pcms + 1,
						sizeof(*c->pcms));
			libxl_vsnd_pcm_init(&c->pcms[c->num_vsnd_pcms++]);
		}
		if (!strcasecmp(what, "stream")) {
			pcm = &c->pcms[c->num_vsnd_pcms - 1];
			pcm->streams =
				xreallocarray(pcm->streams, (size_t)pcm->num_vsnd_streams + 1,
					      sizeof(*pcm->streams));
			libxl_vsnd_stream_init(&pcm->streams[pcm->num_vsnd_streams++]);
		}
	}
	free(copy);
	return rc;
}

static int vsnds(struct devs *v)
{
	const struct xen_setting *s = find(v->dc, "vsnd");
	libxl_domain_config *d = v->d;
	char *why = NULL;
	unsigned i, j;

	if (!s || !s->lists)
		return 0;
	d->vsnds = xcalloc(s->nlists + 1, sizeof(*d->vsnds));
	for (i = 0; i < s->nlists; i++) {
		libxl_device_vsnd *c = &d->vsnds[d->num_vsnds++];

		libxl_device_vsnd_init(c);
		c->devid = (libxl_devid)i;
		for (j = 0; s->lists[i][j]; j++)
			if (vsnd_item(c, s->lists[i][j], &why)) {
				v->err = xasprintf("%s:%d: vsnd: card %u: \"%s\": %s", s->source,
						   s->line, i, s->lists[i][j], why);
				free(why);
				return -1;
			}
	}
	return 0;
}

static int dtdevs(struct devs *v)
{
	libxl_domain_config *d = v->d;
	int rc = list_of(v, "dtdev");

	if (rc)
		return rc < 0 ? -1 : 0;
	d->dtdevs = xcalloc(v->s->nitems + 1, sizeof(*d->dtdevs));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_device_dtdev *t = &d->dtdevs[d->num_dtdevs++];

		libxl_device_dtdev_init(t);
		t->path = xstrdup(v->s->items[v->item]);
	}
	return 0;
}

/* A hexadecimal number below UINT32_MAX at *p (xl's ioports); false if none. */
static bool hex32(const char *p, char **end, uint32_t *out)
{
	unsigned long n = strtoul(p, end, 16);

	if (*end == p || n >= UINT32_MAX)
		return false;
	*out = (uint32_t)n;
	return true;
}

static int ioports(struct devs *v)
{
	libxl_domain_build_info *b = &v->d->b_info;
	int rc = list_of(v, "ioports");
	uint32_t first, last;
	char *end;

	if (rc)
		return rc < 0 ? -1 : 0;
	b->ioports = xcalloc(v->s->nitems + 1, sizeof(*b->ioports));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		const char *item = v->s->items[v->item];

		if (!hex32(item, &end, &first))
			return refuse(v, "Invalid argument parsing ioport (FIRST[-LAST], in hex)");
		last = first;
		if (*end == '-' && (!hex32(end + 1, &end, &last) || *end || first > last))
			return refuse(v, "Invalid argument parsing ioport (FIRST[-LAST], in hex)");
		/* xl says so of other trailing text, and goes on. */
		if (*end)
			xlc_warn("%s:%d: ioports: Invalid argument parsing ioport: %s",
				 v->s->source, v->s->line, item);
		b->ioports[b->num_ioports++] =
			(libxl_ioport_range){ .first = first, .number = last - first + 1 };
	}
	return 0;
}

static int irqs(struct devs *v)
{
	libxl_domain_build_info *b = &v->d->b_info;
	int rc = list_of(v, "irqs");
	unsigned long n;
	char *end;

	if (rc)
		return rc < 0 ? -1 : 0;
	b->irqs = xcalloc(v->s->nitems + 1, sizeof(*b->irqs));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		n = strtoul(v->s->items[v->item], &end, 10);
		if (end == v->s->items[v->item] || *end || n >= UINT32_MAX)
			return refuse(v, "Invalid argument parsing irq (a decimal number)");
		b->irqs[b->num_irqs++] = (uint32_t)n;
	}
	return 0;
}

static int iomem(struct devs *v)
{
	libxl_domain_build_info *b = &v->d->b_info;
	int rc = list_of(v, "iomem");

	if (rc)
		return rc < 0 ? -1 : 0;
	b->iomem = xcalloc(v->s->nitems + 1, sizeof(*b->iomem));
	for (v->item = 0; v->item < v->s->nitems; v->item++) {
		libxl_iomem_range *r = &b->iomem[b->num_iomem++];
		const char *item = v->s->items[v->item];
		int used = 0, got;

		libxl_iomem_range_init(r);
		got = sscanf(item, "%" SCNx64 ",%" SCNx64 "%n@%" SCNx64 "%n", &r->start, &r->number,
			     &used, &r->gfn, &used);
		if (got < 2 || item[used] != '\0')
			return refuse(v, "Invalid argument parsing iomem (START,PAGES[@GFN], "
					 "in hex)");
	}
	return 0;
}

/* rdm = "strategy=host,policy=strict": libxlutil's own parser, as xl uses it. */
static int rdm(struct devs *v)
{
	const struct xen_setting *s = find(v->dc, "rdm");
	libxl_rdm_reserve r;
	XLU_Config *cfg;
	int rc;

	if (!s)
		return 0;
	if (!s->value) {
		v->err = xasprintf("%s:%d: rdm: expected a string such as \"strategy=host\"",
				   s->source, s->line);
		return -1;
	}
	cfg = xlu_cfg_init(stderr, s->source);
	libxl_rdm_reserve_init(&r);
	rc = cfg ? xlu_rdm_parse(cfg, &r, s->value) : -1;
	if (cfg)
		xlu_cfg_destroy(cfg);
	if (rc) {
		/*
		 * xl ignores what libxlutil cannot read, and libxlutil of Xen
		 * 4.17 reads no policy= at all (its own check is inverted):
		 * as xl, the setting is dropped; unlike xl, not silently.
		 */
		xlc_warn("%s:%d: rdm = %s: libxlutil cannot read it, and xl ignores it: ignored",
			 s->source, s->line, s->value);
		return 0;
	}
	/* xl writes these into the union whatever the type; only HVM has them. */
	if (v->d->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
		/* Only a strategy parses (see above): the policy stays libxl's default. */
		v->d->b_info.u.hvm.rdm.strategy = r.strategy;
	}
	return 0;
}

/* vfb: xl stops reading an item at a token without '=' and ignores unknown keys. */
static int vfb_token(struct devs *v, void *dev, char *key, char *value)
{
	libxl_device_vfb *f = dev;

	(void)v;
	if (!value)
		return 1;
	if (!strcmp(key, "vnc"))
		libxl_defbool_set(&f->vnc.enable, atoi(value));
	else if (!strcmp(key, "vnclisten"))
		replace(&f->vnc.listen, value);
	else if (!strcmp(key, "vncpasswd"))
		replace(&f->vnc.passwd, value);
	else if (!strcmp(key, "vncdisplay"))
		f->vnc.display = atoi(value);
	else if (!strcmp(key, "vncunused"))
		libxl_defbool_set(&f->vnc.findunused, atoi(value));
	else if (!strcmp(key, "keymap"))
		replace(&f->keymap, value);
	else if (!strcmp(key, "sdl"))
		libxl_defbool_set(&f->sdl.enable, atoi(value));
	else if (!strcmp(key, "opengl"))
		libxl_defbool_set(&f->sdl.opengl, atoi(value));
	else if (!strcmp(key, "display"))
		replace(&f->sdl.display, value);
	else if (!strcmp(key, "xauthority"))
		replace(&f->sdl.xauthority, value);
	return 0;
}

int xen_keys_vfbs(const struct domain_config *dc, libxl_domain_config *d, char **err)
{
	struct devs v = { .dc = dc, .d = d };
	int rc = list_of(&v, "vfb");

	if (rc) {
		*err = v.err;
		return rc < 0 ? -1 : 0;
	}
	/* Each framebuffer brings its keyboard, both numbered by their place. */
	d->vfbs = xcalloc(v.s->nitems + 1, sizeof(*d->vfbs));
	d->vkbs = xcalloc(v.s->nitems + 1, sizeof(*d->vkbs));
	for (v.item = 0; v.item < v.s->nitems; v.item++) {
		libxl_device_vfb *f = &d->vfbs[d->num_vfbs++];
		libxl_device_vkb *k = &d->vkbs[d->num_vkbs++];

		libxl_device_vfb_init(f);
		libxl_device_vkb_init(k);
		f->devid = k->devid = (libxl_devid)v.item;
		each_token(&v, f, vfb_token);
	}
	return 0;
}

/* A scalar key's string, or NULL when it is not given (or is a list: refused). */
static const char *scalar(struct devs *v, const char *key)
{
	v->s = find(v->dc, key);
	if (v->s && !v->s->value) {
		v->err = xasprintf("%s:%d: %s: expected a string, not a list", v->s->source,
				   v->s->line, key);
		return NULL;
	}
	return v->s ? v->s->value : NULL;
}

static int invalid(struct devs *v, const char *what)
{
	v->err = xasprintf("%s:%d: %s = %s: %s", v->s->source, v->s->line, v->s->key, v->s->value,
			   what);
	return -1;
}

/* seclabel, init_seclabel, device_model_stubdomain_seclabel: XSM labels, as xl places them. */
static int labels(struct devs *v)
{
	libxl_domain_config *d = v->d;
	const char *init = scalar(v, "init_seclabel"), *label, *dm;

	if (v->err)
		return -1;
	if (init)
		replace(&d->c_info.ssid_label, init);
	label = scalar(v, "seclabel");
	if (v->err)
		return -1;
	if (label)
		replace(init ? &d->b_info.exec_ssid_label : &d->c_info.ssid_label, label);
	dm = scalar(v, "device_model_stubdomain_seclabel");
	if (v->err)
		return -1;
	if (dm)
		replace(&d->b_info.device_model_ssid_label, dm);
	return 0;
}

/* A number as libxlutil reads one (base 0), or -1 with nothing set when it is no number. */
static int as_long(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

/* altp2m (a number or a mode's name), vmtrace_buf_kb, vuart, gic_version, tee. */
static int modes(struct devs *v)
{
	libxl_domain_build_info *b = &v->d->b_info;
	const char *s;
	long n;

	if ((s = scalar(v, "altp2m"))) {
		if (!as_long(s, &n)) {
			if (n < LIBXL_ALTP2M_MODE_DISABLED || n > LIBXL_ALTP2M_MODE_LIMITED)
				return invalid(v, "invalid value for \"altp2m\" (0 to 3)");
			b->altp2m = (libxl_altp2m_mode)n;
		} else if (libxl_altp2m_mode_from_string(s, &b->altp2m)) {
			return invalid(v, "invalid value for \"altp2m\" (disabled, mixed, "
					  "external, limited)");
		}
	}
	if ((s = scalar(v, "vmtrace_buf_kb"))) {
		if (as_long(s, &n) || n < 0 || n > UINT32_MAX)
			return invalid(v, "expected a number of KiB");
		if (n)
			b->vmtrace_buf_kb = (uint32_t)n;
	}
	if ((s = scalar(v, "vuart")) && libxl_vuart_type_from_string(s, &b->arch_arm.vuart))
		return invalid(v, "invalid value for \"vuart\" (sbsa_uart)");
	if ((s = scalar(v, "gic_version")) &&
	    libxl_gic_version_from_string(s, &b->arch_arm.gic_version))
		return invalid(v, "Unknown gic_version (v2, v3)");
	if ((s = scalar(v, "tee")) && libxl_tee_type_from_string(s, &b->tee))
		return invalid(v, "Unknown tee (none, optee)");
	return v->err ? -1 : 0;
}

/* HVM's ms_vm_genid, mca_caps and gfx_passthru, as xl reads them. */
static int hvm_extras(struct devs *v)
{
	libxl_domain_build_info *b = &v->d->b_info;
	const char *s;
	unsigned i;
	long n;

	if (v->d->c_info.type != LIBXL_DOMAIN_TYPE_HVM)
		return 0;
	if ((s = scalar(v, "ms_vm_genid"))) {
		if (!strcmp(s, "generate")) {
			/* libxl_ms_vm_genid_generate's: 16 random bytes, not all zero. */
			do {
				if (getrandom(b->u.hvm.ms_vm_genid.bytes, 16, 0) != 16)
					return invalid(v, "failed to generate a VM Generation ID");
			} while (libxl_ms_vm_genid_is_zero(&b->u.hvm.ms_vm_genid));
		} else if (strcmp(s, "none")) {
			return invalid(v,
				       "\"ms_vm_genid\" option must be \"generate\" or \"none\"");
		}
	}
	if (!list_of(v, "mca_caps")) {
		for (i = 0; i < v->s->nitems; i++) {
			if (strcmp(v->s->items[i], "lmce")) {
				v->item = i;
				return refuse(v, "unrecognized MCA capability (lmce)");
			}
			b->u.hvm.mca_caps |= XEN_HVM_MCA_CAP_LMCE;
		}
	} else if (v->err) {
		return -1;
	}
	if ((s = scalar(v, "gfx_passthru"))) {
		if (!as_long(s, &n)) {
			libxl_defbool_set(&b->u.hvm.gfx_passthru, n);
		} else {
			if (libxl_gfx_passthru_kind_from_string(s, &b->u.hvm.gfx_passthru_kind))
				return invalid(v, "invalid value for \"gfx_passthru\" (a number, "
						  "or igd)");
			libxl_defbool_set(&b->u.hvm.gfx_passthru, true);
		}
	}
	return v->err ? -1 : 0;
}

/*
 * firmware: on HVM a BIOS name, uefi/bios (any prefix) or a path; on PV and
 * PVH pvgrub32 or pvgrub64 (any prefix), booted as Xen's firmware file.
 */
#ifndef XENFIRMWAREDIR
#define XENFIRMWAREDIR "/usr/lib/xen-4.17/boot" /* Debian's xen-utils-4.17 */
#endif
static int firmware(struct devs *v)
{
	libxl_domain_build_info *b = &v->d->b_info;
	const char *s = scalar(v, "firmware");
	size_t len;

	if (!s)
		return v->err ? -1 : 0;
	len = strlen(s);
	if (v->d->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
		if (!libxl_bios_type_from_string(s, &b->u.hvm.bios))
			return 0;
		if (!strncmp(s, "uefi", len))
			b->u.hvm.bios = LIBXL_BIOS_TYPE_OVMF;
		else if (strncmp(s, "bios", len))
			replace(&b->u.hvm.firmware, s);
		return 0;
	}
	if (b->kernel)
		return invalid(v, "both kernel and firmware specified");
	if (strncmp(s, "pvgrub32", len) && strncmp(s, "pvgrub64", len))
		return invalid(v, "only pvgrub{32|64} supported as firmware options");
	b->kernel = xasprintf("%s/%s.bin", XENFIRMWAREDIR, s);
	return 0;
}

int xen_keys_devices(const struct domain_config *dc, libxl_domain_config *d, char **err)
{
	/* clang-format off */
	static int (*const kinds[])(struct devs *) = {
		channels, vtpms, p9s, pvcalls, usb, vkbs, vdispls, vsnds,
		dtdevs, ioports, irqs, iomem, labels, modes, hvm_extras, firmware,
	};
	/* clang-format on */
	struct devs v = { .dc = dc, .d = d };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i](&v)) {
			*err = v.err;
			return -1;
		}
	return 0;
}

int xen_keys_rdm(const struct domain_config *dc, libxl_domain_config *d, char **err)
{
	struct devs v = { .dc = dc, .d = d };

	if (rdm(&v)) {
		*err = v.err;
		return -1;
	}
	return 0;
}
