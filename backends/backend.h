/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A backend runs guests: "kvm" (xlc's own VMM over /dev/kvm) or "xen"
 * (libxenlight on a Xen dom0). Commands talk to the one selected, through
 * this table; an operation a backend lacks is NULL and the command says so.
 */
#ifndef XLC_BACKEND_H
#define XLC_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parsers/domain_config.h"
#include "parsers/xlc_conf.h"

struct create_opts {
	bool paused;	 /* -p */
	bool console;	 /* -c */
	bool foreground; /* -F */
	bool quiet;	 /* -q */
	bool no_monitor; /* restore -e: leave no process behind to act on its shutdown */
};

/* save's choices, as xl's options. */
struct save_opts {
	bool checkpoint;     /* -c: the domain runs on once saved */
	bool leave_paused;   /* -p: it stays, paused, once saved */
	bool preserve_domid; /* -D: restore gives it the same id */
	/* The config to keep in the file instead of the domain's own (NULL: its own). */
	const struct domain_config *config;
	bool progress; /* migrate: MiB sent so far, on stderr (a terminal) */
};

/*
 * What a migration did, for its summary. A figure the backend cannot see
 * is -1: libxl writes the stream itself, so on xen only the CLI's own
 * clock is known.
 */
struct migrate_stats {
	long long bytes_sent;
	long long transfer_ms; /* from the stream's first byte to its last */
	long long paused_ms;   /* how long the guest stood still */
	int rounds;	       /* copies of memory: 1 when it is stopped first */
};

/* DOM_REBOOT asks the guest (Ctrl-Alt-Del); DOM_RESET resets it at once (reboot -F). */
enum domain_op { DOM_DESTROY, DOM_SHUTDOWN, DOM_REBOOT, DOM_RESET, DOM_PAUSE, DOM_UNPAUSE };

/* What `list` shows of a domain. */
struct domain_info {
	int domid;
	char *name;
	long pid;
	char state[7]; /* xl's six letters: r b p s <reason> d */
	long memory_mib;
	long maxmem_mib;
	int vcpus;
	int max_vcpus;
	double cpu_time; /* seconds of vCPU time */
	long long start_time;
	unsigned boots;
	char *json;   /* the backend's whole record, for list --json */
	char *config; /* libxl-shaped domain_config JSON, for list -l */
};

void domain_info_free(struct domain_info *d, int n);
void domain_info_free_one(struct domain_info *d); /* its strings, not d */

/* Counters of one vif and one virtual disk, as xentop shows them. */
struct net_stats {
	uint64_t rx_bytes, rx_packets, rx_errors, rx_drops;
	uint64_t tx_bytes, tx_packets, tx_errors, tx_drops;
};

struct vbd_stats {
	unsigned long devnum; /* Xen's encoding of the vdev */
	uint64_t oo_req, rd_req, wr_req, rd_sect, wr_sect;
};

/* One domain in one sample of `top`. */
struct domain_stats {
	int domid;
	char *name;
	char state[7];	 /* xentop's letters, in its order: d s b c p r */
	uint64_t cpu_ns; /* all vCPUs */
	uint64_t *vcpu_ns;
	unsigned nvcpus;
	uint64_t mem_kb, maxmem_kb; /* maxmem UINT64_MAX: no limit */
	struct net_stats *nets;
	unsigned nnets;
	struct vbd_stats *vbds;
	unsigned nvbds;
	unsigned ssid;
};

struct host_stats {
	uint64_t total_kb, free_kb;
	unsigned cpus, mhz;
	char version[64]; /* "kvm (API 12)", "Xen 4.17.7" */
};

void domain_stats_free(struct domain_stats *d, int n);

/* One row of block-list or network-list: a device as its backend sees it. */
struct device_info {
	int devid;	 /* Xen's vdev number (disks) or the vif's index */
	int backend_id;	 /* the domain serving it: 0, dom0 (kvm: the VMM) */
	int frontend_id; /* the guest's domain id */
	int state;	 /* XenbusState: 4 connected; -1 unknown */
	int evtch;	 /* event channel; -1 none */
	int ring_ref[2]; /* disks: [0]; NICs: tx, rx; -1 none */
	unsigned char mac[6];
	char *backend_path; /* xenstore path (kvm: the image or tap) */
};

void device_info_free(struct device_info *d, int n);

struct backend_ops {
	const char *name;
	/* Whether this backend honours a config key flagged KEY_XEN_ONLY. */
	bool honours_xen_only_keys;
	/*
	 * What a config without memory= or vcpus= gets (for xen, libxl's, which
	 * libxl applies itself; batch's memory check counts them first).
	 */
	const struct domain_size_defaults *size_defaults;
	/* Starts the guest; returns an exit status (0, 1). */
	int (*create)(const struct domain_config *dc, const struct create_opts *opts,
		      const struct xlc_conf *conf);
	/*
	 * The running domains, by id; 0 or -1 with *err. Their configs (list -l)
	 * only if with_config: on xen reading one takes libxl's lock on the
	 * domain, which a process creating or changing it holds meanwhile, so
	 * plain `list` (as xl's) never asks.
	 */
	int (*list)(const struct xlc_conf *conf, bool with_config, struct domain_info **out, int *n,
		    char **err);
	/* A domain by name or id; the name in *name. 0 or -1 with *err. */
	int (*resolve)(const struct xlc_conf *conf, const char *dom, char **name, int *domid,
		       char **err);
	int (*op)(const struct xlc_conf *conf, const char *name, enum domain_op op, char **err);
	/* Gives a running domain another name: 0, or -1 with *err (e.g. the name is taken). */
	int (*rename)(const struct xlc_conf *conf, const char *name, const char *new_name,
		      char **err);
	/*
	 * mem-set (max false): the memory the guest should have, in KiB, which
	 * its balloon driver follows; mem-max (max true): the most mem-set may
	 * give it. 0, or -1 with *err (more than the domain may have, ...).
	 */
	int (*set_memory)(const struct xlc_conf *conf, const char *name, uint64_t kib, bool max,
			  char **err);
	/*
	 * vcpu-pin: the hard affinity of vCPU vcpu (-1: all) to the CPUs of
	 * list (xl.cfg's cpus= syntax; "all" unpins), and on Xen the soft one
	 * (NULL: unchanged). 0, or -1 with *err.
	 */
	int (*vcpu_pin)(const struct xlc_conf *conf, const char *name, int vcpu, const char *hard,
			const char *soft, char **err);
	/*
	 * vcpu-set: vCPUs 0..n-1 online, the rest offline; with check_host,
	 * refuses (as xl) to bring more online than the host has CPUs.
	 */
	int (*set_vcpus)(const struct xlc_conf *conf, const char *name, unsigned n, bool check_host,
			 char **err);
	/* block-attach: a disk given as a config's disk spec. 0, or -1 with *err. */
	int (*disk_attach)(const struct xlc_conf *conf, const char *name,
			   const struct disk_spec *disk, char **err);
	/*
	 * block-detach: the disk at vdev (a name or Xen's number); force:
	 * without waiting for the guest to let it go. 1 when there is no such
	 * disk, 0, or -1 with *err.
	 */
	int (*disk_detach)(const struct xlc_conf *conf, const char *name, const char *vdev,
			   bool force, char **err);
	/* network-attach: a NIC given as a config's vif spec. */
	int (*nic_attach)(const struct xlc_conf *conf, const char *name, const struct vif_spec *vif,
			  char **err);
	/* network-detach: the NIC with that index or MAC; 1 if none, 0, or -1 with *err. */
	int (*nic_detach)(const struct xlc_conf *conf, const char *name, const char *devid_or_mac,
			  char **err);
	/* block-list (nics false) or network-list: the domain's devices; 0 or -1 with *err. */
	int (*device_list)(const struct xlc_conf *conf, const char *name, bool nics,
			   struct device_info **out, int *n, char **err);
	/*
	 * cd-insert and cd-eject: the medium of the cdrom at cd->vdev becomes
	 * cd->target (format EMPTY: none). 0, or -1 with *err.
	 */
	int (*cd_change)(const struct xlc_conf *conf, const char *name, const struct disk_spec *cd,
			 char **err);
	/*
	 * save: the domain's state into file (xl's save-file format on xen,
	 * with its config); then it is gone unless opts say otherwise. 0, or
	 * -1 with *err (the domain then runs on as before).
	 */
	int (*save)(const struct xlc_conf *conf, const char *name, const char *file,
		    const struct save_opts *opts, char **err);
	/*
	 * restore: the domain a save file holds, running again where it
	 * stopped (config: used instead of the one in the file). Returns an
	 * exit status, as create.
	 */
	int (*restore)(const struct xlc_conf *conf, const char *file,
		       const struct domain_config *config, const struct create_opts *opts);
	/*
	 * migrate: the domain, live, to the migrate-receive at the other end
	 * of the transport (send_fd to it, recv_fd from it; rune: the command
	 * that runs it, for messages). The domain is gone here once the other
	 * end runs it; until then a failure leaves it running here. 0 with
	 * *stats filled as far as the backend knows, or -1 with *err.
	 */
	int (*migrate_send)(const struct xlc_conf *conf, const char *name, int send_fd, int recv_fd,
			    const char *rune, const struct save_opts *opts, bool debug,
			    struct migrate_stats *stats, char **err);
	/* migrate-receive: the other end, on recv_fd and send_fd. Returns an exit status. */
	int (*migrate_receive)(const struct xlc_conf *conf, int recv_fd, int send_fd,
			       const struct create_opts *opts);
	/* Waits until the domain is gone: 0, or -1 after timeout seconds. */
	int (*wait_gone)(const struct xlc_conf *conf, const char *name, int timeout);
	/*
	 * shutdown -w, in two steps as xl's death watch: watch() before the
	 * domain is asked (NULL: it is gone already, or with *err, it cannot
	 * be watched), then watch_wait() until
	 * it has shut down (*reason: xl's code, 0 poweroff, 1 reboot, 3 crash)
	 * or is gone (*reason -1); with until_gone (-ww), until it is gone,
	 * calling on_shutdown (if not NULL) when it shuts down meanwhile.
	 * watch_wait frees the watch; 0, or -1 if it could not wait.
	 */
	struct domain_watch *(*watch)(const struct xlc_conf *conf, const char *name, char **err);
	int (*watch_wait)(struct domain_watch *w, bool until_gone,
			  void (*on_shutdown)(int reason, void *arg), void *arg, int *reason);
	/* Drops a watch that will not be waited on (a failure, or --timeout). */
	void (*watch_free)(struct domain_watch *w);
	/* Attaches the terminal to the domain's console; returns an exit status. */
	int (*console)(const struct xlc_conf *conf, const char *name, int escape);
	/* Prints `xlc info`'s key : value lines. */
	int (*host_info)(const struct xlc_conf *conf, FILE *out);
	/* The config in the backend's own JSON for create -n (NULL: xlc's libxl-shaped one). */
	char *(*config_json)(const struct domain_config *dc, char **err);
	/* One sample for top: the host and every domain. 0 or -1 with *err. */
	int (*stats)(const struct xlc_conf *conf, struct host_stats *host,
		     struct domain_stats **doms, int *n, char **err);
};

extern const struct backend_ops kvm_backend;
#ifdef XLC_WITH_XEN
extern const struct backend_ops xen_backend;
/*
 * `xlc --xen-monitor DOMID`, with the domain's libxl config (JSON) on stdin:
 * the xen backend's per-domain monitor, which create starts by re-executing
 * xlc (backends/xen/xen_monitor.c). Returns the exit status.
 */
#define XEN_MONITOR_ARG "--xen-monitor"
int xen_monitor_main(const struct xlc_conf *conf, const char *domid_arg);
#endif

/*
 * Chooses the backend: the -b choice, else $XLC_BACKEND, else backend= in
 * xlc.conf, else xen on a Xen dom0 (when built with libxl), else kvm.
 * Returns NULL with a message in *err; *why says which rule chose it.
 */
const struct backend_ops *backend_select(const char *cli_choice, const struct xlc_conf *conf,
					 const char **why, char **err);

#endif
