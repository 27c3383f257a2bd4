/*
 * test/boot/elf2pe_cli_test.c - the elf2pe command: usage, exit status, atomic output.
 *
 * meson passes the path of the built tool as ELF2PE_TOOL ("" when it is not
 * known, which skips these tests). Each test works in its own temporary
 * directory.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elf2pe_test_util.h"

#ifndef ELF2PE_TOOL
#define ELF2PE_TOOL ""
#endif

/* The per-test directory and the paths used in it. */
struct cli {
	char dir[32];
	char input[64];
	char output[64];
	char tmp[64]; /* output.tmp, which must never be left behind */
	char log[64];
};

static void cli_setup(struct cli *c)
{
	if (ELF2PE_TOOL[0] == '\0')
		cr_skip_test("the elf2pe tool's path is unknown");
	temp_dir_create(c->dir, sizeof(c->dir));
	snprintf(c->input, sizeof(c->input), "%s/in.elf", c->dir);
	snprintf(c->output, sizeof(c->output), "%s/out.efi", c->dir);
	snprintf(c->tmp, sizeof(c->tmp), "%s/out.efi.tmp", c->dir);
	snprintf(c->log, sizeof(c->log), "%s/log", c->dir);
}

/* Run elf2pe with up to three arguments (NULL ends the list early). */
static int cli_run(const struct cli *c, const char *a1, const char *a2, const char *a3)
{
	const char *argv[] = { ELF2PE_TOOL, a1, a2, a3, NULL };

	return run_program(argv, c->log);
}

/* Fail unless the tool's output (stdout and stderr) contains `needle`. */
static void expect_log(const struct cli *c, const char *needle)
{
	size_t size;
	char *text = (char *)slurp(c->log, &size);

	cr_assert_not_null(strstr(text, needle), "output \"%s\" lacks \"%s\"", text, needle);
	free(text);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

Test(elf2pe_cli, help_prints_usage_and_succeeds)
{
	struct cli c;

	cli_setup(&c);
	cr_assert_eq(cli_run(&c, "--help", NULL, NULL), 0);
	expect_log(&c, "usage: elf2pe INPUT.elf OUTPUT.efi");
	cr_assert_eq(cli_run(&c, "-h", NULL, NULL), 0);
	expect_log(&c, "usage: elf2pe");
	temp_dir_remove(c.dir);
}

Test(elf2pe_cli, wrong_argument_count_prints_usage_and_exits_2)
{
	struct cli c;

	cli_setup(&c);
	cr_assert_eq(cli_run(&c, NULL, NULL, NULL), 2);
	expect_log(&c, "usage: elf2pe");
	cr_assert_eq(cli_run(&c, c.input, NULL, NULL), 2);
	cr_assert_eq(cli_run(&c, c.input, c.output, "extra"), 2);
	temp_dir_remove(c.dir);
}

Test(elf2pe_cli, converts_a_file_like_the_library)
{
	struct elf2pe_output expected;
	uint8_t *written;
	size_t size;
	struct elfb b;
	struct cli c;

	cli_setup(&c);
	elfb_standard(&b, EM_RISCV, 3);
	spew(c.input, b.buf, b.size);
	convert_ok(&b, &expected);
	cr_assert_eq(cli_run(&c, c.input, c.output, NULL), 0);
	written = slurp(c.output, &size);
	cr_assert_eq(size, expected.size);
	cr_assert(memcmp(written, expected.data, size) == 0, "the tool wrote other bytes");
	cr_assert(!exists(c.tmp), "the temporary file was left behind");
	free(written);
	elf2pe_free(&expected);
	elfb_free(&b);
	temp_dir_remove(c.dir);
}

Test(elf2pe_cli, unreadable_input_exits_1)
{
	struct cli c;

	cli_setup(&c);
	cr_assert_eq(cli_run(&c, c.input, c.output, NULL), 1);
	expect_log(&c, "elf2pe: ");
	expect_log(&c, "in.elf: No such file or directory");
	cr_assert(!exists(c.output) && !exists(c.tmp), "an output appeared");
	temp_dir_remove(c.dir);
}

Test(elf2pe_cli, refused_input_exits_1_and_keeps_the_old_output)
{
	static const char old[] = "previous image";
	size_t size;
	struct elfb b;
	struct cli c;
	char *text;

	cli_setup(&c);
	elfb_standard(&b, EM_X86_64, 8);
	b.buf[4] = 1; /* ELFCLASS32 */
	spew(c.input, b.buf, b.size);
	spew(c.output, old, sizeof(old) - 1);
	cr_assert_eq(cli_run(&c, c.input, c.output, NULL), 1);
	expect_log(&c, "in.elf: ELF class 1 is not ELFCLASS64");
	text = (char *)slurp(c.output, &size);
	cr_assert_str_eq(text, old, "a failed run replaced the output");
	cr_assert(!exists(c.tmp), "the temporary file was left behind");
	free(text);
	elfb_free(&b);
	temp_dir_remove(c.dir);
}

Test(elf2pe_cli, unwritable_output_exits_1)
{
	char output[96];
	struct elfb b;
	struct cli c;

	cli_setup(&c);
	elfb_standard(&b, EM_AARCH64, 1027);
	spew(c.input, b.buf, b.size);
	snprintf(output, sizeof(output), "%s/missing/out.efi", c.dir);
	cr_assert_eq(cli_run(&c, c.input, output, NULL), 1);
	expect_log(&c, "missing/out.efi: No such file or directory");
	elfb_free(&b);
	temp_dir_remove(c.dir);
}
