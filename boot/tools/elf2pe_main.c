/*
 * boot/tools/elf2pe_main.c - the elf2pe command: convert a file with elf2pe_convert().
 *
 *   elf2pe INPUT.elf OUTPUT.efi
 *
 * The build runs this on the boot loader's static PIE ELF to produce the EFI
 * application. The output appears whole or not at all: it is written to
 * OUTPUT.efi.tmp and renamed over OUTPUT.efi only once every byte is written,
 * so an interrupted or failed run never leaves a truncated image that a later
 * build step could mistake for a good one.
 *
 * Exit status: 0 on success, 1 if reading, converting or writing failed
 * (after "elf2pe: FILE: reason" on stderr), 2 on a wrong command line.
 */
#include "elf2pe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* No boot loader comes close; a larger input is a mistake, not a loader. */
#define MAX_INPUT_SIZE ((size_t)256 << 20)

static void usage(FILE *f)
{
	fprintf(f, "usage: elf2pe INPUT.elf OUTPUT.efi\n"
		   "\n"
		   "Convert a static PIE ELF64 image (x86_64, aarch64, riscv64 or loongarch64)\n"
		   "into a PE32+ EFI application. The output is written to OUTPUT.efi.tmp, then\n"
		   "renamed to OUTPUT.efi.\n");
}

/* Print "elf2pe: FILE: MESSAGE" and return the exit status of a failed run. */
static int report(const char *file, const char *message)
{
	fprintf(stderr, "elf2pe: %s: %s\n", file, message);
	return 1;
}

/*
 * Read the whole file at `path` into a malloc'd buffer. Returns 0 with *data
 * and *size set (the caller frees *data), or -1 with errno set (EFBIG for a
 * file over MAX_INPUT_SIZE).
 */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = NULL;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n;

		if (buf == NULL || len == cap) {
			uint8_t *bigger;

			if (buf != NULL && cap >= MAX_INPUT_SIZE) {
				errno = EFBIG;
				goto fail;
			}
			if (buf != NULL)
				cap *= 2;
			bigger = realloc(buf, cap);
			if (bigger == NULL)
				goto fail;
			buf = bigger;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = len;
	return 0;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

/* Write all `size` bytes to fd, retrying short writes. Returns 0, or -1 with errno. */
static int write_all(int fd, const uint8_t *data, size_t size)
{
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

/*
 * Write the image to `tmp`, then rename it to `path`. Returns 0, or -1 with
 * errno set and `tmp` removed.
 */
static int write_file_atomically(const char *path, const char *tmp, const uint8_t *data,
				 size_t size)
{
	int fd, saved;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, size) < 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	/* close() reports delayed write errors (on NFS, for instance). */
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	errno = saved;
	return -1;
}

int main(int argc, char **argv)
{
	const char *input, *output;
	struct elf2pe_output out;
	char err[256];
	uint8_t *elf;
	size_t elf_size, tmp_size;
	char *tmp;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	input = argv[1];
	output = argv[2];

	if (read_file(input, &elf, &elf_size) < 0)
		return report(input, strerror(errno));
	if (elf2pe_convert(elf, elf_size, &out, err, sizeof(err)) < 0) {
		free(elf);
		return report(input, err);
	}
	free(elf);

	tmp_size = strlen(output) + sizeof(".tmp");
	tmp = malloc(tmp_size);
	if (tmp == NULL) {
		elf2pe_free(&out);
		return report(output, "out of memory");
	}
	snprintf(tmp, tmp_size, "%s.tmp", output);
	if (write_file_atomically(output, tmp, out.data, out.size) < 0)
		status = report(output, strerror(errno));
	free(tmp);
	elf2pe_free(&out);
	return status;
}
