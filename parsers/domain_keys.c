// SPDX-License-Identifier: GPL-2.0
/*
 * Every key xl.cfg(5) defines for Xen 4.17, with the shape xl reads it in.
 * Keys without KEY_XEN_ONLY are honoured by every backend; the rest are
 * accepted (a file from /etc/xen must load unchanged) and passed to libxl
 * by the xen backend, while the kvm backend warns that it ignores them.
 * Xen-only scalars are KEY_STRING: a number is a valid string, and their
 * values are libxl's to judge.
 */
#include "parsers/domain_config.h"

#define XEN(n)                                                                                     \
	{                                                                                          \
		n, KEY_STRING, KEY_XEN_ONLY, NULL                                                  \
	}
#define XEN_LIST(n)                                                                                \
	{                                                                                          \
		n, KEY_LIST, KEY_XEN_ONLY, NULL                                                    \
	}
/* A list of lists of strings (vnuma, vsnd); only Xen honours it. */
#define XEN_LISTS(n, hint)                                                                         \
	{                                                                                          \
		n, KEY_LISTS, KEY_XEN_ONLY, hint                                                   \
	}
#define XEN_ANY(n)                                                                                 \
	{                                                                                          \
		n, KEY_ANY, KEY_XEN_ONLY, NULL                                                     \
	}

/* An xm-era key xl 4.17 never reads: accepted and ignored, with what to use instead. */
#define LEGACY(n, instead)                                                                         \
	{                                                                                          \
		n, KEY_ANY, KEY_LEGACY, instead                                                    \
	}

static const char KERNEL_IP[] = "xm built the kernel's ip=/nfsroot= from it; write those in "
				"extra or cmdline";

static const char VNUMA_HINT[] = "one per vnode: [ [ \"pnode=0\", \"size=512\", \"vcpus=0-1\", "
				 "\"vdistances=10,20\" ], ... ]";
static const char VSND_HINT[] = "one per sound card: [ [ \"CARD, ...\", \"PCM, ...\" ], ... ]";

static const char ACTION_HINT[] =
	"one of destroy, restart, rename-restart, preserve, coredump-destroy, "
	"coredump-restart, soft-reset";

/* clang-format off */
const struct cfg_key domain_keys[] = {
	/* Honoured by every backend. */
	{ "name", KEY_STRING, 0, NULL },
	{ "uuid", KEY_STRING, 0, "a UUID such as 6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
	{ "type", KEY_STRING, 0, "pv, pvh or hvm" },
	{ "builder", KEY_STRING, 0, "generic or hvm (deprecated: use type)" },
	{ "memory", KEY_INT, 0, "memory is in MiB, without a unit" },
	{ "maxmem", KEY_INT, 0, "maxmem is in MiB, without a unit" },
	{ "vcpus", KEY_INT, 0, "the number of vCPUs to start with" },
	{ "maxvcpus", KEY_INT, 0, "the largest number of vCPUs" },
	{ "cpus", KEY_ANY, 0, "a CPU list such as \"0-3,^2\", or a list of them per vCPU" },
	{ "cpus_soft", KEY_ANY, KEY_XEN_ONLY, NULL },
	{ "kernel", KEY_STRING, 0, NULL },
	{ "ramdisk", KEY_STRING, 0, NULL },
	{ "cmdline", KEY_STRING, 0, NULL },
	{ "root", KEY_STRING, 0, NULL },
	{ "extra", KEY_STRING, 0, NULL },
	{ "disk", KEY_LIST, 0, NULL },
	{ "vif", KEY_LIST, 0, NULL },
	{ "on_poweroff", KEY_STRING, 0, ACTION_HINT },
	{ "on_reboot", KEY_STRING, 0, ACTION_HINT },
	{ "on_crash", KEY_STRING, 0, ACTION_HINT },
	{ "on_watchdog", KEY_STRING, 0, ACTION_HINT },
	{ "on_soft_reset", KEY_STRING, KEY_XEN_ONLY, ACTION_HINT },
	{ "serial", KEY_ANY, KEY_XEN_ALSO, "\"pty\" (the guest's ttyS0)" },
	{ "bootloader", KEY_STRING, KEY_XEN_ALSO, "\"pygrub\"" },
	{ "bootloader_args", KEY_ANY, KEY_XEN_ALSO, "a list such as [ \"--entry=1\" ]" },

	/* Xen only. */
	XEN("acpi"), XEN("acpi_firmware"), XEN("acpi_laptop_slate"), XEN("acpi_s3"),
	XEN("acpi_s4"), XEN("altp2m"), XEN("altp2mhvm"), XEN("apic"), XEN("bios"),
	XEN("bios_path_override"), XEN("boot"),
	XEN("cap"), XEN_LIST("channel"), XEN("cpu_weight"), XEN_ANY("cpuid"),
	XEN("device_model"), XEN_LIST("device_model_args"), XEN_LIST("device_model_args_hvm"),
	XEN_LIST("device_model_args_pv"), XEN("device_model_override"),
	XEN("device_model_stubdomain_override"), XEN("device_model_stubdomain_seclabel"),
	XEN("device_model_user"), XEN("device_model_version"), XEN("device_tree"),
	XEN("display"), XEN("dm_restrict"), XEN("driver_domain"), XEN_LIST("dtdev"),
	XEN("e820_host"), XEN("extratime"), XEN("firmware"), XEN("firmware_override"),
	XEN("gfx_passthru"), XEN("gic_version"), XEN("hap"), XEN("hdtype"), XEN("hpet"),
	XEN("init_seclabel"), XEN_LIST("iomem"), XEN_LIST("ioports"), XEN_LIST("irqs"),
	XEN("keymap"), XEN("latency"), XEN("localtime"), XEN("max_event_channels"),
	XEN("max_grant_frames"), XEN("max_grant_version"), XEN("max_maptrack_frames"),
	XEN_LIST("mca_caps"), XEN("mmio_hole"), XEN("ms_vm_genid"), XEN("msr_relaxed"),
	XEN("nestedhvm"), XEN("nographic"), XEN("nomigrate"), XEN("nx"), XEN("oos"),
	XEN("opengl"), XEN_LIST("p9"), XEN("pae"), XEN("passthrough"), XEN_LIST("pci"),
	XEN("pci_msitranslate"), XEN("pci_permissive"), XEN("pci_power_mgmt"),
	XEN("pci_seize"), XEN("period"), XEN("pool"), XEN_LIST("pvcalls"), XEN("pvshim"),
	XEN("pvshim_cmdline"), XEN("pvshim_extra"), XEN("pvshim_path"), XEN("rdm"),
	XEN("rdm_mem_boundary"), XEN("rtc_timeoffset"), XEN("sdl"), XEN("seclabel"),
	XEN("shadow_memory"), XEN("slice"), XEN("smbios_firmware"), XEN("soundhw"),
	XEN("spice"), XEN("spice_clipboard_sharing"), XEN("spice_image_compression"),
	XEN("spice_streaming_video"), XEN("spiceagent_mouse"), XEN("spicedisable_ticketing"),
	XEN("spicehost"), XEN("spicepasswd"), XEN("spiceport"), XEN("spicetls_port"),
	XEN("spiceusbredirection"), XEN("spicevdagent"), XEN("stdvga"),
	XEN("stubdomain_cmdline"), XEN("stubdomain_kernel"), XEN("stubdomain_memory"),
	XEN("stubdomain_ramdisk"), XEN("tee"), XEN("timer_mode"), XEN("tsc_mode"), XEN("usb"),
	XEN_LIST("usbctrl"), XEN_LIST("usbdev"), XEN_ANY("usbdevice"), XEN("usbversion"),
	XEN_LIST("vdispl"), XEN("vendor_device"), XEN_LIST("vfb"), XEN("vga"), XEN("videoram"),
	XEN_LIST("vif2"), XEN_ANY("viridian"), XEN_LIST("vkb"), XEN("vkb_device"),
	XEN("vmtrace_buf_kb"), XEN("vnc"), XEN("vncdisplay"), XEN("vnclisten"),
	XEN("vncpasswd"), XEN("vncunused"), XEN("vncviewer"), XEN_LISTS("vnuma", VNUMA_HINT),
	XEN("vpmu"), XEN("vpt_align"), XEN_LISTS("vsnd", VSND_HINT), XEN_LIST("vtpm"),
	XEN("vuart"), XEN("xauthority"), XEN("xen_platform_pci"),
	XEN("xend_suspend_evtchn_compat"),

	/*
	 * xm's keys (Xen 4.4's create.py) that xl 4.17 never reads (libvirt still
	 * writes parallel, Ganeti bootargs, cpu and cpu_cap), and xen-tools' own:
	 * files from xen-tools, Ganeti and the xm years load, and each of these
	 * draws a warning instead of an error.
	 */
	LEGACY("access_control", "xl's FLASK labels are seclabel and init_seclabel"),
	LEGACY("blkif", "the nearest xl key is driver_domain"),
	LEGACY("bootargs", "xl reads bootloader_args"),
	LEGACY("bootentry", "xl reads bootloader_args"),
	LEGACY("cpu", "xl pins with cpus"),
	LEGACY("cpu_cap", "xl reads cap"),
	LEGACY("cpuid_check", NULL),
	LEGACY("description", NULL),
	LEGACY("dhcp", KERNEL_IP),
	LEGACY("fda", "xl has device_model_args_hvm"),
	LEGACY("fdb", "xl has device_model_args_hvm"),
	LEGACY("features", NULL),
	LEGACY("gateway", KERNEL_IP),
	LEGACY("guest_os_type", NULL),
	LEGACY("hostname", KERNEL_IP),
	LEGACY("interface", KERNEL_IP),
	LEGACY("ip", KERNEL_IP),
	LEGACY("irq", "xl reads irqs"),
	LEGACY("isa", "xl has device_model_args_hvm"),
	LEGACY("loader", "xl reads firmware, bios or firmware_override"),
	LEGACY("machine_address_size", NULL),
	LEGACY("memory_sharing", NULL),
	LEGACY("monitor", "xl has device_model_args_hvm"),
	LEGACY("monitor_path", "xl has device_model_args_hvm"),
	LEGACY("netif", "the nearest xl key is driver_domain"),
	LEGACY("netmask", KERNEL_IP),
	LEGACY("nfs_root", KERNEL_IP),
	LEGACY("nfs_server", KERNEL_IP),
	LEGACY("nics", "xl makes one vif per entry of vif"),
	LEGACY("on_xend_start", "xendomains starts /etc/xen/auto; xlc create --auto"),
	LEGACY("on_xend_stop", NULL),
	LEGACY("parallel", "xl has device_model_args_hvm"),
	LEGACY("restart", "xl reads on_poweroff, on_reboot and on_crash"),
	LEGACY("s3_integrity", NULL),
	LEGACY("superpages", NULL),
	LEGACY("suppress_spurious_page_faults", NULL),
	LEGACY("target", NULL),
	LEGACY("tpmif", "xl reads vtpm"),
	LEGACY("vcpu_avail", "xl reads vcpus (online) and maxvcpus"),
	LEGACY("vhpt", NULL),
	LEGACY("vncconsole", "xl create -V"),
	LEGACY("vscsi", NULL),
	LEGACY("vusb", "xl reads usbctrl and usbdev"),
	LEGACY("xen_extended_power_mgmt", NULL),
	/* xen-tools' own keys, which xm and xl both leave alone. */
	LEGACY("broadcast", "xen-tools writes it for NFS-root guests; xm ignored it too"),
	LEGACY("xen_shell", "xen-tools' xen-shell admins; xm ignored it too"),
	{ NULL, 0, 0, NULL },
};
/* clang-format on */
