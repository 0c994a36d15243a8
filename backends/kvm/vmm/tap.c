// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of a vif: a tap device, attached to a bridge by xlc itself
 * or by the vif's script= hook.
 *
 * Taps are not persistent: the kernel removes one when its last fd closes,
 * so a guest's taps go away however its VMM ends, SIGKILL included.
 */
#include "backends/kvm/vmm/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if_arp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/kvm/vmm/child.h"
#include "lib/util.h"

/* The virtio 1.x header (virtio_net_hdr_v1): the tap reads and writes it as is. */
#define VNET_HDR_LEN 12

int tap_open(const char *name, char **err)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd, hdr = VNET_HDR_LEN;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot open /dev/net/tun: %s%s", strerror(errno),
				 errno == ENOENT ? " (load the tun module)" : "");
		return -1;
	}
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		*err = xasprintf("cannot create tap %s: %s%s", name, strerror(errno),
				 errno == EBUSY ? " (another guest uses that vifname)" : "");
		goto fail;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr)) {
		*err = xasprintf("tap %s: cannot set the virtio header size: %s", name,
				 strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static int netdev_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -1;
	r = ioctl(s, req, ifr);
	close(s);
	return r;
}

/*
 * Brings the tap up. Its own MAC is fe:ff:ff:ff:ff:ff, as Xen's vifs: a
 * bridge takes the lowest port MAC as its own, and must never take a guest's.
 */
int tap_up(const char *name, unsigned long mtu, char **err)
{
	struct ifreq ifr = { 0 };

	memcpy(ifr.ifr_name, name, strlen(name));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memset(ifr.ifr_hwaddr.sa_data, 0xff, 6);
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	if (netdev_ioctl(SIOCSIFHWADDR, &ifr))
		goto fail;
	if (mtu) {
		ifr.ifr_mtu = (int)mtu;
		if (netdev_ioctl(SIOCSIFMTU, &ifr))
			goto fail;
	}
	if (netdev_ioctl(SIOCGIFFLAGS, &ifr))
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (netdev_ioctl(SIOCSIFFLAGS, &ifr))
		goto fail;
	return 0;
fail:
	*err = xasprintf("cannot bring tap %s up: %s", name, strerror(errno));
	return -1;
}

static int ifindex_of(const char *name)
{
	struct ifreq ifr = { 0 };

	memcpy(ifr.ifr_name, name, strlen(name));
	return netdev_ioctl(SIOCGIFINDEX, &ifr) ? 0 : ifr.ifr_ifindex;
}

/*
 * A bridge, asked of the kernel through the caller's network namespace
 * (sysfs would answer for the namespace it was mounted in): its driver is
 * "bridge".
 */
bool bridge_exists(const char *bridge)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };

	if (strlen(bridge) >= IFNAMSIZ)
		return false;
	memcpy(ifr.ifr_name, bridge, strlen(bridge));
	ifr.ifr_data = (void *)&info;
	return !netdev_ioctl(SIOCETHTOOL, &ifr) && !strcmp(info.driver, "bridge");
}

int bridge_add(const char *bridge, const char *tap, char **err)
{
	struct ifreq ifr = { 0 };
	int index;

	index = ifindex_of(tap);
	memcpy(ifr.ifr_name, bridge, strlen(bridge));
	ifr.ifr_ifindex = index;
	if (!index || netdev_ioctl(SIOCBRADDIF, &ifr)) {
		*err = xasprintf("cannot add tap %s to bridge %s: %s", tap, bridge,
				 strerror(errno));
		return -1;
	}
	return 0;
}

int vif_script_run(const char *path, const char *action, char *const env[], int out_fd, char **err)
{
	bool timed_out;
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		*err = xasprintf("cannot run %s: %s", path, strerror(errno));
		return -1;
	}
	if (!pid) {
		char *argv[] = { (char *)path, (char *)action, "type_if=tap", NULL };
		int null = open("/dev/null", O_RDONLY);

		child_unblock_signals();
		/* Its output goes to the VMM's log, as hotplug output goes to xl's. */
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		if (out_fd >= 0) {
			dup2(out_fd, STDOUT_FILENO);
			dup2(out_fd, STDERR_FILENO);
		}
		execve(path, argv, env);
		fprintf(stderr, "xlc-vmm: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	status = child_wait_bounded(pid, VIF_SCRIPT_TIMEOUT_MS, &timed_out);
	if (status >= 0 && WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (timed_out)
		*err = xasprintf("%s %s did not finish within %d s; it was killed", path, action,
				 VIF_SCRIPT_TIMEOUT_MS / 1000);
	else if (status < 0)
		*err = xasprintf("%s %s: %s", path, action, strerror(errno));
	else
		*err = WIFEXITED(status) ? xasprintf("%s %s exited with status %d", path, action,
						     WEXITSTATUS(status))
					 : xasprintf("%s %s was killed by signal %d", path, action,
						     WTERMSIG(status));
	return -1;
}
