// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net through the kit's polled driver, with two NICs on one bridge:
 * NIC 0 broadcasts a frame, NIC 1 must receive it and answer NIC 0's MAC,
 * and NIC 0 must receive the answer. A frame round trip through two taps
 * and the host's bridge, with nothing on the host but xlc.
 */
#include "kvirtio.h"

#define VIRTIO_ID_NET 1
#define HDR 12 /* struct virtio_net_hdr_v1 */
#define ETHERTYPE_LOCAL 0x88b5
#define RX_BUFS 4
#define FRAME 1514

struct nic {
	struct kv_dev dev;
	struct kv_queue rxq, txq;
	uint8_t mac[6];
	uint8_t rx[RX_BUFS][HDR + FRAME];
	uint8_t tx[HDR + FRAME];
	unsigned rx_next; /* the rx buffer the next used entry refers to */
};

static struct nic nics[2];

static void post_rx(struct nic *n, unsigned i)
{
	struct kv_buf b = { n->rx[i], sizeof(n->rx[i]), true };

	kv_post(&n->dev, &n->rxq, &b, 1);
}

static bool start(struct nic *n, unsigned which)
{
	unsigned i;

	if (!kv_find(VIRTIO_ID_NET, which, &n->dev) || !kv_init(&n->dev) ||
	    !kv_queue_setup(&n->dev, &n->rxq, 0) || !kv_queue_setup(&n->dev, &n->txq, 1))
		return false;
	for (i = 0; i < 6; i++)
		n->mac[i] = kv_config8(&n->dev, i);
	kv_driver_ok(&n->dev);
	for (i = 0; i < RX_BUFS; i++)
		post_rx(n, i);
	return true;
}

static void send(struct nic *n, const uint8_t dst[6], const char *text)
{
	uint8_t *f = n->tx + HDR;
	size_t len = strlen(text);
	struct kv_buf b;

	memset(n->tx, 0, HDR);
	memcpy(f, dst, 6);
	memcpy(f + 6, n->mac, 6);
	f[12] = ETHERTYPE_LOCAL >> 8;
	f[13] = ETHERTYPE_LOCAL & 0xff;
	memset(f + 14, 0, 46);
	memcpy(f + 14, text, len);
	b = (struct kv_buf){ n->tx, (uint32_t)(HDR + 14 + (len < 46 ? 46 : len)), false };
	kv_post(&n->dev, &n->txq, &b, 1);
	kv_wait(&n->txq, 100000000, NULL);
}

/* Waits for a frame of ours that starts with text; the sender's MAC in from. */
static bool receive(struct nic *n, const char *text, uint8_t from[6])
{
	unsigned tries;

	for (tries = 0; tries < 32; tries++) {
		unsigned i = n->rx_next;
		uint32_t len;
		const uint8_t *f = n->rx[i] + HDR;
		bool match;

		if (!kv_wait(&n->rxq, 50000000, &len))
			return false;
		n->rx_next = (i + 1) % RX_BUFS; /* one buffer per request, used in order */
		match = len >= HDR + 14 && f[12] == ETHERTYPE_LOCAL >> 8 &&
			f[13] == (ETHERTYPE_LOCAL & 0xff) &&
			!strncmp((const char *)f + 14, text, strlen(text));
		if (match)
			memcpy(from, f + 6, 6);
		post_rx(n, i);
		if (match)
			return true; /* other frames (IPv6 chatter of the host) are skipped */
	}
	return false;
}

int kit_main(void)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t from[6];
	bool got_ping = false, got_pong = false;
	unsigned attempt;

	if (!start(&nics[0], 0) || !start(&nics[1], 1)) {
		kit_puts("KIT-NET needs two NICs\n");
		return 1;
	}
	kit_printf("KIT-NET mac0=%02x:%02x:%02x:%02x:%02x:%02x\n", nics[0].mac[0], nics[0].mac[1],
		   nics[0].mac[2], nics[0].mac[3], nics[0].mac[4], nics[0].mac[5]);
	for (attempt = 0; attempt < 20 && !got_ping; attempt++) {
		send(&nics[0], broadcast, "xlc-kit-ping");
		got_ping = receive(&nics[1], "xlc-kit-ping", from);
	}
	if (got_ping) {
		send(&nics[1], from, "xlc-kit-pong");
		got_pong = receive(&nics[0], "xlc-kit-pong", from);
	}
	kit_printf("KIT-NET ping=%d pong=%d attempts=%u\n", got_ping, got_pong, attempt);
	return !(got_ping && got_pong);
}
