// SPDX-License-Identifier: GPL-2.0
/*
 * The MC146818 CMOS real-time clock at 0x70/0x71. Without it Debian's kernel
 * waits twice for a second at boot. It tells the host's time (UTC), in BCD
 * and 24-hour mode unless the guest changes status register B; a time the
 * guest sets is kept as an offset from the host's clock.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/snapshot/stream.h"
#include "lib/util.h"

#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_WEEKDAY 0x06
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32
#define B_BINARY 0x04
#define B_24H 0x02

struct rtc {
	uint8_t index;
	uint8_t cmos[128];
	time_t offset; /* guest time minus host time */
};

static uint8_t encode(const struct rtc *r, int v)
{
	if (r->cmos[REG_B] & B_BINARY)
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

static int decode(const struct rtc *r, uint8_t v)
{
	if (r->cmos[REG_B] & B_BINARY)
		return v;
	return (v >> 4) * 10 + (v & 15);
}

static uint8_t hours(const struct rtc *r, int h)
{
	if (r->cmos[REG_B] & B_24H)
		return encode(r, h);
	return (uint8_t)(encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static uint8_t read_time(const struct rtc *r, uint8_t reg)
{
	time_t now = time(NULL) + r->offset;
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case REG_SECONDS:
		return encode(r, tm.tm_sec);
	case REG_MINUTES:
		return encode(r, tm.tm_min);
	case REG_HOURS:
		return hours(r, tm.tm_hour);
	case REG_WEEKDAY:
		return encode(r, tm.tm_wday + 1);
	case REG_DAY:
		return encode(r, tm.tm_mday);
	case REG_MONTH:
		return encode(r, tm.tm_mon + 1);
	case REG_YEAR:
		return encode(r, tm.tm_year % 100);
	default:
		return encode(r, 19 + tm.tm_year / 100);
	}
}

/* The guest sets the clock: keep its new time as an offset. */
static void write_time(struct rtc *r, uint8_t reg, uint8_t v)
{
	time_t now = time(NULL) + r->offset, set;
	struct tm tm;
	int val = decode(r, v & 0x7f);

	gmtime_r(&now, &tm);
	switch (reg) {
	case REG_SECONDS:
		tm.tm_sec = val;
		break;
	case REG_MINUTES:
		tm.tm_min = val;
		break;
	case REG_HOURS:
		tm.tm_hour = (r->cmos[REG_B] & B_24H) ? val : val % 12 + ((v & 0x80) ? 12 : 0);
		break;
	case REG_DAY:
		tm.tm_mday = val;
		break;
	case REG_MONTH:
		tm.tm_mon = val - 1;
		break;
	case REG_YEAR:
		tm.tm_year = (tm.tm_year / 100) * 100 + val;
		break;
	default:
		return;
	}
	set = timegm(&tm);
	if (set != (time_t)-1)
		r->offset += set - now;
}

/* The clock's own registers; 1, 3 and 5 are the alarm's, plain CMOS bytes. */
static bool is_time_reg(uint8_t reg)
{
	return reg == REG_SECONDS || reg == REG_MINUTES || reg == REG_HOURS ||
	       (reg >= REG_WEEKDAY && reg <= REG_YEAR) || reg == REG_CENTURY;
}

static void rtc_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		   bool is_write)
{
	struct rtc *r = dev;

	(void)vm;
	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (off == 0) {
		if (is_write)
			r->index = data[0] & 0x7f; /* bit 7 masks NMIs */
		else
			data[0] = 0xff;
		return;
	}
	if (is_write) {
		if (is_time_reg(r->index))
			write_time(r, r->index, data[0]);
		else if (r->index != REG_C && r->index != REG_D)
			r->cmos[r->index] = r->index == REG_A ? (data[0] & 0x7f) : data[0];
		return;
	}
	if (is_time_reg(r->index))
		data[0] = read_time(r, r->index);
	else if (r->index == REG_C)
		data[0] = 0; /* no interrupt flags: reading clears them */
	else
		data[0] = r->cmos[r->index];
}

/* A guest clock at most about a thousand years from the host's. */
#define RTC_OFFSET_MAX (1000LL * 366 * 86400)

/* The CMOS bytes and the guest's clock as an offset from the host's. */
static void rtc_save(const void *dev, struct snap_out *o)
{
	const struct rtc *r = dev;

	snap_put_u8(o, r->index);
	snap_put_bytes(o, r->cmos, sizeof(r->cmos));
	snap_put_u64(o, (uint64_t)(int64_t)r->offset);
}

static int rtc_load(void *dev, struct snap_in *in, char **err)
{
	struct rtc *r = dev, n;
	int64_t offset;

	n.index = snap_get_u8(in);
	snap_get_bytes(in, n.cmos, sizeof(n.cmos));
	offset = (int64_t)snap_get_u64(in);
	/* as the register writes keep them: no update in progress, a year time can hold */
	n.cmos[REG_A] &= 0x7f;
	if (snap_in_finish(in,
			   n.index < sizeof(n.cmos) && offset > -RTC_OFFSET_MAX &&
				   offset < RTC_OFFSET_MAX,
			   "rtc", err))
		return -1;
	n.offset = (time_t)offset;
	*r = n;
	return 0;
}

static const struct device_state_ops rtc_state = { rtc_save, rtc_load };

int rtc_create(struct vm *vm)
{
	struct rtc *r = xcalloc(1, sizeof(*r));

	r->cmos[REG_A] = 0x26; /* 32.768 kHz base, 1024 Hz rate, not updating */
	r->cmos[REG_B] = B_24H;
	r->cmos[REG_D] = 0x80; /* the battery is good: the time is valid */
	if (bus_register(&vm->pio, 0x70, 2, rtc_io, r, "rtc")) {
		free(r);
		return -1;
	}
	return vm_register_state(vm, "rtc", &rtc_state, r);
}
