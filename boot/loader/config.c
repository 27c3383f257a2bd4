/*
 * boot/loader/config.c - parse the limine.conf subset the loader uses.
 *
 * The file is a sequence of lines. A line whose first non-blank character
 * is '#' is a comment. A line starting with '/' opens a menu entry; only the
 * first entry is booted (the loader has no menu). Every other non-empty
 * line is `name: value` (or `name=value`); names are case-insensitive, and
 * the value runs to the end of the line with surrounding blanks removed.
 */
#include "config.h"

#include <base/ctype.h>
#include <base/printf.h>
#include <base/stdlib.h>
#include <base/string.h>
#include <stdbool.h>

/* Where the parser is: before the first entry, in it, or past it. */
enum section { GLOBAL, FIRST_ENTRY, LATER_ENTRIES };

struct parser {
	struct boot_config *cfg;
	enum section section;
	bool have_protocol;
	unsigned line;
	char *err;
	size_t err_size;
};

static int fail(struct parser *p, const char *what)
{
	if (p->err_size > 0)
		snprintf(p->err, p->err_size, "limine.conf line %u: %s", p->line, what);
	return -1;
}

/* Case-insensitive equality of a counted name with a C string. */
static bool name_is(const char *name, size_t len, const char *want)
{
	size_t i;

	for (i = 0; i < len && want[i] != '\0'; i++) {
		if (tolower((unsigned char)name[i]) != tolower((unsigned char)want[i]))
			return false;
	}
	return i == len && want[i] == '\0';
}

/* Copy a counted value into a fixed buffer; -1 if it does not fit. */
static int copy_value(char *dst, size_t dst_size, const char *v, size_t len)
{
	if (len >= dst_size)
		return -1;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

/*
 * A path value: `boot():/dir/file` becomes "/dir/file". Other Limine
 * resources (hdd, guid, tftp...) name devices this loader does not search.
 */
static int copy_path(struct parser *p, char *dst, const char *v, size_t len)
{
	static const char prefix[] = "boot():";
	const size_t plen = sizeof(prefix) - 1;

	if (len < plen || !name_is(v, plen, prefix))
		return fail(p, "only boot():/path is supported for paths");
	v += plen;
	len -= plen;
	if (len == 0 || v[0] != '/')
		return fail(p, "a path must start with '/' after boot():");
	/* A "#<hash>" suffix asks Limine to verify the file; we cannot. */
	const char *hash = memchr(v, '#', len);

	if (hash != NULL)
		return fail(p, "file hashes (path#hash) are not supported");
	if (copy_value(dst, CONFIG_PATH_MAX, v, len) != 0)
		return fail(p, "path too long");
	return 0;
}

static int entry_option(struct parser *p, const char *name, size_t nlen, const char *value,
			size_t vlen)
{
	struct boot_config *cfg = p->cfg;

	if (name_is(name, nlen, "protocol")) {
		if (!name_is(value, vlen, "limine"))
			return fail(p, "only 'protocol: limine' is supported");
		p->have_protocol = true;
	} else if (name_is(name, nlen, "kernel_path") || name_is(name, nlen, "path")) {
		return copy_path(p, cfg->kernel_path, value, vlen);
	} else if (name_is(name, nlen, "cmdline") || name_is(name, nlen, "kernel_cmdline")) {
		if (copy_value(cfg->cmdline, sizeof(cfg->cmdline), value, vlen) != 0)
			return fail(p, "cmdline too long");
	} else if (name_is(name, nlen, "module_path")) {
		if (cfg->module_count == CONFIG_MODULES_MAX)
			return fail(p, "too many modules");
		struct config_module *m = &cfg->modules[cfg->module_count];

		if (copy_path(p, m->path, value, vlen) != 0)
			return -1;
		m->cmdline[0] = '\0';
		cfg->module_count++;
	} else if (name_is(name, nlen, "module_cmdline") || name_is(name, nlen, "module_string")) {
		if (cfg->module_count == 0)
			return fail(p, "module_cmdline before any module_path");
		struct config_module *m = &cfg->modules[cfg->module_count - 1];

		if (copy_value(m->cmdline, sizeof(m->cmdline), value, vlen) != 0)
			return fail(p, "module_cmdline too long");
	}
	/* Anything else is a Limine option this loader does not need. */
	return 0;
}

static int global_option(struct parser *p, const char *name, size_t nlen, const char *value,
			 size_t vlen)
{
	if (name_is(name, nlen, "timeout")) {
		uint64_t t;

		if (name_is(value, vlen, "no")) {
			p->cfg->timeout = 0; /* "wait forever": there is no menu to wait in */
			return 0;
		}
		if (parse_u64(value, vlen, 10, &t) != PARSE_OK || t > 3600)
			return fail(p, "timeout must be a number of seconds or 'no'");
		p->cfg->timeout = (unsigned)t;
	}
	return 0;
}

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static int parse_line(struct parser *p, const char *s, size_t len)
{
	trim(&s, &len);
	if (len == 0 || s[0] == '#')
		return 0;
	if (s[0] == '/') {
		if (p->section == GLOBAL) {
			p->section = FIRST_ENTRY;
			const char *title = s + 1;
			size_t tlen = len - 1;

			trim(&title, &tlen);
			if (copy_value(p->cfg->entry_name, sizeof(p->cfg->entry_name), title, tlen))
				return fail(p, "entry title too long");
		} else {
			p->section = LATER_ENTRIES;
		}
		return 0;
	}
	if (p->section == LATER_ENTRIES)
		return 0;

	/* name: value, or name=value (macros use '=' in Limine) */
	size_t sep = 0;

	while (sep < len && s[sep] != ':' && s[sep] != '=')
		sep++;
	if (sep == len)
		return fail(p, "expected 'name: value'");
	const char *name = s, *value = s + sep + 1;
	size_t nlen = sep, vlen = len - sep - 1;

	trim(&name, &nlen);
	trim(&value, &vlen);
	if (nlen == 0)
		return fail(p, "option name missing before ':'");
	if (p->section == GLOBAL)
		return global_option(p, name, nlen, value, vlen);
	return entry_option(p, name, nlen, value, vlen);
}

int config_parse(const char *text, size_t len, struct boot_config *cfg, char *err, size_t err_size)
{
	struct parser p = {
		.cfg = cfg, .section = GLOBAL, .line = 0, .err = err, .err_size = err_size
	};

	memset(cfg, 0, sizeof(*cfg));
	if (err_size > 0)
		err[0] = '\0';
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		p.line++;
		if (memchr(text + pos, '\0', end - pos) != NULL)
			return fail(&p, "NUL byte in configuration");
		if (parse_line(&p, text + pos, end - pos) != 0)
			return -1;
		pos = end + 1;
	}
	if (p.section == GLOBAL)
		return fail(&p, "no boot entry (a line starting with '/')");
	if (!p.have_protocol)
		return fail(&p, "the first entry has no 'protocol: limine'");
	if (cfg->kernel_path[0] == '\0')
		return fail(&p, "the first entry has no kernel_path");
	return 0;
}
