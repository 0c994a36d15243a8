/* SPDX-License-Identifier: GPL-2.0 */
/* Tap devices, bridges and vif scripts: the host side of a guest's NIC. */
#ifndef XLC_KVM_TAP_H
#define XLC_KVM_TAP_H

#include <stdbool.h>

/* Creates tap name (shorter than IFNAMSIZ) with a 12-byte virtio header; its fd, or -1. */
int tap_open(const char *name, char **err);
/* Sets the tap's MAC (fe:ff:ff:ff:ff:ff) and MTU, and brings it up. */
int tap_up(const char *name, unsigned long mtu, char **err);
bool bridge_exists(const char *bridge);
/* Adds the tap to an existing bridge (bridge_exists() first, for the clear error). */
int bridge_add(const char *bridge, const char *tap, char **err);

/*
 * Runs "path action type_if=tap" with env, as libxl runs vif hotplug
 * scripts, its output to out_fd (if not -1); a script still running after
 * VIF_SCRIPT_TIMEOUT_MS is killed.
 */
#define VIF_SCRIPT_TIMEOUT_MS 30000
int vif_script_run(const char *path, const char *action, char *const env[], int out_fd, char **err);

#endif
