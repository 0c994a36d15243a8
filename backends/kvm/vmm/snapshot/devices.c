// SPDX-License-Identifier: GPL-2.0
/* Every registered device's state as a "device" record (devices.h). */
#include "backends/kvm/vmm/snapshot/devices.h"

#include <string.h>

#include "lib/util.h"

int snap_devices_save(struct vm *vm, struct snap_writer *w, char **err)
{
	unsigned i;

	for (i = 0; i < vm->nstates; i++) {
		const struct device_state *d = &vm->states[i];
		struct snap_out o = { 0 };
		int r;

		snap_put_str(&o, d->name);
		d->ops->save(d->dev, &o);
		r = snap_write_record(w, SNAP_DEVICE, o.p, o.len, err);
		snap_out_free(&o);
		if (r)
			return -1;
	}
	return 0;
}

int snap_device_load(struct vm *vm, const struct snap_record *rec,
		     struct snap_devices_loaded *loaded, char **err)
{
	struct snap_in in = { rec->data, rec->len, 0, false };
	char name[sizeof(vm->states[0].name)];
	unsigned i;

	snap_get_str(&in, name, sizeof(name));
	if (in.short_read) {
		*err = xstrdup("the stream has a device record without a name");
		return -1;
	}
	for (i = 0; i < vm->nstates; i++)
		if (!strcmp(vm->states[i].name, name))
			break;
	if (i == vm->nstates) {
		*err = xasprintf(
			"the stream has state for a device \"%s\" this guest does not have "
			"(its config differs from the saved guest's)",
			name);
		return -1;
	}
	if (loaded->done[i]) {
		*err = xasprintf("the stream has the state of device \"%s\" twice", name);
		return -1;
	}
	/* The cursor goes on past the name: the device reads its own fields. */
	if (vm->states[i].ops->load(vm->states[i].dev, &in, err))
		return -1;
	loaded->done[i] = true;
	return 0;
}

int snap_devices_check(const struct vm *vm, const struct snap_devices_loaded *loaded, char **err)
{
	unsigned i;

	for (i = 0; i < vm->nstates; i++)
		if (!loaded->done[i]) {
			*err = xasprintf("the stream has no state for device \"%s\"",
					 vm->states[i].name);
			return -1;
		}
	return 0;
}
