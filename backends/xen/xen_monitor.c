// SPDX-License-Identifier: GPL-2.0
/*
 * The per-domain monitor, as xl's create leaves one behind: it waits for the
 * domain to shut down and applies on_poweroff, on_reboot or on_crash
 * (destroy, restart, rename-restart, preserve, coredump-*), then waits again
 * for the restarted domain, until the domain is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/xen/xen.h"
#include "xlc/util.h"

#define NO_DOMID ((uint32_t)INVALID_DOMID)

static libxl_action_on_shutdown action_for(const libxl_domain_config *d,
					   libxl_shutdown_reason reason)
{
	switch (reason) {
	case LIBXL_SHUTDOWN_REASON_POWEROFF:
		return d->on_poweroff;
	case LIBXL_SHUTDOWN_REASON_REBOOT:
		return d->on_reboot;
	case LIBXL_SHUTDOWN_REASON_CRASH:
		return d->on_crash;
	case LIBXL_SHUTDOWN_REASON_WATCHDOG:
		return d->on_watchdog;
	case LIBXL_SHUTDOWN_REASON_SOFT_RESET:
		return d->on_soft_reset;
	default:
		return LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	}
}

static void say(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const char *name, const char *fmt, ...)
{
	va_list ap;
	char when[32];
	time_t t = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(stderr, "%s xlc-monitor: %s: ", when, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* rename-restart, as xl: the old domain stays, as <name>-YYYYMMDDTHHMMZ with a new uuid. */
static void rename_old(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *d)
{
	char suffix[24];
	time_t now = time(NULL);
	struct tm tm;
	libxl_uuid uuid;

	strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", gmtime_r(&now, &tm));
	libxl_uuid_generate(&uuid);
	if (libxl_domain_preserve(ctx, domid, &d->c_info, suffix, uuid))
		say(d->c_info.name, "could not keep the old domain %u", domid);
	else
		say(d->c_info.name, "the old domain %u stays as %s%s", domid, d->c_info.name,
		    suffix);
}

/* Returns the new domid after a restart, or NO_DOMID when done. */
static uint32_t apply(libxl_ctx *ctx, libxl_domain_config *d, uint32_t domid,
		      libxl_shutdown_reason reason)
{
	libxl_action_on_shutdown a = action_for(d, reason);
	const char *name = d->c_info.name;
	uint32_t next = NO_DOMID;

	say(name, "domain %u shut down (%s); action: %s", domid,
	    libxl_shutdown_reason_to_string(reason), libxl_action_on_shutdown_to_string(a));
	switch (a) {
	case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
		return domid; /* keep watching: destroy ends it */
	case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
		rename_old(ctx, domid, d);
		/* fall through */
	case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
	case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART:
	case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET:
		if (a != LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME)
			libxl_domain_destroy(ctx, domid, NULL);
		if (libxl_domain_create_new(ctx, d, &next, NULL, NULL)) {
			say(name, "restart failed; see the libxl log");
			return NO_DOMID;
		}
		libxl_domain_unpause(ctx, next, NULL);
		say(name, "restarted as domain %u", next);
		return next;
	default:
		libxl_domain_destroy(ctx, domid, NULL);
		return NO_DOMID;
	}
}

int xen_monitor(libxl_ctx *ctx, libxl_domain_config *d, uint32_t domid,
		const struct domain_config *dc)
{
	libxl_evgen_domain_death *death = NULL;
	const char *name = dc->name;

	say(name, "watching domain %u", domid);
	for (;;) {
		libxl_event *ev = NULL;
		uint32_t next;

		if (!death && libxl_evenable_domain_death(ctx, domid, 0, &death)) {
			say(name, "cannot watch domain %u", domid);
			return 1;
		}
		if (libxl_event_wait(ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL))
			return 1;
		if (ev->domid != (libxl_domid)domid) {
			libxl_event_free(ctx, ev);
			continue;
		}
		if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH) {
			say(name, "domain %u is gone", domid);
			libxl_event_free(ctx, ev);
			return 0;
		}
		if (ev->type != LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) {
			libxl_event_free(ctx, ev);
			continue;
		}
		next = apply(ctx, d, domid, ev->u.domain_shutdown.shutdown_reason);
		libxl_event_free(ctx, ev);
		if (next == domid)
			continue; /* preserved: the death event ends us */
		libxl_evdisable_domain_death(ctx, death);
		death = NULL;
		if (next == NO_DOMID)
			return 0;
		domid = next;
	}
}
