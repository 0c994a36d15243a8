/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table and what every command shares: global options, the
 * per-command option parser, and the loaded xlc.conf.
 */
#ifndef XLC_XLC_H
#define XLC_XLC_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parsers/xlc_conf.h"

/*
 * One option of a command. The command's parser, its help and (through the
 * help) the shell completion are all made from its table of these, so they
 * cannot disagree.
 */
struct cli_option {
	char letter;	  /* -x, or 0: a long option only */
	const char *name; /* --name, or NULL: a short option only */
	const char *arg;  /* its value's name in help ("N"; "=S" for --name=S), or NULL: none */
	const char *help; /* what it does; NULL: an alias, said by the next line's help */
	int key;	  /* what command_getopt returns for it: the letter if 0 */
};
/* The keys of the long options that have no letter. */
enum long_option_key {
	CREATE_OPT_PARALLEL = 0x100,
	CREATE_OPT_ALL_OR_NOTHING,
	CREATE_OPT_FORCE,
	CREATE_OPT_JSON,
	CREATE_OPT_AUTO,
	CREATE_OPT_UNKNOWN_KEYS,
	LIST_OPT_JSON,
	POWER_OPT_TIMEOUT,
	MIGRATE_OPT_DEBUG,
	MIGRATE_OPT_LIVE,
	MIGRATE_OPT_JSON,
	TOP_OPT_CSV,
	TOP_OPT_JSON,
	METRICS_OPT_HTTP,
};
/* Whether o is an entry of its table, not the { 0 } that ends it (NULL: no table). */
static inline bool cli_option_more(const struct cli_option *o)
{
	return o && (o->letter || o->name || o->help);
}

/* A line of text among the options (a heading, an operand): no option. */
#define CLI_TEXT(text)                                                                             \
	{                                                                                          \
		.help = (text)                                                                     \
	}

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	bool can_dryrun;		  /* accepts the global -N */
	int min_args;			  /* operands it needs after its options */
	const char *summary;		  /* one line, for `xlc help` */
	const char *usage;		  /* after "xlc <name> " */
	const struct cli_option *options; /* ends with { 0 }; NULL: none */
	const char *notes;		  /* text after the options in `xlc help <name>` */
};

extern const struct command commands[];
extern const unsigned ncommands;

/* Global options: xlc [-v] [-N] [-b kvm|xen] <command> ... */
struct global_options {
	bool dryrun;
	const char *backend; /* -b */
};

extern struct global_options global;
extern struct xlc_conf xlc_config;

/* Finds a command by name or unambiguous prefix; NULL and a message if not. */
const struct command *command_find(const char *name, char **err);
const struct command *command_lookup(const struct command *table, unsigned ntable, const char *name,
				     char **err);
void print_usage(FILE *out);
void print_command_help(FILE *out, const struct command *cmd);

/*
 * getopt_long over the command's option table: adds -h/--help (help on
 * stdout, exit 0), turns an unknown option into a usage error (exit 2) and,
 * once the options end, requires the command's min_args operands. Returns
 * an option's key (and optarg), or -1 when done.
 */
int command_getopt(int argc, char **argv, const struct command *cmd);

/* Prints "xlc: <msg>" plus the command's usage line; returns EXIT_USAGE. */
int usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For the commands on running domains (xlc/cli_backend.c). */
struct backend_ops;
struct domain_config;
/* The backend -b, $XLC_BACKEND or xlc.conf chose; exits 1 if none. */
const struct backend_ops *cli_backend(void);
/* Exits 1 saying the backend cannot do what, if op is NULL. */
void cli_need(const struct backend_ops *be, const void *op, const char *what);
/* A domain argument (name or id) to its name and id; exits 1 if unknown. */
char *cli_resolve(const struct backend_ops *be, const char *dom, int *domid);
/* An xl.cfg file (save, restore, migrate -C); NULL when it is bad, said on stderr. */
struct domain_config *cli_load_config(const char *path);
/* restore's and migrate-receive's -c, -p, -F and -e (xlc/cmd_saverestore.c). */
struct create_opts;
void start_option(int opt, struct create_opts *opts);
/* A command of the table by its exact name, for command_getopt. */
const struct command *cli_command(const char *name);

/* The commands. */
int main_create(int argc, char **argv);
int main_help(int argc, char **argv);
int main_list(int argc, char **argv);
int main_destroy(int argc, char **argv);
int main_shutdown(int argc, char **argv);
int main_reboot(int argc, char **argv);
int main_pause(int argc, char **argv);
int main_rename(int argc, char **argv);
int main_mem_set(int argc, char **argv);
int main_mem_max(int argc, char **argv);
int main_vcpu_pin(int argc, char **argv);
int main_vcpu_set(int argc, char **argv);
int main_block_attach(int argc, char **argv);
int main_block_detach(int argc, char **argv);
int main_block_list(int argc, char **argv);
int main_network_attach(int argc, char **argv);
int main_network_detach(int argc, char **argv);
int main_network_list(int argc, char **argv);
int main_cd_insert(int argc, char **argv);
int main_cd_eject(int argc, char **argv);
int main_save(int argc, char **argv);
int main_restore(int argc, char **argv);
int main_migrate(int argc, char **argv);
int main_migrate_receive(int argc, char **argv);
/* xl's memory sizes: a number and b, k, m (the default), g or t; KiB, or -1. */
int64_t parse_mem_size_kb(const char *mem);
int main_unpause(int argc, char **argv);
int main_console(int argc, char **argv);
int main_uptime(int argc, char **argv);
int main_domid(int argc, char **argv);
int main_domname(int argc, char **argv);
int main_vcpu_list(int argc, char **argv);
int main_info(int argc, char **argv);
int main_top(int argc, char **argv);
int main_metrics(int argc, char **argv);

#endif
