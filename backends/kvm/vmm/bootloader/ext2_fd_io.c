// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/bootloader/ext2_fd_io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

struct fd_part {
	int fd;
	uint64_t offset, bytes;
};

char *ext2_fd_io_name(int fd, uint64_t offset, uint64_t bytes)
{
	return xasprintf("fd:%d:%" PRIu64 ":%" PRIu64, fd, offset, bytes);
}

static errcode_t fd_open(const char *name, int flags, io_channel *channel)
{
	struct fd_part part;
	io_channel ch;

	if (flags & IO_FLAG_RW)
		return EROFS;
	if (sscanf(name, "fd:%d:%" SCNu64 ":%" SCNu64, &part.fd, &part.offset, &part.bytes) != 3)
		return EINVAL;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return ENOMEM;
	ch->private_data = malloc(sizeof(part));
	ch->name = strdup(name);
	if (!ch->private_data || !ch->name) {
		free(ch->private_data);
		free(ch->name);
		free(ch);
		return ENOMEM;
	}
	memcpy(ch->private_data, &part, sizeof(part));
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = ext2_fd_io_manager;
	ch->block_size = 1024;
	ch->refcount = 1;
	*channel = ch;
	return 0;
}

static errcode_t fd_close(io_channel ch)
{
	if (--ch->refcount > 0)
		return 0;
	free(ch->private_data);
	free(ch->name);
	free(ch);
	return 0;
}

static errcode_t fd_set_blksize(io_channel ch, int blksize)
{
	if (blksize <= 0)
		return EINVAL;
	ch->block_size = blksize;
	return 0;
}

/* count < 0 is a byte count (libext2fs's convention); anything past the partition fails. */
static errcode_t fd_read_blk64(io_channel ch, unsigned long long block, int count, void *data)
{
	const struct fd_part *p = ch->private_data;
	uint64_t len = count < 0 ? (uint64_t) - (int64_t)count : (uint64_t)count * ch->block_size;
	uint64_t off;
	ssize_t got;

	if (block > p->bytes / ch->block_size)
		return EXT2_ET_SHORT_READ;
	off = block * ch->block_size;
	if (len > p->bytes - off)
		return EXT2_ET_SHORT_READ;
	while (len) {
		got = pread(p->fd, data, len, (off_t)(p->offset + off));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? (errcode_t)errno : EXT2_ET_SHORT_READ;
		data = (char *)data + got;
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	return 0;
}

static errcode_t fd_read_blk(io_channel ch, unsigned long block, int count, void *data)
{
	return fd_read_blk64(ch, block, count, data);
}

static errcode_t fd_write_blk64(io_channel ch, unsigned long long block, int count,
				const void *data)
{
	(void)ch, (void)block, (void)count, (void)data;
	return EROFS;
}

static errcode_t fd_write_blk(io_channel ch, unsigned long block, int count, const void *data)
{
	return fd_write_blk64(ch, block, count, data);
}

static errcode_t fd_flush(io_channel ch)
{
	(void)ch;
	return 0;
}

static struct struct_io_manager fd_io = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "xlc fd I/O manager",
	.open = fd_open,
	.close = fd_close,
	.set_blksize = fd_set_blksize,
	.read_blk = fd_read_blk,
	.write_blk = fd_write_blk,
	.flush = fd_flush,
	.read_blk64 = fd_read_blk64,
	.write_blk64 = fd_write_blk64,
};

io_manager ext2_fd_io_manager = &fd_io;
