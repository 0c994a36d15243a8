/* SPDX-License-Identifier: GPL-2.0 */
/* Tap devices, bridges and vif scripts: the host side of a guest's NIC. */
#ifndef XLC_KVM_TAP_H
#define XLC_KVM_TAP_H

#include <stdbool.h>

/* Creates tap name (shorter than IFNAMSIZ) with a 12-byte virtio header; its fd, or -1. */
int tap_open(const char *name, char **err);
/* TUN_F_* offloads the guest can take (it negotiated them). */
int tap_set_offload(int fd, unsigned flags);
/* Sets the tap's MAC (fe:ff:ff:ff:ff:ff) and MTU, and brings it up. */
int tap_up(const char *name, unsigned long mtu, char **err);
bool bridge_exists(const char *bridge);
/* Adds the tap to an existing bridge (bridge_exists() first, for the clear error). */
int bridge_add(const char *bridge, const char *tap, char **err);

/*
 * The executable a vif's script= names (as is if it has a '/', else from
 * $XLC_SYSCONFDIR/scripts, /etc/xlc/scripts, /etc/xen/scripts), or NULL.
 * Xen's default "vif-bridge" is never taken from /etc/xen/scripts: it needs
 * xenstore, and xlc attaches the tap to the bridge itself.
 */
char *vif_script_path(const char *script);
/* Runs "path action type_if=tap" with env, as libxl runs vif hotplug scripts. */
int vif_script_run(const char *path, const char *action, char *const env[], char **err);

#endif
