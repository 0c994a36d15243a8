// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/machine/acpi.h"

#include <string.h>

#include "backends/kvm/vmm/machine/aml.h"
#include "lib/util.h"

#define HEADER_LEN 36
#define FADT_LEN 276
#define FADT_HW_REDUCED (1u << 20)
#define FADT_RESET_REG_SUP (1u << 10)
#define FADT_WBINVD (1u << 0)
#define BOOT_ARCH_8042 (1u << 1)
#define BOOT_ARCH_NO_VGA (1u << 2)
#define GAS_SYSTEM_IO 1
/* The AML opcodes the methods below use (ACPI 6.4, 20.2.5). */
#define STORE_OP 0x70
#define AND_OP 0x7b
#define NOTIFY_OP 0x86
#define IF_OP ((const uint8_t[]){ 0xa0 })
#define ELSE_OP ((const uint8_t[]){ 0xa1 })
#define RETURN_OP 0xa4
#define LOCAL0_OP 0x60
#define ZERO_OP 0x00

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "XLC   ", 6);
	memcpy(t + 16, "XLC     ", 8);
	memcpy(t + 16 + 3, sig, 4);
	put32(t + 24, 1);
	memcpy(t + 28, "XLC ", 4);
	put32(t + 32, 1);
}

static void finish(uint8_t *t, uint32_t len)
{
	put32(t + 4, len);
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* A Generic Address Structure for a byte-wide I/O port. */
static void gas_io(uint8_t *p, uint16_t port, uint8_t bits)
{
	p[0] = GAS_SYSTEM_IO;
	p[1] = bits;
	p[2] = 0;
	p[3] = 1; /* byte access */
	put64(p + 4, port);
}

static size_t build_fadt(uint8_t *t, uint64_t dsdt)
{
	memset(t, 0, FADT_LEN);
	header(t, "FACP", FADT_LEN, 6);
	put32(t + 40, (uint32_t)dsdt);
	t[108] = 0x32; /* CMOS century register */
	put16(t + 109, BOOT_ARCH_8042 | BOOT_ARCH_NO_VGA);
	put32(t + 112, FADT_HW_REDUCED | FADT_RESET_REG_SUP | FADT_WBINVD);
	gas_io(t + 116, ACPI_RESET_PORT, 8);
	t[128] = ACPI_RESET_VALUE;
	t[131] = 3; /* FADT minor version: ACPI 6.3 */
	put64(t + 140, dsdt);
	gas_io(t + 244, ACPI_SLEEP_CONTROL_PORT, 8);
	gas_io(t + 256, ACPI_SLEEP_STATUS_PORT, 8);
	memcpy(t + 268, "XLC-KVM ", 8);
	finish(t, FADT_LEN);
	return FADT_LEN;
}

static size_t build_madt(uint8_t *t, const struct acpi_config *cfg)
{
	size_t n = 44;
	int i;

	memset(t, 0, 44);
	header(t, "APIC", 0, 5);
	put32(t + 36, LAPIC_ADDR);
	put32(t + 40, 1); /* PCAT_COMPAT: there are 8259s too */
	/* Enabled (1), or online-capable (2): a CPU that vcpu-set may add. */
	for (i = 0; i < cfg->max_vcpus; i++) {
		const uint8_t lapic[8] = { 0, 8, (uint8_t)i, (uint8_t)i, i < cfg->vcpus ? 1 : 2,
					   0, 0, 0 };

		memcpy(t + n, lapic, 8);
		n += 8;
	}
	t[n] = 1; /* IO-APIC: id, address, first GSI */
	t[n + 1] = 12;
	t[n + 2] = (uint8_t)cfg->max_vcpus;
	t[n + 3] = 0;
	put32(t + n + 4, IOAPIC_ADDR);
	put32(t + n + 8, 0);
	n += 12;
	/* The PIT's IRQ 0 arrives on IO-APIC pin 2, as on every PC. */
	memcpy(t + n, (const uint8_t[]){ 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 }, 10);
	n += 10;
	/* LINT1 of every CPU is NMI. */
	memcpy(t + n, (const uint8_t[]){ 4, 6, 0xff, 0, 0, 1 }, 6);
	n += 6;
	finish(t, (uint32_t)n);
	return n;
}

/* And(name or Local0, mask), with no target: an If's predicate. */
static void aml_and(struct aml *a, const char *name, uint32_t mask)
{
	aml_byte(a, AND_OP);
	if (name)
		aml_name(a, name);
	else
		aml_byte(a, LOCAL0_OP);
	aml_integer(a, mask);
	aml_byte(a, ZERO_OP);
}

static void dsdt_power_button(struct aml *a)
{
	size_t dev = aml_device(a, "PWRB");

	aml_name_decl(a, "_HID");
	aml_eisaid(a, "PNP0C0C");
	aml_name_decl(a, "_UID");
	aml_integer(a, 0);
	aml_close(a, dev);
}

/* The GED: its interrupt means "read ESEL and act on each bit". */
static void dsdt_ged(struct aml *a)
{
	size_t dev = aml_device(a, "GED0"), buf, method, cond;

	aml_name_decl(a, "_HID");
	aml_string(a, "ACPI0013");
	aml_name_decl(a, "_UID");
	aml_integer(a, 0);
	aml_name_decl(a, "_CRS");
	buf = aml_buffer(a);
	aml_interrupt(a, ACPI_GED_GSI, 1);
	aml_end_tag(a);
	aml_close_buffer(a, buf);
	/* OperationRegion(EREG, SystemIO, port, 4) */
	aml_bytes(a, (const uint8_t[]){ 0x5b, 0x80 }, 2);
	aml_name(a, "EREG");
	aml_byte(a, GAS_SYSTEM_IO);
	aml_integer(a, ACPI_GED_PORT);
	aml_integer(a, 4);
	/* Field(EREG, DWordAcc, NoLock, WriteAsZeros) { ESEL, 32 } */
	buf = aml_open(a, (const uint8_t[]){ 0x5b, 0x81 }, 2);
	aml_name(a, "EREG");
	aml_byte(a, 0x43); /* DWordAcc | NoLock | WriteAsZeros */
	aml_name(a, "ESEL");
	aml_byte(a, 32);
	aml_close(a, buf);
	/*
	 * Method(_EVT, 1, Serialized) { Local0 = ESEL;
	 *   If (Local0 & POWER_BUTTON) { Notify(PWRB, 0x80) } If (Local0 & CPU_HOTPLUG) ... }
	 */
	method = aml_method(a, "_EVT", 1, 1);
	aml_byte(a, STORE_OP);
	aml_name(a, "ESEL");
	aml_byte(a, LOCAL0_OP);
	cond = aml_open(a, IF_OP, 1);
	aml_and(a, NULL, ACPI_GED_POWER_BUTTON);
	aml_byte(a, NOTIFY_OP);
	aml_name(a, "\\_SB_.PWRB");
	aml_integer(a, 0x80);
	aml_close(a, cond);
	/* If (Local0 & CPU_HOTPLUG) { \_SB_.CSCN() } */
	cond = aml_open(a, IF_OP, 1);
	aml_and(a, NULL, ACPI_GED_CPU_HOTPLUG);
	aml_name(a, "\\_SB_.CSCN");
	aml_close(a, cond);
	aml_close(a, method);
	aml_close(a, dev);
}

/* OperationRegion(CPHP, SystemIO, ...) with its words as fields CPRn, CEVn, CEJ_. */
static void dsdt_cpu_registers(struct aml *a)
{
	char name[5];
	size_t field;
	unsigned w;

	aml_bytes(a, (const uint8_t[]){ 0x5b, 0x80 }, 2);
	aml_name(a, "CPHP");
	aml_byte(a, GAS_SYSTEM_IO);
	aml_integer(a, ACPI_CPUHP_PORT);
	aml_integer(a, ACPI_CPUHP_LEN);
	field = aml_open(a, (const uint8_t[]){ 0x5b, 0x81 }, 2);
	aml_name(a, "CPHP");
	aml_byte(a, 0x43); /* DWordAcc | NoLock | WriteAsZeros */
	for (w = 0; w < 2 * ACPI_CPUHP_WORDS; w++) {
		snprintf(name, sizeof(name), "%s%u", w < ACPI_CPUHP_WORDS ? "CPR" : "CEV",
			 w % ACPI_CPUHP_WORDS);
		aml_name(a, name);
		aml_byte(a, 32);
	}
	aml_name(a, "CEJ_");
	aml_byte(a, 32);
	aml_close(a, field);
}

static void cpu_name(char name[5], int n)
{
	snprintf(name, 5, "C%03X", (unsigned)n & 0xfff);
}

static void cpu_word(char name[5], const char *prefix, int n)
{
	snprintf(name, 5, "%s%u", prefix, (unsigned)(n / 32) % ACPI_CPUHP_WORDS);
}

/*
 * Device(Cnnn) { _HID ACPI0007, _UID n, _STA from its present bit, _MAT its
 * MADT entry (Linux takes a hot-added CPU's APIC ID from there), _EJ0 }.
 */
static void dsdt_cpu(struct aml *a, int n)
{
	const uint8_t mat[8] = { 0, 8, (uint8_t)n, (uint8_t)n, 1, 0, 0, 0 };
	char name[5], present[5];
	size_t dev, method, cond, buf;

	cpu_name(name, n);
	cpu_word(present, "CPR", n);
	dev = aml_device(a, name);
	aml_name_decl(a, "_HID");
	aml_string(a, "ACPI0007");
	aml_name_decl(a, "_UID");
	aml_integer(a, (uint64_t)n);
	method = aml_method(a, "_STA", 0, 0);
	cond = aml_open(a, IF_OP, 1);
	aml_and(a, present, 1u << (n % 32));
	aml_byte(a, RETURN_OP);
	aml_integer(a, 0x0f);
	aml_close(a, cond);
	aml_byte(a, RETURN_OP);
	aml_integer(a, 0);
	aml_close(a, method);
	aml_name_decl(a, "_MAT");
	buf = aml_buffer(a);
	aml_bytes(a, mat, sizeof(mat));
	aml_close_buffer(a, buf);
	if (n) { /* Linux never lets vCPU 0 go */
		method = aml_method(a, "_EJ0", 1, 0);
		aml_byte(a, STORE_OP);
		aml_integer(a, (uint64_t)n);
		aml_name(a, "CEJ_");
		aml_close(a, method);
	}
	aml_close(a, dev);
}

/*
 * Method(CSCN, 0, Serialized): for each vCPU whose changed bit is set,
 * Notify(Cnnn, 1) (check: it came) or Notify(Cnnn, 3) (eject: let it go).
 */
static void dsdt_cpu_scan(struct aml *a, int max_vcpus)
{
	size_t method = aml_method(a, "CSCN", 0, 1), changed, cond, other;
	char name[5], word[5];
	int n;

	for (n = 0; n < max_vcpus; n++) {
		if (n % 32 == 0) { /* Local0 = CEVn: reading clears them */
			cpu_word(word, "CEV", n);
			aml_byte(a, STORE_OP);
			aml_name(a, word);
			aml_byte(a, LOCAL0_OP);
		}
		if (!n)
			continue; /* vCPU 0 never changes */
		cpu_name(name, n);
		cpu_word(word, "CPR", n);
		changed = aml_open(a, IF_OP, 1);
		aml_and(a, NULL, 1u << (n % 32));
		cond = aml_open(a, IF_OP, 1);
		aml_and(a, word, 1u << (n % 32));
		aml_byte(a, NOTIFY_OP);
		aml_name(a, name);
		aml_integer(a, 1);
		aml_close(a, cond);
		other = aml_open(a, ELSE_OP, 1);
		aml_byte(a, NOTIFY_OP);
		aml_name(a, name);
		aml_integer(a, 3);
		aml_close(a, other);
		aml_close(a, changed);
	}
	aml_close(a, method);
}

static void dsdt_cpus(struct aml *a, int max_vcpus)
{
	int n;

	dsdt_cpu_registers(a);
	for (n = 0; n < max_vcpus; n++)
		dsdt_cpu(a, n);
	dsdt_cpu_scan(a, max_vcpus);
}

/*
 * A legacy ISA device. A hardware-reduced ACPI machine has no legacy PIC,
 * so Linux maps ISA interrupts only for devices the DSDT describes: without
 * these entries ttyS0 gets no IRQ and user space's console output stalls.
 */
static void dsdt_isa_device(struct aml *a, const char *name, const char *eisaid, unsigned uid,
			    const uint16_t *ports, const uint8_t *lens, unsigned nports,
			    unsigned irq)
{
	size_t dev = aml_device(a, name), buf;
	unsigned i;

	aml_name_decl(a, "_HID");
	aml_eisaid(a, eisaid);
	aml_name_decl(a, "_UID");
	aml_integer(a, uid);
	aml_name_decl(a, "_CRS");
	buf = aml_buffer(a);
	for (i = 0; i < nports; i++)
		aml_io(a, ports[i], lens[i]);
	aml_irq_noflags(a, irq);
	aml_end_tag(a);
	aml_close_buffer(a, buf);
	aml_close(a, dev);
}

static void dsdt_legacy(struct aml *a)
{
	dsdt_isa_device(a, "COM1", "PNP0501", 1, (const uint16_t[]){ 0x3f8 },
			(const uint8_t[]){ 8 }, 1, 4);
	dsdt_isa_device(a, "RTC_", "PNP0B00", 0, (const uint16_t[]){ 0x70 }, (const uint8_t[]){ 2 },
			1, 8);
	dsdt_isa_device(a, "KBD_", "PNP0303", 0, (const uint16_t[]){ 0x60, 0x64 },
			(const uint8_t[]){ 1, 1 }, 2, 1);
}

/* QEMU's pvpanic ISA device, which Linux's pvpanic-mmio driver binds. */
static void dsdt_pvpanic(struct aml *a)
{
	size_t dev = aml_device(a, "PEVT"), buf;

	aml_name_decl(a, "_HID");
	aml_string(a, "QEMU0001");
	aml_name_decl(a, "_UID");
	aml_integer(a, 0);
	aml_name_decl(a, "_CRS");
	buf = aml_buffer(a);
	aml_io(a, 0x505, 1);
	aml_end_tag(a);
	aml_close_buffer(a, buf);
	aml_close(a, dev);
}

static void dsdt_virtio(struct aml *a, unsigned i, const struct virtio_mmio_slot *slot)
{
	char name[5];
	size_t dev, buf;

	snprintf(name, sizeof(name), "VR%02X", i & 0xff);
	dev = aml_device(a, name);
	aml_name_decl(a, "_HID");
	aml_string(a, "LNRO0005");
	aml_name_decl(a, "_UID");
	aml_integer(a, i);
	aml_name_decl(a, "_CCA");
	aml_integer(a, 1);
	aml_name_decl(a, "_CRS");
	buf = aml_buffer(a);
	aml_memory32_fixed(a, (uint32_t)slot->base, VIRTIO_MMIO_SIZE);
	aml_interrupt(a, slot->gsi, 0);
	aml_end_tag(a);
	aml_close_buffer(a, buf);
	aml_close(a, dev);
}

static size_t build_dsdt(uint8_t *t, size_t room, const struct acpi_config *cfg)
{
	struct aml a;
	size_t scope, pkg, len;
	unsigned i;

	aml_init(&a);
	aml_bytes(&a, (uint8_t[HEADER_LEN]){ 0 }, HEADER_LEN);
	scope = aml_scope(&a, "\\_SB_");
	dsdt_legacy(&a);
	dsdt_power_button(&a);
	dsdt_cpus(&a, cfg->max_vcpus);
	dsdt_ged(&a);
	dsdt_pvpanic(&a);
	for (i = 0; i < cfg->nvirtio; i++)
		dsdt_virtio(&a, i, &cfg->virtio[i]);
	aml_close(&a, scope);
	/* Name(\_S5, Package() { 5, 5 }): the sleep type for soft-off. */
	aml_name_decl(&a, "\\_S5_");
	pkg = aml_package(&a, 2);
	aml_integer(&a, ACPI_S5_TYPE);
	aml_integer(&a, ACPI_S5_TYPE);
	aml_close(&a, pkg);
	len = a.len;
	if (len <= room) {
		memcpy(t, a.buf, len);
		header(t, "DSDT", (uint32_t)len, 2);
		finish(t, (uint32_t)len);
	}
	aml_free(&a);
	return len <= room ? len : 0;
}

static size_t build_xsdt(uint8_t *t, const uint64_t *tables, unsigned n)
{
	size_t len = HEADER_LEN + 8 * n;
	unsigned i;

	memset(t, 0, len);
	header(t, "XSDT", (uint32_t)len, 1);
	for (i = 0; i < n; i++)
		put64(t + HEADER_LEN + 8 * i, tables[i]);
	finish(t, (uint32_t)len);
	return len;
}

static void build_rsdp(uint8_t *t, uint64_t xsdt)
{
	memset(t, 0, 36);
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, "XLC   ", 6);
	t[15] = 2; /* ACPI 2.0+: the XSDT is used */
	put32(t + 20, 36);
	put64(t + 24, xsdt);
	t[8] = checksum(t, 20);
	t[32] = checksum(t, 36);
}

static size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

size_t acpi_build_tables(uint8_t *buf, size_t len, uint64_t base, const struct acpi_config *cfg)
{
	size_t off = 64, dsdt_off, fadt_off, madt_off, xsdt_off, n;
	uint64_t tables[2];

	/* RSDP first (scanned for at 16-byte steps), then DSDT, FADT, MADT, XSDT. */
	dsdt_off = off;
	n = build_dsdt(buf + off, len - off, cfg);
	if (!n)
		return 0;
	off = align16(off + n);
	if (off + FADT_LEN + 44 + 8 * (size_t)cfg->max_vcpus + 64 + 64 > len)
		return 0;
	fadt_off = off;
	off = align16(off + build_fadt(buf + off, base + dsdt_off));
	madt_off = off;
	off = align16(off + build_madt(buf + off, cfg));
	xsdt_off = off;
	tables[0] = base + fadt_off;
	tables[1] = base + madt_off;
	off += build_xsdt(buf + off, tables, 2);
	build_rsdp(buf, base + xsdt_off);
	return off;
}

int acpi_install(struct vm *vm, const struct acpi_config *cfg)
{
	size_t room = ACPI_TABLES_END - ACPI_TABLES_ADDR;
	uint8_t *p = gpa_to_hva(vm, ACPI_TABLES_ADDR, room);

	if (!p)
		return -1;
	memset(p, 0, room);
	return acpi_build_tables(p, room, ACPI_TABLES_ADDR, cfg) ? 0 : -1;
}
