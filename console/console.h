/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `xlc console`: a raw relay between the terminal and a guest's serial
 * console. The escape character (^] by default) detaches, but only when it
 * arrives alone in one read, as xenconsole does, so a pasted block that
 * happens to contain it does not.
 */
#ifndef XLC_CONSOLE_H
#define XLC_CONSOLE_H

#define CONSOLE_DEFAULT_ESCAPE 0x1d /* ^] */

/* Parses "^X" or a single character; -1 if it is neither. */
int console_parse_escape(const char *arg);

/* Relays between the terminal and an open console stream until either ends. */
int console_relay(int fd, const char *name, int escape);

#endif
