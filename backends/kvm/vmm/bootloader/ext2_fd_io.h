/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A libext2fs I/O manager that reads one partition of an already open disk
 * with pread(), so the confined process that reads a guest's filesystem
 * opens nothing by name, and never reads outside that partition. It is read
 * only: every write fails.
 */
#ifndef XLC_KVM_BOOTLOADER_EXT2_FD_IO_H
#define XLC_KVM_BOOTLOADER_EXT2_FD_IO_H

#include <ext2fs/ext2fs.h>
#include <stdint.h>

extern io_manager ext2_fd_io_manager;

/* The name ext2fs_open2 takes for the partition [offset, offset + bytes) of fd; free() it. */
char *ext2_fd_io_name(int fd, uint64_t offset, uint64_t bytes);

#endif
