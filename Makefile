# xlc - an xl-compatible toolstack for KVM and Xen.
#
#   make                 build build/xlc (Xen backend if libxenlight is found; XEN=0 forces KVM only)
#   make demo            boot the example guest (xlc's main job)
#   make check           every test: unit, bats, differential, fuzz smoke, and all again
#                        under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz            run the fuzzers for long (FUZZ_SECONDS, default 600 each)
#   make deps            install the Debian packages the build and tests need
#   make install         PREFIX=/usr/local DESTDIR= (binaries, man pages, completion,
#                        xlc-guests.service, tmpfiles, logrotate, /etc/xlc/xlc.conf)
#   make deb             the Debian package (dpkg-buildpackage), in build/deb/

CC ?= cc
V ?= 0
ifeq ($(V),0)
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
endif
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
# xlc reads /etc/xlc whatever the prefix; units and tmpfiles go where systemd
# looks (Debian 12's package puts them under /lib).
SYSCONFDIR ?= /etc
UNITDIR ?= $(LIBDIR)/systemd/system
TMPFILESDIR ?= $(LIBDIR)/tmpfiles.d
BUILD ?= build/obj
PKG_CONFIG ?= pkg-config

XEN ?= $(shell $(PKG_CONFIG) --exists xenlight xlutil 2>/dev/null && echo 1 || echo 0)

PKGS := libconfuse yajl ncursesw libseccomp
ifeq ($(XEN),1)
PKGS += xenlight xlutil xenstat xentoollog
endif

# One version string, from VERSION; debian/changelog must agree (a test checks).
VERSION := $(shell cat VERSION)

CFLAGS ?= -O2 -g
# -fvisibility=hidden: nothing of ours may stand in for a library's symbol. A
# PIE exports any of its functions a shared library names, so our uuid_parse
# once replaced libuuid's inside libxenlight (and our acpi_build_tables its
# libacpi's).
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wno-missing-field-initializers -D_GNU_SOURCE -I. -fvisibility=hidden \
	  $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS += $(shell $(PKG_CONFIG) --libs $(filter-out libseccomp,$(PKGS))) -lpthread
# Full RELRO: every symbol is bound at start, so the GOT can be read-only and a
# forked child (the Xen monitor) never runs the dynamic linker's lazy lookup.
LDFLAGS += -Wl,-z,relro,-z,now

ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

ifeq ($(XEN),1)
CFLAGS += -DXLC_WITH_XEN -DHAVE_YAJL_YAJL_VERSION_H
endif

# One concern per file; each folder is a layer.
LIB_SRCS_BASE := lib/util.c lib/json.c lib/safe_dir.c lib/version.c lib/savefile.c \
		 lib/xl_migration.c
PARSER_SRCS := parsers/cfg_reader.c parsers/domain_keys.c parsers/domain_config.c \
	       parsers/disk_spec.c parsers/vif_spec.c parsers/cpulist.c parsers/domain_json.c \
	       parsers/vnuma_spec.c parsers/xlc_conf.c
CLI_SRCS := xlc/main.c xlc/commands.c xlc/options.c xlc/cli_backend.c xlc/cmd_create.c \
	    xlc/cmd_domain.c xlc/cmd_devices.c xlc/cmd_saverestore.c xlc/cmd_migrate.c \
	    xlc/batch.c \
	    top/top.c top/sample.c top/table.c top/screen.c top/prom.c top/metrics.c \
	    console/console.c
# What the kvm backend's client (the CLI) and its VMM program share.
KVM_SHARED_SRCS := backends/kvm/vmm_spec.c backends/kvm/ctl.c backends/kvm/rundir.c \
		   backends/kvm/cgroup.c
BACKEND_SRCS := backends/backend.c backends/kvm/kvm.c backends/kvm/kvm_spec.c \
		backends/kvm/kvm_console.c backends/kvm/stats.c backends/kvm/kvm_save.c \
		backends/kvm/kvm_migrate.c
ifeq ($(XEN),1)
BACKEND_SRCS += backends/xen/xen.c backends/xen/xen_config.c backends/xen/xen_keys.c \
		backends/xen/xen_keys_devices.c \
		backends/xen/xen_monitor.c backends/xen/xen_devices.c backends/xen/xen_save.c \
		backends/xen/xen_migrate.c
endif

# The VMM program (xlc-vmm): the machine, its devices, and the program around them.
VMM_DIR := backends/kvm/vmm
# Guest memory: its regions, and the log of what was written to it.
VM_MEMORY_SRCS := $(VMM_DIR)/machine/vm.c $(VMM_DIR)/machine/dirty.c
# The virtio devices; the fuzzer builds them too, with guest memory's sources.
VIRTIO_SRCS := $(VMM_DIR)/virtio/virtqueue.c $(VMM_DIR)/virtio/mmio.c $(VMM_DIR)/machine/iothread.c \
		$(VMM_DIR)/virtio/blk.c $(VMM_DIR)/virtio/net.c $(VMM_DIR)/virtio/vhost_net.c $(VMM_DIR)/virtio/rng.c \
		$(VMM_DIR)/virtio/balloon.c \
		$(VMM_DIR)/virtio/devices.c
# save, restore and migrate: the machine stream (fuzzed).
SNAPSHOT_SRCS := $(VMM_DIR)/snapshot/stream.c $(VMM_DIR)/snapshot/precopy.c $(VMM_DIR)/snapshot/vcpu_state.c \
		 $(VMM_DIR)/snapshot/vm_state.c $(VMM_DIR)/snapshot/devices.c $(VMM_DIR)/snapshot/machine.c
MACHINE_SRCS := $(VMM_DIR)/machine/machine.c $(VM_MEMORY_SRCS) $(VMM_DIR)/machine/vcpu.c \
		$(VMM_DIR)/machine/boot.c $(VMM_DIR)/machine/acpi.c $(VMM_DIR)/machine/aml.c \
		$(VMM_DIR)/devices/serial.c $(VMM_DIR)/devices/i8042.c $(VMM_DIR)/devices/rtc.c \
		$(VMM_DIR)/devices/pvpanic.c $(VMM_DIR)/devices/pm.c $(VMM_DIR)/devices/cf9.c \
		$(VMM_DIR)/devices/cpu_hotplug.c \
		$(SNAPSHOT_SRCS) $(VIRTIO_SRCS)
# bootloader = "pygrub": reading a guest's disk (the menu readers are fuzzed).
BOOTLOADER_SRCS := $(VMM_DIR)/bootloader/bootloader.c $(VMM_DIR)/bootloader/boot_disk.c \
		   $(VMM_DIR)/bootloader/boot_menu.c $(VMM_DIR)/bootloader/partitions.c \
		   $(VMM_DIR)/bootloader/ext2_fd_io.c
VMM_PROG_SRCS := $(VMM_DIR)/supervisor.c $(VMM_DIR)/control.c $(VMM_DIR)/guest.c \
		 $(VMM_DIR)/host.c $(VMM_DIR)/tap.c $(VMM_DIR)/sandbox.c $(VMM_DIR)/seccomp.c \
		 $(VMM_DIR)/logfile.c $(VMM_DIR)/child.c $(VMM_DIR)/qsd.c $(BOOTLOADER_SRCS)

LIB_SRCS := $(LIB_SRCS_BASE) $(PARSER_SRCS)
CLI_ALL := $(CLI_SRCS) $(BACKEND_SRCS) $(KVM_SHARED_SRCS) $(LIB_SRCS)
VMM_ALL := $(VMM_DIR)/main.c $(VMM_PROG_SRCS) $(MACHINE_SRCS) $(KVM_SHARED_SRCS) $(LIB_SRCS_BASE) \
	   parsers/cpulist.c
SRCS := $(sort $(CLI_ALL) $(VMM_ALL))
OBJS := $(CLI_ALL:%.c=$(BUILD)/%.o)
VMM_OBJS := $(VMM_ALL:%.c=$(BUILD)/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)

# The VMM links yajl, libseccomp, libext2fs and zlib and nothing else; statically (and as a
# PIE) in release builds, so that it maps no shared library at all.
VMM_LDLIBS := $(shell $(PKG_CONFIG) --libs yajl libseccomp ext2fs com_err zlib) -lpthread
ifneq ($(SAN),1)
VMM_LDFLAGS := -static-pie
VMM_LDLIBS := -l:libyajl_s.a -l:libseccomp.a -l:libext2fs.a -l:libcom_err.a -l:libz.a -lpthread
endif

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(filter-out tests/unit/tap.c,$(wildcard tests/unit/test_*.c)))
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/unit/%)

.PHONY: all check unit fuzz fuzz-smoke deps install clean format kit demo bench bench-compare man deb FORCE
all: build/xlc build/xlc-vmm

# The binaries live in build/: ./xlc is the CLI's source folder.
build/xlc: $(BUILD)/bin/xlc
	@[ "$(BUILD)" = build/obj ] && ln -f $(BUILD)/bin/xlc build/xlc || true
build/xlc-vmm: $(BUILD)/bin/xlc-vmm
	@[ "$(BUILD)" = build/obj ] && ln -f $(BUILD)/bin/xlc-vmm build/xlc-vmm || true

$(BUILD)/bin/xlc: $(OBJS) $(BUILD)/bin/xlc-vmm
	@mkdir -p $(dir $@)
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/bin/xlc-vmm: $(VMM_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) $(VMM_LDFLAGS) -o $@ $^ $(VMM_LDLIBS)

# Flags live here: a changed Makefile rebuilds everything it compiled.
# CPPFLAGS too: dpkg-buildflags puts -D_FORTIFY_SOURCE=2 there.
$(BUILD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$@)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/lib/version.o: VERSION
$(BUILD)/lib/version.o: CPPFLAGS += -DXLC_VERSION='"$(VERSION)"'

# The man pages carry the version: built from man/ with it filled in.
MAN_PAGES := build/man/xlc.1 build/man/xlc.cfg.5
build/man/%: man/% VERSION
	@mkdir -p $(dir $@)
	$(Q)$(call say,GEN,$@)sed 's/@VERSION@/$(VERSION)/g' $< >$@
man: $(MAN_PAGES)

# The host's files (system/): units and scripts with this install's paths.
SYSTEM_FILES := build/system/xlc-guests build/system/xlc-guests.service \
		build/system/xlc-metrics.socket build/system/xlc-metrics@.service
# Rewritten only when the paths change, so that a generated unit is never
# stale: make all, then make install PREFIX=/usr, must not keep /usr/local.
build/system/paths: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BINDIR) $(LIBDIR)' | cmp -s - $@ || echo '$(BINDIR) $(LIBDIR)' >$@
build/system/%: system/% Makefile build/system/paths
	@mkdir -p $(dir $@)
	$(Q)$(call say,GEN,$@)sed 's|@BINDIR@|$(BINDIR)|g; s|@LIBDIR@|$(LIBDIR)|g' $< >$@ && \
		chmod --reference=$< $@
all: $(MAN_PAGES) $(SYSTEM_FILES)

# Unit tests link everything but the two main()s.
TESTABLE_OBJS := $(filter-out $(BUILD)/xlc/main.o $(BUILD)/$(VMM_DIR)/main.o,\
		   $(sort $(OBJS) $(VMM_OBJS)))
$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/tap.c $(TESTABLE_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/unit/tap.c $(TESTABLE_OBJS) \
		$(LDLIBS) $(shell $(PKG_CONFIG) --libs libseccomp ext2fs com_err zlib)

unit-bins: $(UNIT_BINS)

# The C unit tests alone (TAP); make check runs them too, and under ASan.
unit: unit-bins
	@fail=0; for t in $(UNIT_BINS); do $$t || fail=1; done; exit $$fail

# The reference parser for the differential test: Xen's libxlutil.
$(BUILD)/tests/diff/xlu_dump: tests/diff/xlu_dump.c
	@mkdir -p $(dir $@)
	$(Q)$(call say,LD,$@)$(CC) $(CFLAGS) -Wno-strict-prototypes -Wno-missing-prototypes -DHAVE_YAJL_YAJL_VERSION_H \
		$(shell $(PKG_CONFIG) --cflags xlutil xenlight) $(LDFLAGS) -o $@ $< \
		$(shell $(PKG_CONFIG) --libs xlutil xenlight yajl)

# libFuzzer targets need clang; they reuse the parser sources directly.
FUZZ_TARGETS := fuzz_config fuzz_disk_vif fuzz_virtio fuzz_savefile fuzz_boot_menu fuzz_boot_disk \
		fuzz_snapshot
ifeq ($(XEN),1)
FUZZ_TARGETS += fuzz_xen_config
endif
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
	       -DXLC_VERSION='"$(VERSION)"' \
	       $(shell $(PKG_CONFIG) --cflags libconfuse yajl)
build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(call say,FUZZ,$@)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(shell $(PKG_CONFIG) --libs libconfuse yajl)

# The xen backend's translation, with libxl's own types and JSON (no Xen needed).
build/fuzz/fuzz_xen_config: tests/fuzz/fuzz_xen_config.c backends/xen/xen_config.c \
			    backends/xen/xen_keys.c backends/xen/xen_keys_devices.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(call say,FUZZ,$@)clang $(FUZZ_CFLAGS) -DHAVE_YAJL_YAJL_VERSION_H \
		$(shell $(PKG_CONFIG) --cflags xenlight xlutil) -o $@ $< backends/xen/xen_config.c \
		backends/xen/xen_keys.c backends/xen/xen_keys_devices.c $(LIB_SRCS) \
		$(shell $(PKG_CONFIG) --libs libconfuse yajl xenlight xlutil xentoollog)

# xl's save-file header (restore's untrusted input); no libxl in it.
build/fuzz/fuzz_savefile: tests/fuzz/fuzz_savefile.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(call say,FUZZ,$@)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) \
		$(shell $(PKG_CONFIG) --libs libconfuse yajl)

# The kvm machine stream (restore's and migrate-receive's untrusted input).
# Device records go to real devices on a machine without KVM.
LEGACY_DEVICE_SRCS := $(filter $(VMM_DIR)/devices/%,$(MACHINE_SRCS))
build/fuzz/fuzz_snapshot: tests/fuzz/fuzz_snapshot.c $(SNAPSHOT_SRCS) $(VIRTIO_SRCS) \
			  $(LEGACY_DEVICE_SRCS) $(VM_MEMORY_SRCS) backends/kvm/ctl.c $(LIB_SRCS_BASE)
	@mkdir -p $(dir $@)
	$(Q)$(call say,FUZZ,$@)clang $(FUZZ_CFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs yajl zlib) \
		-lpthread

# The virtio devices with a fake VM: guest memory is a buffer, no /dev/kvm.
build/fuzz/fuzz_virtio: tests/fuzz/fuzz_virtio.c $(VIRTIO_SRCS) $(VM_MEMORY_SRCS) \
			$(VMM_DIR)/snapshot/stream.c backends/kvm/ctl.c $(LIB_SRCS_BASE)
	@mkdir -p $(dir $@)
	$(Q)$(call say,FUZZ,$@)clang $(FUZZ_CFLAGS) -o $@ $< $(VIRTIO_SRCS) $(VM_MEMORY_SRCS) \
		$(VMM_DIR)/snapshot/stream.c backends/kvm/ctl.c $(LIB_SRCS_BASE) \
		$(shell $(PKG_CONFIG) --libs yajl zlib) -lpthread

# bootloader = "pygrub": a guest's boot menu, and its whole disk through libext2fs.
build/fuzz/fuzz_boot_menu: tests/fuzz/fuzz_boot_menu.c $(VMM_DIR)/bootloader/boot_menu.c \
			   $(LIB_SRCS_BASE)
	@mkdir -p $(dir $@)
	$(Q)$(call say,FUZZ,$@)clang $(FUZZ_CFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs yajl)
build/fuzz/fuzz_boot_disk: tests/fuzz/fuzz_boot_disk.c $(filter-out %/bootloader.c,$(BOOTLOADER_SRCS)) \
			   $(LIB_SRCS_BASE)
	@mkdir -p $(dir $@)
	$(Q)$(call say,FUZZ,$@)clang $(FUZZ_CFLAGS) -o $@ $^ \
		$(shell $(PKG_CONFIG) --libs yajl ext2fs com_err)

fuzz-bins: $(FUZZ_TARGETS:%=build/fuzz/%)

fuzz: fuzz-bins
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} tests/fuzz/run.sh $(FUZZ_TARGETS)

# What make check runs of the fuzzers: a short run of each.
fuzz-smoke: fuzz-bins
	FUZZ_SECONDS=$${FUZZ_SECONDS:-15} tests/fuzz/run.sh $(FUZZ_TARGETS)

# The guest kit: freestanding bzImage guests, one VMM behaviour each.
KIT_GUESTS := hello poweroff reboot triplefault madt cmos serialirq spin echo count blk net keyboard \
	      button hostile balloon cpuhp cdrom
KIT_DIR := tests/guests/kit
KIT_CFLAGS := -O2 -std=gnu11 -ffreestanding -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
	      -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -nostdlib -static \
	      -no-pie -Wall -Wextra -Werror -Wl,--build-id=none -Wl,-T,$(KIT_DIR)/kit.ld
build/kit/mkbzimage: $(KIT_DIR)/mkbzimage.c
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$@)$(CC) -O2 -Wall -Wextra -Werror -o $@ $<
build/kit/%.elf: $(KIT_DIR)/%.c $(KIT_DIR)/kit.c $(KIT_DIR)/kit.h $(KIT_DIR)/kvirtio.c \
		 $(KIT_DIR)/kvirtio.h $(KIT_DIR)/entry.S $(KIT_DIR)/kit.ld
	@mkdir -p $(dir $@)
	$(Q)$(call say,KIT,$@)$(CC) $(KIT_CFLAGS) -o $@ $(KIT_DIR)/entry.S $(KIT_DIR)/kit.c $(KIT_DIR)/kvirtio.c $<
build/kit/%.bzImage: build/kit/%.elf build/kit/mkbzimage
	$(Q)objcopy -O binary $< $@.bin && \
	end=$$(nm $< | awk '/ __init_end$$/ {print $$1}') && \
	build/kit/mkbzimage $@.bin $@ 0x100000 $$((0x$$end - 0x100000)) && rm -f $@.bin
kit: $(KIT_GUESTS:%=build/kit/%.bzImage)
.PRECIOUS: build/kit/%.elf

# Benchmarks (tests/bench/): never part of check; they report, they do not fail.
build/bench/runstat: tests/bench/runstat.c
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$@)$(CC) -O2 -Wall -Wextra -Werror -o $@ $<
bench: all kit build/bench/runstat
	tests/bench/run-all.sh
# Two runs' figures side by side: make bench-compare OLD=dir NEW=dir
bench-compare:
	tests/bench/compare.sh $(OLD) $(or $(NEW),tests/bench/results)

check:
	tests/run.sh

demo:
	tests/demo.sh

deps:
	tests/deps.sh

install: build/xlc build/xlc-vmm $(MAN_PAGES) $(SYSTEM_FILES)
	install -D -m 0755 build/xlc $(DESTDIR)$(BINDIR)/xlc
	install -D -m 0755 build/xlc-vmm $(DESTDIR)$(LIBDIR)/xlc/xlc-vmm
	install -D -m 0755 build/system/xlc-guests $(DESTDIR)$(LIBDIR)/xlc/xlc-guests
	install -D -m 0644 build/man/xlc.1 $(DESTDIR)$(PREFIX)/share/man/man1/xlc.1
	install -D -m 0644 build/man/xlc.cfg.5 $(DESTDIR)$(PREFIX)/share/man/man5/xlc.cfg.5
	install -D -m 0644 examples/xlc.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xlc
	install -D -m 0644 build/system/xlc-guests.service $(DESTDIR)$(UNITDIR)/xlc-guests.service
	install -D -m 0644 build/system/xlc-metrics.socket $(DESTDIR)$(UNITDIR)/xlc-metrics.socket
	install -D -m 0644 build/system/xlc-metrics@.service \
		$(DESTDIR)$(UNITDIR)/xlc-metrics@.service
	install -D -m 0644 system/tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/xlc.conf
	install -D -m 0644 system/logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/xlc
	@# An admin's settings are never overwritten by a second install.
	[ -e $(DESTDIR)$(SYSCONFDIR)/xlc/xlc.conf ] || \
		install -D -m 0644 system/xlc.conf $(DESTDIR)$(SYSCONFDIR)/xlc/xlc.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/xlc ] || \
		install -D -m 0644 system/default $(DESTDIR)$(SYSCONFDIR)/default/xlc
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/xlc/auto
	@# make install XL_LINK=1: xlc also answers as xl, for scripts and Ganeti.
	$(if $(filter 1,$(XL_LINK)),ln -sf xlc $(DESTDIR)$(BINDIR)/xl)
	$(if $(filter 1,$(XL_LINK)),ln -sf xlc $(DESTDIR)$(PREFIX)/share/bash-completion/completions/xl)

# The Debian package, built from a copy of this tree (so that nothing is
# written beside it): build/deb/xlc_<version>_amd64.deb.
deb:
	rm -rf build/deb && mkdir -p build/deb/src
	tar --exclude=./build --exclude=./.git --exclude=./tests/.cache -cf - . | \
		tar -xf - -C build/deb/src
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	lintian --fail-on error build/deb/xlc_$(VERSION)_*.changes

format:
	clang-format -i $(SRCS) $(wildcard tests/unit/*.c tests/fuzz/*.c tests/diff/*.c)

clean:
	rm -rf build

# Header dependencies of both programs: a changed header rebuilds its users.
-include $(OBJS:.o=.d) $(VMM_OBJS:.o=.d)
