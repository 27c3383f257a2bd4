/*
 * boot/loader/config.h - the boot configuration: Limine's limine.conf syntax.
 *
 * The subset the loader reads: the global `timeout`, and the first entry
 * (a line starting with '/') with `protocol: limine`, `kernel_path` (or its
 * newer alias `path`), `cmdline` (alias `kernel_cmdline`), and repeated
 * `module_path` lines, each optionally followed by `module_cmdline` (alias
 * `module_string`). Paths must name the boot volume: `boot():/file`.
 * Other options Limine knows (serial, verbose, resolution, kaslr, ...) are
 * accepted and ignored, so the same file drives a real Limine.
 */
#ifndef LOADER_CONFIG_H
#define LOADER_CONFIG_H

#include <stddef.h>

#define CONFIG_PATH_MAX	   256
#define CONFIG_CMDLINE_MAX 1024
#define CONFIG_MODULES_MAX 16

struct config_module {
	char path[CONFIG_PATH_MAX];	  /* absolute path on the boot volume, "/..." */
	char cmdline[CONFIG_CMDLINE_MAX]; /* "" when none */
};

struct boot_config {
	unsigned timeout;		  /* seconds; the loader boots at once either way */
	char entry_name[CONFIG_PATH_MAX]; /* title of the entry */
	char kernel_path[CONFIG_PATH_MAX];
	char cmdline[CONFIG_CMDLINE_MAX];
	struct config_module modules[CONFIG_MODULES_MAX];
	size_t module_count;
};

/*
 * Parse `len` bytes of configuration text into *cfg.
 * Returns 0 on success. On error returns -1 and writes a one-line message
 * naming the line number into err (always NUL-terminated when err_size > 0);
 * *cfg is then unspecified. Errors: no entry, no kernel path, an entry with
 * a protocol other than limine, a path outside boot(), a value too long, a
 * module_cmdline without a module, more than CONFIG_MODULES_MAX modules.
 */
int config_parse(const char *text, size_t len, struct boot_config *cfg, char *err, size_t err_size);

#endif /* LOADER_CONFIG_H */
