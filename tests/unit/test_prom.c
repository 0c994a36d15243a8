// SPDX-License-Identifier: GPL-2.0
/*
 * `xlc metrics`' exposition (top/prom.c) of a sample made up here, compared
 * whole: every family's # HELP and # TYPE before its samples, base units,
 * seconds exact to the nanosecond, +Inf for "no limit", and label values
 * escaped as the format wants (a Xen domain's name may hold a quote, a
 * backslash or a newline; xlc's own names cannot).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "top/prom.h"

static uint64_t vcpu_a[2] = { 1000000000ULL, 500000001ULL };
static uint64_t vcpu_b[1] = { 42 };
static struct net_stats net_a[1] = { {
	.rx_bytes = 10,
	.rx_packets = 1,
	.rx_errors = 2,
	.rx_drops = 3,
	.tx_bytes = 20,
	.tx_packets = 4,
	.tx_errors = 5,
	.tx_drops = 6,
} };
static struct vbd_stats vbd_a[1] = {
	{ .devnum = 51712, .oo_req = 7, .rd_req = 2, .wr_req = 1, .rd_sect = 2, .wr_sect = 1 },
};

static struct domain_stats doms[2] = {
	{
		.domid = 3,
		.name = "a\"b\\c\nd",
		.state = "--b-p-",
		.cpu_ns = 1500000001ULL,
		.vcpu_ns = vcpu_a,
		.nvcpus = 2,
		.mem_kb = 65536,
		.maxmem_kb = UINT64_MAX,
		.nets = net_a,
		.nnets = 1,
		.vbds = vbd_a,
		.nvbds = 1,
	},
	{
		.domid = 7,
		.name = "web",
		.state = "-----r",
		.cpu_ns = 42,
		.vcpu_ns = vcpu_b,
		.nvcpus = 1,
		.mem_kb = 131072,
		.maxmem_kb = 262144,
	},
};

static const char *const want_all =
	"# HELP xlc_host_info The backend xlc samples through and its version, as top's title "
	"shows them; always 1.\n"
	"# TYPE xlc_host_info gauge\n"
	"xlc_host_info{backend=\"kvm\",version=\"kvm (API 12)\"} 1\n"
	"# HELP xlc_host_memory_total_bytes The host's memory (top: Mem total).\n"
	"# TYPE xlc_host_memory_total_bytes gauge\n"
	"xlc_host_memory_total_bytes 1024000\n"
	"# HELP xlc_host_memory_free_bytes The host's free memory (top: Mem free; on kvm, "
	"MemAvailable).\n"
	"# TYPE xlc_host_memory_free_bytes gauge\n"
	"xlc_host_memory_free_bytes 512000\n"
	"# HELP xlc_host_cpus The host's CPUs (top: CPUs).\n"
	"# TYPE xlc_host_cpus gauge\n"
	"xlc_host_cpus 2\n"
	"# HELP xlc_host_cpu_frequency_hertz The clock of the host's CPUs (top: CPUs @ MHz).\n"
	"# TYPE xlc_host_cpu_frequency_hertz gauge\n"
	"xlc_host_cpu_frequency_hertz 2300000000\n"
	"# HELP xlc_host_domains Domains on the host (top: N domains).\n"
	"# TYPE xlc_host_domains gauge\n"
	"xlc_host_domains 2\n"
	"# HELP xlc_host_domains_by_state Domains in each state as top's summary line counts "
	"them: each once, running before blocked, paused, shutdown, crashed and dying.\n"
	"# TYPE xlc_host_domains_by_state gauge\n"
	"xlc_host_domains_by_state{state=\"running\"} 1\n"
	"xlc_host_domains_by_state{state=\"blocked\"} 1\n"
	"xlc_host_domains_by_state{state=\"paused\"} 0\n"
	"xlc_host_domains_by_state{state=\"crashed\"} 0\n"
	"xlc_host_domains_by_state{state=\"dying\"} 0\n"
	"xlc_host_domains_by_state{state=\"shutdown\"} 0\n"
	"# HELP xlc_domain_state 1 for each state letter top shows for the domain (d s b c p "
	"r: dying, shutdown, blocked, crashed, paused, running), else 0.\n"
	"# TYPE xlc_domain_state gauge\n"
	"xlc_domain_state{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",state=\"dying\"} 0\n"
	"xlc_domain_state{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",state=\"shutdown\"} 0\n"
	"xlc_domain_state{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",state=\"blocked\"} 1\n"
	"xlc_domain_state{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",state=\"crashed\"} 0\n"
	"xlc_domain_state{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",state=\"paused\"} 1\n"
	"xlc_domain_state{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",state=\"running\"} 0\n"
	"xlc_domain_state{name=\"web\",domid=\"7\",state=\"dying\"} 0\n"
	"xlc_domain_state{name=\"web\",domid=\"7\",state=\"shutdown\"} 0\n"
	"xlc_domain_state{name=\"web\",domid=\"7\",state=\"blocked\"} 0\n"
	"xlc_domain_state{name=\"web\",domid=\"7\",state=\"crashed\"} 0\n"
	"xlc_domain_state{name=\"web\",domid=\"7\",state=\"paused\"} 0\n"
	"xlc_domain_state{name=\"web\",domid=\"7\",state=\"running\"} 1\n"
	"# HELP xlc_domain_cpu_seconds_total CPU time of all the domain's vCPUs (top: "
	"CPU(sec)).\n"
	"# TYPE xlc_domain_cpu_seconds_total counter\n"
	"xlc_domain_cpu_seconds_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\"} 1.500000001\n"
	"xlc_domain_cpu_seconds_total{name=\"web\",domid=\"7\"} 0.000000042\n"
	"# HELP xlc_domain_vcpu_seconds_total CPU time of each vCPU (top -v: VCPUs(sec)).\n"
	"# TYPE xlc_domain_vcpu_seconds_total counter\n"
	"xlc_domain_vcpu_seconds_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vcpu=\"0\"} "
	"1.000000000\n"
	"xlc_domain_vcpu_seconds_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vcpu=\"1\"} "
	"0.500000001\n"
	"xlc_domain_vcpu_seconds_total{name=\"web\",domid=\"7\",vcpu=\"0\"} 0.000000042\n"
	"# HELP xlc_domain_vcpus The domain's vCPUs (top: VCPUS).\n"
	"# TYPE xlc_domain_vcpus gauge\n"
	"xlc_domain_vcpus{name=\"a\\\"b\\\\c\\nd\",domid=\"3\"} 2\n"
	"xlc_domain_vcpus{name=\"web\",domid=\"7\"} 1\n"
	"# HELP xlc_domain_memory_bytes The domain's memory (top: MEM(k)).\n"
	"# TYPE xlc_domain_memory_bytes gauge\n"
	"xlc_domain_memory_bytes{name=\"a\\\"b\\\\c\\nd\",domid=\"3\"} 67108864\n"
	"xlc_domain_memory_bytes{name=\"web\",domid=\"7\"} 134217728\n"
	"# HELP xlc_domain_memory_max_bytes The domain's maximum memory (top: MAXMEM(k)); +Inf "
	"when it has no limit.\n"
	"# TYPE xlc_domain_memory_max_bytes gauge\n"
	"xlc_domain_memory_max_bytes{name=\"a\\\"b\\\\c\\nd\",domid=\"3\"} +Inf\n"
	"xlc_domain_memory_max_bytes{name=\"web\",domid=\"7\"} 268435456\n"
	"# HELP xlc_domain_network_receive_bytes_total Bytes received (top -n: RX bytes).\n"
	"# TYPE xlc_domain_network_receive_bytes_total counter\n"
	"xlc_domain_network_receive_bytes_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif=\"0\"} "
	"10\n"
	"# HELP xlc_domain_network_receive_packets_total Packets received (top -n: RX pkts).\n"
	"# TYPE xlc_domain_network_receive_packets_total counter\n"
	"xlc_domain_network_receive_packets_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif="
	"\"0\"} 1\n"
	"# HELP xlc_domain_network_receive_errors_total Receive errors (top -n: RX err).\n"
	"# TYPE xlc_domain_network_receive_errors_total counter\n"
	"xlc_domain_network_receive_errors_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif=\"0\"}"
	" 2\n"
	"# HELP xlc_domain_network_receive_drops_total Received packets dropped (top -n: RX "
	"drop).\n"
	"# TYPE xlc_domain_network_receive_drops_total counter\n"
	"xlc_domain_network_receive_drops_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif=\"0\"} "
	"3\n"
	"# HELP xlc_domain_network_transmit_bytes_total Bytes transmitted (top -n: TX bytes).\n"
	"# TYPE xlc_domain_network_transmit_bytes_total counter\n"
	"xlc_domain_network_transmit_bytes_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif=\"0\"}"
	" 20\n"
	"# HELP xlc_domain_network_transmit_packets_total Packets transmitted (top -n: TX "
	"pkts).\n"
	"# TYPE xlc_domain_network_transmit_packets_total counter\n"
	"xlc_domain_network_transmit_packets_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif="
	"\"0\"} 4\n"
	"# HELP xlc_domain_network_transmit_errors_total Transmit errors (top -n: TX err).\n"
	"# TYPE xlc_domain_network_transmit_errors_total counter\n"
	"xlc_domain_network_transmit_errors_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif=\"0\"}"
	" 5\n"
	"# HELP xlc_domain_network_transmit_drops_total Packets to transmit dropped (top -n: TX "
	"drop).\n"
	"# TYPE xlc_domain_network_transmit_drops_total counter\n"
	"xlc_domain_network_transmit_drops_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vif=\"0\"}"
	" 6\n"
	"# HELP xlc_domain_block_read_requests_total Read requests (top: VBD_RD).\n"
	"# TYPE xlc_domain_block_read_requests_total counter\n"
	"xlc_domain_block_read_requests_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vbd=\"51712\"}"
	" 2\n"
	"# HELP xlc_domain_block_write_requests_total Write requests (top: VBD_WR).\n"
	"# TYPE xlc_domain_block_write_requests_total counter\n"
	"xlc_domain_block_write_requests_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vbd="
	"\"51712\"} 1\n"
	"# HELP xlc_domain_block_read_bytes_total Bytes read (top: VBD_RSECT, 512-byte "
	"sectors).\n"
	"# TYPE xlc_domain_block_read_bytes_total counter\n"
	"xlc_domain_block_read_bytes_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vbd=\"51712\"} "
	"1024\n"
	"# HELP xlc_domain_block_write_bytes_total Bytes written (top: VBD_WSECT, 512-byte "
	"sectors).\n"
	"# TYPE xlc_domain_block_write_bytes_total counter\n"
	"xlc_domain_block_write_bytes_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vbd=\"51712\"} "
	"512\n"
	"# HELP xlc_domain_block_oo_requests_total Requests that waited: on kvm for a free disk "
	"thread, on Xen for a free request slot (top: VBD_OO).\n"
	"# TYPE xlc_domain_block_oo_requests_total counter\n"
	"xlc_domain_block_oo_requests_total{name=\"a\\\"b\\\\c\\nd\",domid=\"3\",vbd=\"51712\"} "
	"7\n";

static char *render(const struct sample *s)
{
	struct strbuf sb;

	sb_init(&sb);
	prom_render(s, "kvm", &sb);
	return sb_detach(&sb);
}

/* The first line where got and want part, to read a failure at a glance. */
static void first_difference(const char *got, const char *want)
{
	size_t i = 0;

	while (got[i] && got[i] == want[i])
		i++;
	while (i && got[i - 1] != '\n')
		i--;
	ok(false, "first difference at byte %zu: got \"%.120s\", want \"%.120s\"", i, got + i,
	   want + i);
}

static void test_whole_output(void)
{
	struct sample s = {
		.host = { .total_kb = 1000, .free_kb = 500, .cpus = 2, .mhz = 2300 },
		.doms = doms,
		.n = 2,
		.valid = true,
	};
	char *got;

	strcpy(s.host.version, "kvm (API 12)");
	got = render(&s);
	if (!is_str(got, want_all, "two domains, one with a vif and a vbd, one without"))
		first_difference(got, want_all);
	free(got);
}

/* No domains: the host alone; families without samples are left out. */
static void test_no_domains(void)
{
	struct sample s = { .host = { .total_kb = 1, .cpus = 1 }, .valid = true };
	char *got = render(&s);

	ok(strstr(got, "xlc_host_domains 0\n") != NULL, "no domains: xlc_host_domains 0");
	ok(strstr(got, "xlc_domain_") == NULL, "no domains: no domain family, not even its HELP");
	ok(strstr(got, "xlc_host_cpu_frequency_hertz") == NULL,
	   "an unknown clock (0 MHz) gives no sample rather than 0 Hz");
	ok(strstr(got, "xlc_host_info{backend=\"kvm\",version=\"\"} 1\n") != NULL,
	   "an empty version is an empty label value");
	free(got);
}

static void test_escape(void)
{
	struct strbuf sb;

	sb_init(&sb);
	prom_escape_label(&sb, "q\"b\\n\nx\t\xc3\xa9");
	is_str(sb.buf, "q\\\"b\\\\n\\nx\t\xc3\xa9",
	       "label value: \\ \" and newline escaped; tab and UTF-8 as they are");
	sb_free(&sb);
}

int main(void)
{
	test_whole_output();
	test_no_domains();
	test_escape();
	return done_testing();
}
