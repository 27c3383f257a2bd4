/*
 * test/loader/config_test.c - the limine.conf subset the loader reads.
 */
#include <criterion/criterion.h>

#include <base/printf.h>
#include <base/string.h>

#include "config.h"

static struct boot_config cfg;
static char err[160];

static int parse(const char *text)
{
	return config_parse(text, strlen(text), &cfg, err, sizeof(err));
}

Test(config, reads_the_first_entry_of_the_template)
{
	cr_assert_eq(parse("# comment\n"
			   "timeout: 3\n"
			   "\n"
			   "/Keel\n"
			   "    protocol: limine\n"
			   "    kernel_path: boot():/boot/kernel.elf\n"
			   "    cmdline: kernel.selftest=1 loglevel=debug\n"),
		     0, "%s", err);
	cr_assert_eq(cfg.timeout, 3);
	cr_assert_str_eq(cfg.entry_name, "Keel");
	cr_assert_str_eq(cfg.kernel_path, "/boot/kernel.elf");
	cr_assert_str_eq(cfg.cmdline, "kernel.selftest=1 loglevel=debug");
	cr_assert_eq(cfg.module_count, 0);
}

Test(config, accepts_path_alias_case_and_crlf)
{
	cr_assert_eq(
		parse("/Entry\r\nPROTOCOL: Limine\r\nPath: boot():/k\r\nKERNEL_CMDLINE: a b\r\n"),
		0, "%s", err);
	cr_assert_str_eq(cfg.kernel_path, "/k");
	cr_assert_str_eq(cfg.cmdline, "a b");
}

Test(config, modules_take_their_cmdline)
{
	cr_assert_eq(parse("/E\nprotocol: limine\nkernel_path: boot():/k\n"
			   "module_path: boot():/init.elf\nmodule_cmdline: init\n"
			   "module_path: boot():/data.tar\n"
			   "module_string: newer alias\n"),
		     0, "%s", err);
	cr_assert_eq(cfg.module_count, 2);
	cr_assert_str_eq(cfg.modules[0].path, "/init.elf");
	cr_assert_str_eq(cfg.modules[0].cmdline, "init");
	cr_assert_str_eq(cfg.modules[1].path, "/data.tar");
	cr_assert_str_eq(cfg.modules[1].cmdline, "newer alias");
}

Test(config, only_the_first_entry_counts_and_unknown_options_are_ignored)
{
	cr_assert_eq(parse("serial: yes\n/First\nprotocol: limine\nkaslr: no\n"
			   "kernel_path: boot():/one\n/Second\nprotocol: multiboot2\n"
			   "kernel_path: boot():/two\n"),
		     0, "%s", err);
	cr_assert_str_eq(cfg.kernel_path, "/one");
}

Test(config, timeout_no_means_boot_at_once)
{
	cr_assert_eq(parse("timeout: no\n/E\nprotocol: limine\nkernel_path: boot():/k\n"), 0);
	cr_assert_eq(cfg.timeout, 0);
}

/* Each refusal names its line and its reason. */
static void expect_error(const char *text, const char *needle)
{
	cr_assert_eq(parse(text), -1, "accepted: %s", text);
	cr_assert(strstr(err, needle) != NULL, "message \"%s\" lacks \"%s\"", err, needle);
}

Test(config, refuses_what_it_cannot_boot)
{
	expect_error("timeout: 1\n", "no boot entry");
	expect_error("/E\nkernel_path: boot():/k\n", "no 'protocol: limine'");
	expect_error("/E\nprotocol: limine\n", "no kernel_path");
	expect_error("/E\nprotocol: linux\n", "line 2: only 'protocol: limine'");
	expect_error("/E\nprotocol: limine\nkernel_path: hdd(1:1):/k\n", "line 3: only boot()");
	expect_error("/E\nprotocol: limine\nkernel_path: boot():k\n", "must start with '/'");
	expect_error("/E\nprotocol: limine\nkernel_path: boot():/k#abcd\n", "hashes");
	expect_error("/E\nprotocol: limine\nmodule_cmdline: x\n", "before any module_path");
	expect_error("/E\nprotocol: limine\njust words\n", "line 3: expected 'name: value'");
	expect_error("/E\nprotocol: limine\n: value\n", "option name missing");
	expect_error("timeout: soon\n/E\n", "line 1: timeout");
}

Test(config, refuses_values_that_do_not_fit)
{
	static char text[4096];
	char longpath[CONFIG_PATH_MAX + 8];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	snprintf(text, sizeof(text), "/E\nprotocol: limine\nkernel_path: boot():/%s\n", longpath);
	expect_error(text, "path too long");
}

Test(config, refuses_too_many_modules)
{
	static char text[8192];
	size_t n = 0;

	n += snprintf(text + n, sizeof(text) - n, "/E\nprotocol: limine\nkernel_path: boot():/k\n");
	for (int i = 0; i <= CONFIG_MODULES_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n, "module_path: boot():/m%d\n", i);
	expect_error(text, "too many modules");
}

Test(config, refuses_nul_bytes)
{
	static const char text[] = "/E\nprotocol: limine\0\nkernel_path: boot():/k\n";

	cr_assert_eq(config_parse(text, sizeof(text) - 1, &cfg, err, sizeof(err)), -1);
	cr_assert(strstr(err, "NUL") != NULL, "%s", err);
}
