// SPDX-License-Identifier: GPL-2.0
/*
 * vif specifications (xl-network-configuration(5)): "key=value" tokens
 * separated by commas, leading blanks ignored, empty tokens skipped. Unlike
 * xl, an unknown token or a bad value is an error, not a warning followed
 * by a guest with a half-configured NIC.
 */
#include "parsers/vif_spec.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

/* Tokens xl accepts that only matter to Xen's COLO and driver domains. */
static const char *const xen_only_tokens[] = {
	"forwarddev",
	"accel",
	"colo_sock_mirror_id",
	"colo_sock_mirror_ip",
	"colo_sock_mirror_port",
	"colo_sock_compare_pri_in_id",
	"colo_sock_compare_pri_in_ip",
	"colo_sock_compare_pri_in_port",
	"colo_sock_compare_sec_in_id",
	"colo_sock_compare_sec_in_ip",
	"colo_sock_compare_sec_in_port",
	"colo_sock_compare_notify_id",
	"colo_sock_compare_notify_ip",
	"colo_sock_compare_notify_port",
	"colo_sock_redirector0_id",
	"colo_sock_redirector0_ip",
	"colo_sock_redirector0_port",
	"colo_sock_redirector1_id",
	"colo_sock_redirector1_ip",
	"colo_sock_redirector1_port",
	"colo_sock_redirector2_id",
	"colo_sock_redirector2_ip",
	"colo_sock_redirector2_port",
	"colo_filter_mirror_queue",
	"colo_filter_mirror_outdev",
	"colo_filter_redirector0_queue",
	"colo_filter_redirector0_indev",
	"colo_filter_redirector0_outdev",
	"colo_filter_redirector1_queue",
	"colo_filter_redirector1_indev",
	"colo_filter_redirector1_outdev",
	"colo_compare_pri_in",
	"colo_compare_sec_in",
	"colo_compare_out",
	"colo_compare_notify_dev",
	"colo_sock_sec_redirector0_id",
	"colo_sock_sec_redirector0_ip",
	"colo_sock_sec_redirector0_port",
	"colo_sock_sec_redirector1_id",
	"colo_sock_sec_redirector1_ip",
	"colo_sock_sec_redirector1_port",
	"colo_filter_sec_redirector0_queue",
	"colo_filter_sec_redirector0_indev",
	"colo_filter_sec_redirector0_outdev",
	"colo_filter_sec_redirector1_queue",
	"colo_filter_sec_redirector1_indev",
	"colo_filter_sec_redirector1_outdev",
	"colo_filter_sec_rewriter0_queue",
	"colo_checkpoint_host",
	"colo_checkpoint_port",
};

static const char *const known_keys[] = {
	"mac",	"bridge", "vifname", "ip",	"script",     "model",	"type",
	"rate", "mtu",	  "devid",   "backend", "gatewaydev", "netdev",
};

/* A number as xl's rate syntax writes it: digits, read with base 0. */
static bool leading_number(const char **p, uint64_t *out)
{
	const char *s = *p;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno == ERANGE)
		*out = UINT64_MAX;
	/* strtoull base 0 stops inside "0x"; xl's regex allows digits only. */
	for (; s < end; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	*p = end;
	return true;
}

static bool parse_bytes_per_sec(const char *s, uint64_t *out, char **err)
{
	const char *p = s;
	uint64_t v;
	char unit = 0;

	if (!leading_number(&p, &v))
		goto invalid;
	if (*p == 'G' || *p == 'M' || *p == 'K')
		unit = *p++;
	if ((*p != 'B' && *p != 'b') || strcmp(p + 1, "/s"))
		goto invalid;
	if (v == 0 || v > UINT32_MAX) {
		*err = xasprintf("rate overflow in '%s'", s);
		return false;
	}
	v *= unit == 'G' ? 1000000000ULL : unit == 'M' ? 1000000ULL : unit == 'K' ? 1000ULL : 1;
	if (*p == 'b')
		v /= 8;
	*out = v;
	return true;
invalid:
	*err = xasprintf("invalid rate '%s': write RATE/s with RATE in B, KB, MB, GB "
			 "(bytes) or b, Kb, Mb, Gb (bits), e.g. 10MB/s@20ms",
			 s);
	return false;
}

static bool parse_interval(const char *s, uint32_t *out, char **err)
{
	const char *p = s;
	uint64_t v;

	if (!leading_number(&p, &v))
		goto invalid;
	if (*p == 'm' || *p == 'u')
		p++;
	if (*p == 's')
		p++;
	if (*p)
		goto invalid;
	if (v == 0 || v > UINT32_MAX)
		goto overflow;
	p = s + strspn(s, "0123456789");
	if (*p == 's' || *p == '\0')
		v *= 1000000;
	else if (*p == 'm')
		v *= 1000;
	if (v > UINT32_MAX)
		goto overflow;
	*out = (uint32_t)v;
	return true;
invalid:
	*err = xasprintf("invalid replenishment interval '%s': write it as a number with "
			 "s, ms or us, e.g. 50ms",
			 s);
	return false;
overflow:
	*err = xasprintf("replenishment interval overflow in '%s'", s);
	return false;
}

bool vif_rate_parse(const char *rate, uint64_t *bytes_per_interval, uint32_t *interval_usecs,
		    char **err)
{
	char *copy = xstrdup(rate), *at = strchr(copy, '@');
	uint64_t bytes_per_sec;
	uint32_t usecs = 50000; /* xl's default replenishment interval */
	bool ok = false;

	if (at)
		*at++ = '\0';
	if (!*copy) {
		*err = xasprintf("no rate specified in '%s'", rate);
		goto out;
	}
	if (!parse_bytes_per_sec(copy, &bytes_per_sec, err))
		goto out;
	if (at && !parse_interval(at, &usecs, err))
		goto out;
	if (bytes_per_sec > UINT64_MAX / usecs) {
		*err = xasprintf("rate overflow in '%s'", rate);
		goto out;
	}
	*bytes_per_interval = bytes_per_sec * usecs / 1000000;
	*interval_usecs = usecs;
	ok = true;
out:
	free(copy);
	return ok;
}

/* Six hex pairs separated by ':' (or '-'), unicast. */
static bool parse_mac(const char *s, uint8_t mac[6], char **err)
{
	unsigned i;

	for (i = 0; i < 6; i++) {
		const char *p = s + i * 3;

		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
		    (i < 5 && p[2] != ':' && p[2] != '-') || (i == 5 && p[2]))
			goto bad;
		mac[i] = (uint8_t)strtoul((char[3]){ p[0], p[1], 0 }, NULL, 16);
	}
	if (mac[0] & 1) {
		*err = xasprintf("mac=%s is a multicast address; the first byte must be even "
				 "(use 00:16:3e:xx:xx:xx)",
				 s);
		return false;
	}
	return true;
bad:
	*err = xasprintf("mac=%s is not a MAC address such as 00:16:3e:12:34:56", s);
	return false;
}

void vif_random_mac(uint8_t mac[6])
{
	uint8_t rnd[3] = { 0 };
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
			rnd[0] = rnd[1] = rnd[2] = (uint8_t)getpid();
		close(fd);
	}
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = rnd[0] & 0x7f; /* xl keeps the top bit clear as well */
	mac[4] = rnd[1];
	mac[5] = rnd[2];
}

static void replace(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

static bool set_key(struct vif_spec *vif, const char *key, const char *value, char **err)
{
	unsigned long n;

	if (!strcmp(key, "mac"))
		return parse_mac(value, vif->mac, err) && (vif->mac_set = true);
	if (!strcmp(key, "bridge"))
		replace(&vif->bridge, value);
	else if (!strcmp(key, "vifname"))
		replace(&vif->vifname, value);
	else if (!strcmp(key, "ip"))
		replace(&vif->ip, value);
	else if (!strcmp(key, "script"))
		replace(&vif->script, value);
	else if (!strcmp(key, "model"))
		replace(&vif->model, value);
	else if (!strcmp(key, "gatewaydev") || !strcmp(key, "netdev"))
		replace(&vif->gatewaydev, value);
	else if (!strcmp(key, "backend"))
		replace(&vif->backend_domname, value);
	else if (!strcmp(key, "type")) {
		if (!strcmp(value, "vif"))
			vif->type = NIC_TYPE_VIF;
		else if (!strcmp(value, "ioemu"))
			vif->type = NIC_TYPE_VIF_IOEMU;
		else {
			*err = xasprintf("type=%s: the type is vif or ioemu", value);
			return false;
		}
	} else if (!strcmp(key, "rate")) {
		return vif_rate_parse(value, &vif->rate_bytes_per_interval,
				      &vif->rate_interval_usecs, err);
	} else if (!strcmp(key, "mtu") || !strcmp(key, "devid")) {
		if (!parse_ulong(value, 0, &n) || n > 65535) {
			*err = xasprintf("%s=%s is not a number from 0 to 65535", key, value);
			return false;
		}
		if (key[0] == 'm')
			vif->mtu = n;
		else
			vif->devid = (int)n;
	} else {
		return false;
	}
	return true;
}

static char *unknown_token(const char *tok)
{
	const char *best = NULL;
	unsigned i, d, best_d = 3;
	size_t klen = strcspn(tok, "=");
	char *key = xstrndup(tok, klen), *msg;

	for (i = 0; i < ARRAY_SIZE(known_keys); i++) {
		d = edit_distance(known_keys[i], key);
		if (d < best_d) {
			best_d = d;
			best = known_keys[i];
		}
	}
	if (best)
		msg = xasprintf("unknown vif token '%s'; did you mean '%s='?", tok, best);
	else
		msg = xasprintf("unknown vif token '%s' (known: mac, bridge, vifname, ip, script, "
				"model, type, rate, mtu)",
				tok);
	free(key);
	return msg;
}

static bool parse_token(struct vif_spec *vif, char *tok, char **err)
{
	char *eq = strchr(tok, '=');
	unsigned i;

	if (!strcmp(tok, "trusted") || !strcmp(tok, "untrusted")) {
		vif->trusted = tok[0] == 't';
		return true;
	}
	if (eq) {
		*eq = '\0';
		if (set_key(vif, tok, eq + 1, err))
			return true;
		if (*err)
			return false;
		for (i = 0; i < ARRAY_SIZE(xen_only_tokens); i++) {
			if (strcmp(tok, xen_only_tokens[i]))
				continue;
			*eq = '=';
			vif->extra_keys = xreallocarray(vif->extra_keys, vif->nextra + 1,
							sizeof(*vif->extra_keys));
			vif->extra_keys[vif->nextra++] = xstrdup(tok);
			return true;
		}
		*eq = '=';
	}
	*err = unknown_token(tok);
	return false;
}

bool vif_spec_parse(const char *spec, int devid, struct vif_spec *vif, char **err)
{
	char *copy = xstrdup(spec), *save = NULL, *tok;
	bool ok = true;

	memset(vif, 0, sizeof(*vif));
	vif->devid = devid;
	vif->trusted = -1;
	*err = NULL;
	for (tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok)
			ok = parse_token(vif, tok, err);
	}
	free(copy);
	if (!ok)
		vif_spec_free(vif);
	return ok;
}

void vif_spec_free(struct vif_spec *vif)
{
	unsigned i;

	free(vif->bridge);
	free(vif->vifname);
	free(vif->ip);
	free(vif->script);
	free(vif->model);
	free(vif->gatewaydev);
	free(vif->backend_domname);
	for (i = 0; i < vif->nextra; i++)
		free(vif->extra_keys[i]);
	free(vif->extra_keys);
	memset(vif, 0, sizeof(*vif));
}
