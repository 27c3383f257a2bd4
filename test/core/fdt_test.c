/*
 * test/core/fdt_test.c - the flattened device tree reader.
 *
 * The blobs are built here by a small writer that emits the format token
 * by token, so a test can also build malformed ones. Each blob is copied
 * into a heap block of exactly its size: AddressSanitizer then reports any
 * read past its end, which is what the bounds checks must prevent.
 *
 * The main tree is shaped like QEMU's riscv64 virt machine:
 *
 *   / {
 *       #address-cells = <2>; #size-cells = <2>;
 *       compatible = "riscv-virtio";
 *       aliases {
 *           serial0 = "/soc/serial@10000000";
 *           uart1 = "/soc/uart@20000000";
 *           relative = "soc/serial@10000000";
 *           unterminated = [2f 73 6f 63];            (no NUL)
 *       };
 *       chosen { stdout-path = "serial0:115200n8"; };
 *       cpus {
 *           #address-cells = <1>; #size-cells = <0>;
 *           cpu@0 { reg = <0>; riscv,isa-extensions = "i", "m", "svpbmt"; };
 *           cpu@1 { reg = <1>; };
 *       };
 *       soc {
 *           #address-cells = <2>; #size-cells = <2>;
 *           serial@10000000 { compatible = "ns16550a"; reg = <0 0x10000000 0 0x100>; };
 *           uart@20000000 {
 *               compatible = "vendor,uart", "ns16550a";
 *               reg = <0 0x20000000 0 0x1000>, <0x1 0x30000000 0 0x10>;
 *               reg-shift = <2>;
 *           };
 *       };
 *       narrow { #address-cells = <1>; #size-cells = <1>; dev@100 { reg = <0x100 0x20>; }; };
 *       defaults { dev@1 { reg = <0x1 0x2 0x3>; }; };     (parent gives no cell sizes)
 *       wide { #address-cells = <3>; dev@0 { reg = <0 0 0 0>; }; };
 *   };
 *
 * with a NOP token between some of the tokens, as editing tools leave them.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include <base/string.h>
#include <core/fdt.h>

/* ---- A blob writer ---- */

struct writer {
	uint8_t st[4096]; /* structure block */
	size_t st_len;
	char strings[1024]; /* strings block */
	size_t str_len;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void emit(struct writer *w, const void *data, size_t len)
{
	cr_assert_leq(w->st_len + len + 3, sizeof(w->st), "writer overflow");
	memcpy(w->st + w->st_len, data, len);
	w->st_len += len;
	while (w->st_len % 4 != 0)
		w->st[w->st_len++] = 0;
}

static void token(struct writer *w, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	emit(w, b, 4);
}

static void begin(struct writer *w, const char *name)
{
	token(w, 1);
	emit(w, name, strlen(name) + 1);
}

static void end(struct writer *w)
{
	token(w, 2);
}

static void nop(struct writer *w)
{
	token(w, 4);
}

/* Offset of `name` in the strings block, added on first use. */
static uint32_t string_offset(struct writer *w, const char *name)
{
	for (size_t off = 0; off < w->str_len; off += strlen(w->strings + off) + 1) {
		if (strcmp(w->strings + off, name) == 0)
			return (uint32_t)off;
	}
	size_t len = strlen(name) + 1;

	cr_assert_leq(w->str_len + len, sizeof(w->strings), "strings overflow");
	memcpy(w->strings + w->str_len, name, len);
	w->str_len += len;
	return (uint32_t)(w->str_len - len);
}

static void prop(struct writer *w, const char *name, const void *value, size_t len)
{
	uint8_t head[12];

	put32(head, 3);
	put32(head + 4, (uint32_t)len);
	put32(head + 8, string_offset(w, name));
	emit(w, head, 12);
	if (len > 0)
		emit(w, value, len);
}

static void prop_str(struct writer *w, const char *name, const char *s)
{
	prop(w, name, s, strlen(s) + 1);
}

/* A property of `n` cells. */
static void prop_cells(struct writer *w, const char *name, const uint32_t *cells, size_t n)
{
	uint8_t buf[64];

	cr_assert_leq(n * 4, sizeof(buf));
	for (size_t i = 0; i < n; i++)
		put32(buf + 4 * i, cells[i]);
	prop(w, name, buf, n * 4);
}

static void prop_u32(struct writer *w, const char *name, uint32_t v)
{
	prop_cells(w, name, &v, 1);
}

/*
 * The finished blob in an exactly sized heap block: header, an empty
 * memory reservation map, the structure block (closed with END), strings.
 */
static uint8_t *finish(struct writer *w, size_t *size)
{
	token(w, 9);
	size_t off_rsv = 40, off_struct = off_rsv + 16, off_strings = off_struct + w->st_len;
	size_t total = off_strings + w->str_len;
	uint8_t *b = calloc(1, total);

	cr_assert_not_null(b);
	put32(b, FDT_MAGIC);
	put32(b + 4, (uint32_t)total);
	put32(b + 8, (uint32_t)off_struct);
	put32(b + 12, (uint32_t)off_strings);
	put32(b + 16, (uint32_t)off_rsv);
	put32(b + 20, 17);
	put32(b + 24, 16);
	put32(b + 28, 0);
	put32(b + 32, (uint32_t)w->str_len);
	put32(b + 36, (uint32_t)w->st_len);
	memcpy(b + off_struct, w->st, w->st_len);
	memcpy(b + off_strings, w->strings, w->str_len);
	*size = total;
	return b;
}

static uint8_t *build_virt_tree(size_t *size)
{
	static struct writer w;
	static const uint32_t serial_reg[] = { 0, 0x10000000, 0, 0x100 };
	static const uint32_t uart_reg[] = { 0, 0x20000000, 0, 0x1000, 0x1, 0x30000000, 0, 0x10 };
	static const uint32_t narrow_reg[] = { 0x100, 0x20 };
	static const uint32_t default_reg[] = { 0x1, 0x2, 0x3 };
	static const uint32_t wide_reg[] = { 0, 0, 0, 0 };
	static const char isa[] = "i\0m\0svpbmt";
	static const char uart_compat[] = "vendor,uart\0ns16550a";

	memset(&w, 0, sizeof(w));
	nop(&w);
	begin(&w, "");
	prop_u32(&w, "#address-cells", 2);
	prop_u32(&w, "#size-cells", 2);
	prop_str(&w, "compatible", "riscv-virtio");

	begin(&w, "aliases");
	prop_str(&w, "serial0", "/soc/serial@10000000");
	nop(&w);
	prop_str(&w, "uart1", "/soc/uart@20000000");
	prop_str(&w, "relative", "soc/serial@10000000");
	prop(&w, "unterminated", "/soc", 4);
	end(&w);

	begin(&w, "chosen");
	prop_str(&w, "stdout-path", "serial0:115200n8");
	end(&w);

	begin(&w, "cpus");
	prop_u32(&w, "#address-cells", 1);
	prop_u32(&w, "#size-cells", 0);
	begin(&w, "cpu@0");
	prop_u32(&w, "reg", 0);
	prop(&w, "riscv,isa-extensions", isa, sizeof(isa));
	end(&w);
	nop(&w);
	begin(&w, "cpu@1");
	prop_u32(&w, "reg", 1);
	end(&w);
	end(&w);

	begin(&w, "soc");
	prop_u32(&w, "#address-cells", 2);
	prop_u32(&w, "#size-cells", 2);
	begin(&w, "serial@10000000");
	prop_str(&w, "compatible", "ns16550a");
	prop_cells(&w, "reg", serial_reg, 4);
	end(&w);
	begin(&w, "uart@20000000");
	prop(&w, "compatible", uart_compat, sizeof(uart_compat));
	prop_cells(&w, "reg", uart_reg, 8);
	prop_u32(&w, "reg-shift", 2);
	end(&w);
	end(&w);

	begin(&w, "narrow");
	prop_u32(&w, "#address-cells", 1);
	prop_u32(&w, "#size-cells", 1);
	begin(&w, "dev@100");
	prop_cells(&w, "reg", narrow_reg, 2);
	end(&w);
	end(&w);

	begin(&w, "defaults");
	begin(&w, "dev@1");
	prop_cells(&w, "reg", default_reg, 3);
	end(&w);
	end(&w);

	begin(&w, "wide");
	prop_u32(&w, "#address-cells", 3);
	begin(&w, "dev@0");
	prop_cells(&w, "reg", wide_reg, 4);
	end(&w);
	end(&w);

	end(&w); /* the root */
	return finish(&w, size);
}

/* The main tree as open_virt_tree() built it, freed after each test. */
static uint8_t *virt_blob;

static void free_virt_tree(void)
{
	free(virt_blob);
	virt_blob = NULL;
}

TestSuite(fdt, .fini = free_virt_tree);

static struct fdt open_virt_tree(void)
{
	size_t size;
	struct fdt f;

	virt_blob = build_virt_tree(&size);
	cr_assert(fdt_init(&f, virt_blob, size), "the test tree must be valid");
	return f;
}

static int find(const struct fdt *f, const char *path)
{
	return fdt_find_node(f, path, strlen(path));
}

/* ---- Header validation ---- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

Test(fdt, accepts_a_well_formed_blob)
{
	size_t size;
	uint8_t *blob = build_virt_tree(&size);
	struct fdt f;

	cr_assert(fdt_init(&f, blob, size));
	cr_assert_eq(f.size, size);
	cr_assert(fdt_init(&f, blob, size + 100), "more readable bytes than needed are fine");
	free(blob);
}

Test(fdt, refuses_bad_headers)
{
	size_t size;
	uint8_t *blob = build_virt_tree(&size);
	struct fdt f;
	uint32_t struct_off = get32(blob + 8), strings_off = get32(blob + 12);

	cr_assert_not(fdt_init(&f, NULL, size));
	cr_assert_not(fdt_init(&f, blob, 39), "shorter than the header");
	cr_assert_not(fdt_init(&f, blob, size - 1), "totalsize beyond what the caller vouches for");

	/* Each case: one header field changed, checked, restored. */
	struct {
		size_t offset;
		uint32_t value;
		const char *why;
	} cases[] = {
		{ 0, 0xedfe0dd0, "byte-swapped magic" },
		{ 4, 39, "totalsize smaller than the header" },
		{ 8, 2, "structure block inside the header" },
		{ 8, struct_off + 2, "misaligned structure block" },
		{ 8, ((uint32_t)size - 8) & ~3u, "structure block past totalsize" },
		{ 12, (uint32_t)size, "strings block past totalsize" },
		{ 12, 0, "strings block inside the header" },
		{ 20, 16, "version 16 has no size_dt_struct" },
		{ 24, 18, "last compatible version above 17" },
		{ 32, (uint32_t)size - strings_off + 1, "strings block one byte too long" },
		{ 36, 0xfffffff0, "structure size that overflows" },
		{ 36, 0, "empty structure block: no root node" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t saved[4];

		memcpy(saved, blob + cases[i].offset, 4);
		put32(blob + cases[i].offset, cases[i].value);
		cr_expect_not(fdt_init(&f, blob, size), "accepted: %s", cases[i].why);
		memcpy(blob + cases[i].offset, saved, 4);
	}
	cr_assert(fdt_init(&f, blob, size), "the restored blob is valid again");
	free(blob);
}

Test(fdt, refuses_a_tree_that_does_not_start_with_a_node)
{
	struct writer w = { 0 };
	size_t size;

	prop_u32(&w, "stray", 1);
	uint8_t *blob = finish(&w, &size);
	struct fdt f;

	cr_assert_not(fdt_init(&f, blob, size));
	free(blob);
}

/* ---- Paths, aliases, names, parents and children ---- */

Test(fdt, finds_nodes_by_absolute_path)
{
	struct fdt f = open_virt_tree();
	int root = find(&f, "/");

	cr_assert_neq(root, FDT_NONE);
	cr_assert_str_eq(fdt_node_name(&f, root), "");
	cr_assert_str_eq(fdt_node_name(&f, find(&f, "/soc/serial@10000000")), "serial@10000000");
	cr_assert_str_eq(fdt_node_name(&f, find(&f, "/cpus/cpu@1")), "cpu@1");
	cr_assert_eq(find(&f, "/soc/serial@10000000/"), find(&f, "/soc/serial@10000000"));
	cr_assert_eq(find(&f, "//soc"), find(&f, "/soc"));
}

Test(fdt, a_component_without_unit_address_matches_the_first_node)
{
	struct fdt f = open_virt_tree();

	cr_assert_eq(find(&f, "/soc/serial"), find(&f, "/soc/serial@10000000"));
	cr_assert_eq(find(&f, "/cpus/cpu"), find(&f, "/cpus/cpu@0"));
	cr_assert_eq(find(&f, "/soc/serial@1000"), FDT_NONE, "a unit address must match whole");
}

Test(fdt, unknown_paths_give_none)
{
	struct fdt f = open_virt_tree();

	cr_assert_eq(find(&f, ""), FDT_NONE);
	cr_assert_eq(find(&f, "/nowhere"), FDT_NONE);
	cr_assert_eq(find(&f, "/soc/serial@10000000/deeper"), FDT_NONE);
	cr_assert_eq(find(&f, "/so"), FDT_NONE, "a prefix of a name is not the name");
	cr_assert_eq(find(&f, "/soc/dev@100"), FDT_NONE, "only children, not grandchildren");
}

Test(fdt, the_length_bounds_the_path)
{
	struct fdt f = open_virt_tree();
	const char *p = "/soc/serial@10000000:115200n8";

	cr_assert_eq(fdt_find_node(&f, p, 20), find(&f, "/soc/serial@10000000"));
	cr_assert_eq(fdt_find_node(&f, p, 4), find(&f, "/soc"));
}

Test(fdt, resolves_aliases)
{
	struct fdt f = open_virt_tree();

	cr_assert_str_eq(fdt_alias(&f, "serial0", 7), "/soc/serial@10000000");
	cr_assert_str_eq(fdt_alias(&f, "uart1xyz", 5), "/soc/uart@20000000");
	cr_assert_null(fdt_alias(&f, "serial", 6), "an alias name must match whole");
	cr_assert_null(fdt_alias(&f, "serial01", 8));
	cr_assert_null(fdt_alias(&f, "unterminated", 12), "a value without NUL is no path");

	cr_assert_eq(find(&f, "serial0"), find(&f, "/soc/serial@10000000"));
	cr_assert_eq(find(&f, "uart1"), find(&f, "/soc/uart@20000000"));
	cr_assert_eq(find(&f, "nosuch"), FDT_NONE);
	cr_assert_eq(find(&f, "relative"), FDT_NONE, "an alias must expand to an absolute path");
	cr_assert_eq(find(&f, "unterminated"), FDT_NONE);
}

Test(fdt, an_alias_can_start_a_longer_path)
{
	struct writer w = { 0 };
	size_t size;
	struct fdt f;

	begin(&w, "");
	begin(&w, "aliases");
	prop_str(&w, "bus", "/soc");
	end(&w);
	begin(&w, "soc");
	begin(&w, "child@4");
	end(&w);
	end(&w);
	end(&w);
	uint8_t *blob = finish(&w, &size);

	cr_assert(fdt_init(&f, blob, size));
	cr_assert_str_eq(fdt_node_name(&f, find(&f, "bus/child")), "child@4");
	free(blob);
}

Test(fdt, follows_chosen_stdout_path_like_a_console_does)
{
	struct fdt f = open_virt_tree();
	uint32_t len;
	const char *path = fdt_prop(&f, find(&f, "/chosen"), "stdout-path", &len);

	cr_assert_not_null(path);
	cr_assert_eq(len, sizeof("serial0:115200n8"));
	const char *colon = memchr(path, ':', len);

	cr_assert_not_null(colon);
	int uart = fdt_find_node(&f, path, (size_t)(colon - path));

	cr_assert_eq(uart, find(&f, "/soc/serial@10000000"));
	cr_assert(fdt_is_compatible(&f, uart, "ns16550a"));
}

Test(fdt, knows_each_nodes_parent)
{
	struct fdt f = open_virt_tree();

	cr_assert_eq(fdt_parent(&f, find(&f, "/soc/uart@20000000")), find(&f, "/soc"));
	cr_assert_eq(fdt_parent(&f, find(&f, "/cpus/cpu@1")), find(&f, "/cpus"));
	cr_assert_eq(fdt_parent(&f, find(&f, "/soc")), find(&f, "/"));
	cr_assert_eq(fdt_parent(&f, find(&f, "/")), FDT_NONE, "the root has no parent");
	cr_assert_eq(fdt_parent(&f, FDT_NONE), FDT_NONE);
	cr_assert_eq(fdt_parent(&f, find(&f, "/soc") + 4), FDT_NONE, "not a node's start");
}

Test(fdt, iterates_over_children)
{
	struct fdt f = open_virt_tree();
	int cpus = find(&f, "/cpus");
	int c = fdt_child(&f, cpus, FDT_NONE);

	cr_assert_str_eq(fdt_node_name(&f, c), "cpu@0");
	c = fdt_child(&f, cpus, c);
	cr_assert_str_eq(fdt_node_name(&f, c), "cpu@1", "the NOP between siblings is skipped");
	cr_assert_eq(fdt_child(&f, cpus, c), FDT_NONE);

	int leaf = find(&f, "/soc/serial@10000000");

	cr_assert_eq(fdt_child(&f, leaf, FDT_NONE), FDT_NONE, "a leaf has no children");

	const char *const top[] = {
		"aliases", "chosen", "cpus", "soc", "narrow", "defaults", "wide"
	};
	size_t n = 0;
	int root = find(&f, "/");

	for (c = fdt_child(&f, root, FDT_NONE); c != FDT_NONE; c = fdt_child(&f, root, c)) {
		cr_assert_lt(n, sizeof(top) / sizeof(top[0]));
		cr_assert_str_eq(fdt_node_name(&f, c), top[n]);
		n++;
	}
	cr_assert_eq(n, sizeof(top) / sizeof(top[0]));
}

Test(fdt, refuses_handles_that_are_not_nodes)
{
	struct fdt f = open_virt_tree();
	int soc = find(&f, "/soc");

	cr_assert_null(fdt_node_name(&f, FDT_NONE));
	cr_assert_null(fdt_node_name(&f, soc + 4), "inside the node's name");
	cr_assert_null(fdt_node_name(&f, soc + 2), "misaligned");
	cr_assert_null(fdt_node_name(&f, INT32_MAX - 3), "past the structure block");
	cr_assert_null(fdt_prop(&f, soc + 4, "reg", NULL));
	cr_assert_eq(fdt_child(&f, soc + 4, FDT_NONE), FDT_NONE);
	cr_assert_eq(fdt_child(&f, soc, soc), FDT_NONE, "prev must come after the parent");
}

/* ---- Properties ---- */

Test(fdt, reads_properties)
{
	struct fdt f = open_virt_tree();
	int uart = find(&f, "/soc/uart@20000000");
	uint32_t len, v;
	const uint8_t *reg = fdt_prop(&f, uart, "reg", &len);

	cr_assert_not_null(reg);
	cr_assert_eq(len, 32);
	cr_assert_eq(get32(reg + 4), 0x20000000);
	cr_assert_null(fdt_prop(&f, uart, "re", NULL), "a prefix of a name is not the name");
	cr_assert_null(fdt_prop(&f, uart, "status", &len));

	cr_assert(fdt_prop_u32(&f, uart, "reg-shift", &v));
	cr_assert_eq(v, 2);
	cr_assert_not(fdt_prop_u32(&f, uart, "reg", &v), "eight cells are not one");
	cr_assert_not(fdt_prop_u32(&f, find(&f, "/soc/serial"), "reg-shift", &v));

	/* A child's properties are not its parent's. */
	cr_assert_null(fdt_prop(&f, find(&f, "/soc"), "compatible", NULL));
}

Test(fdt, checks_compatible_strings_whole)
{
	struct fdt f = open_virt_tree();
	int uart = find(&f, "/soc/uart@20000000");

	cr_assert(fdt_is_compatible(&f, uart, "vendor,uart"));
	cr_assert(fdt_is_compatible(&f, uart, "ns16550a"));
	cr_assert_not(fdt_is_compatible(&f, uart, "ns16550"));
	cr_assert_not(fdt_is_compatible(&f, uart, "vendor"));
	cr_assert_not(fdt_is_compatible(&f, find(&f, "/cpus"), "ns16550a"), "no compatible at all");
}

Test(fdt, string_lists)
{
	cr_assert(fdt_stringlist_contains("i\0m\0svpbmt", 11, "svpbmt"));
	cr_assert(fdt_stringlist_contains("i\0m\0svpbmt", 10, "svpbmt"), "last NUL missing");
	cr_assert_not(fdt_stringlist_contains("i\0m\0svpbmt", 9, "svpbmt"), "cut short");
	cr_assert(fdt_stringlist_contains("i\0\0m", 4, ""), "an empty string in the list");
	cr_assert_not(fdt_stringlist_contains("", 0, ""), "an empty list holds nothing");
}

Test(fdt, decodes_reg_with_the_parents_cell_sizes)
{
	struct fdt f = open_virt_tree();
	int uart = find(&f, "/soc/uart@20000000");
	uint64_t addr, size;

	cr_assert(fdt_reg(&f, uart, 0, &addr, &size));
	cr_assert_eq(addr, 0x20000000);
	cr_assert_eq(size, 0x1000);
	cr_assert(fdt_reg(&f, uart, 1, &addr, &size));
	cr_assert_eq(addr, UINT64_C(0x130000000));
	cr_assert_eq(size, 0x10);
	cr_assert_not(fdt_reg(&f, uart, 2, &addr, &size));

	cr_assert(fdt_reg(&f, find(&f, "/narrow/dev@100"), 0, &addr, &size), "one cell each");
	cr_assert_eq(addr, 0x100);
	cr_assert_eq(size, 0x20);

	cr_assert(fdt_reg(&f, find(&f, "/defaults/dev@1"), 0, &addr, &size), "defaults 2 and 1");
	cr_assert_eq(addr, UINT64_C(0x100000002));
	cr_assert_eq(size, 3);

	cr_assert(fdt_reg(&f, find(&f, "/cpus/cpu@1"), 0, &addr, &size), "#size-cells = 0");
	cr_assert_eq(addr, 1);
	cr_assert_eq(size, 0);

	cr_assert_not(fdt_reg(&f, find(&f, "/wide/dev@0"), 0, &addr, &size), "96-bit addresses");
	cr_assert_not(fdt_reg(&f, find(&f, "/"), 0, &addr, &size), "the root has no parent");
	cr_assert_not(fdt_reg(&f, find(&f, "/chosen"), 0, &addr, &size), "no reg");
}

/* ---- Malformed structure blocks ---- */

Test(fdt, a_property_longer_than_the_block_is_not_read)
{
	struct writer w = { 0 };
	size_t size;
	struct fdt f;

	begin(&w, "");
	begin(&w, "node");
	prop_u32(&w, "reg", 7);
	end(&w);
	end(&w);
	uint8_t *blob = finish(&w, &size);
	uint32_t off_struct = get32(blob + 8);

	cr_assert(fdt_init(&f, blob, size));
	int node = find(&f, "/node");

	cr_assert_not_null(fdt_prop(&f, node, "reg", NULL));
	/* The property's len field: root BEGIN (8 bytes), node BEGIN (12), PROP tag. */
	put32(blob + off_struct + 20 + 4, 0x7ffffff0);
	cr_assert_null(fdt_prop(&f, node, "reg", NULL));
	put32(blob + off_struct + 20 + 4, 4);
	put32(blob + off_struct + 20 + 8, 0xfffffff0); /* name offset past the strings */
	cr_assert_null(fdt_prop(&f, node, "reg", NULL));
	free(blob);
}

Test(fdt, an_unclosed_tree_ends_the_walks)
{
	struct writer w = { 0 };
	size_t size;
	struct fdt f;

	begin(&w, "");
	begin(&w, "a");
	begin(&w, "inner");
	end(&w);
	/* "a" and the root are never closed. */
	uint8_t *blob = finish(&w, &size);

	cr_assert(fdt_init(&f, blob, size));
	int a = find(&f, "/a");

	cr_assert_neq(a, FDT_NONE);
	cr_assert_eq(fdt_child(&f, find(&f, "/"), a), FDT_NONE, "a has no end, so no sibling");
	cr_assert_eq(fdt_parent(&f, find(&f, "/a/inner")), a);
	free(blob);
}

Test(fdt, a_name_running_off_the_block_is_refused)
{
	struct writer w = { 0 };
	size_t size;
	struct fdt f;

	begin(&w, "");
	begin(&w, "abc"); /* "abc\0" fills exactly one word */
	end(&w);
	end(&w);
	uint8_t *blob = finish(&w, &size);

	/* Shrink the structure block to end right after "abc", before its NUL. */
	put32(blob + 36, 8 + 4 + 3);
	cr_assert(fdt_init(&f, blob, size));
	cr_assert_eq(find(&f, "/abc"), FDT_NONE);
	free(blob);
}

/*
 * Every single-byte corruption of the main tree: whatever the lookups
 * answer, they must stay inside the blob (AddressSanitizer watches) and
 * terminate.
 */
Test(fdt, survives_every_single_byte_corruption)
{
	size_t size;
	uint8_t *blob = build_virt_tree(&size);
	static const uint8_t values[] = { 0x00, 0x01, 0x02, 0x03, 0x09, 0x7f, 0x80, 0xff };
	static const char *const paths[] = { "/soc/serial@10000000", "serial0", "/cpus/cpu@1",
					     "uart1/x", "/defaults/dev" };

	for (size_t i = 0; i < size; i++) {
		uint8_t orig = blob[i];

		for (size_t v = 0; v < sizeof(values); v++) {
			struct fdt f;
			uint64_t addr, sz;
			uint32_t len, u;

			blob[i] = values[v];
			if (!fdt_init(&f, blob, size))
				continue;
			for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
				int node = find(&f, paths[p]);

				(void)fdt_node_name(&f, node);
				(void)fdt_prop(&f, node, "reg", &len);
				(void)fdt_prop_u32(&f, node, "reg-shift", &u);
				(void)fdt_is_compatible(&f, node, "ns16550a");
				(void)fdt_reg(&f, node, 1, &addr, &sz);
				(void)fdt_parent(&f, node);
				for (int c = fdt_child(&f, node, FDT_NONE), n = 0;
				     c != FDT_NONE && n < 64; c = fdt_child(&f, node, c), n++)
					(void)fdt_node_name(&f, c);
			}
			int root = find(&f, "/");

			for (int c = fdt_child(&f, root, FDT_NONE), n = 0; c != FDT_NONE && n < 64;
			     c = fdt_child(&f, root, c), n++)
				(void)fdt_parent(&f, c);
		}
		blob[i] = orig;
	}
	free(blob);
}

/* ---- The boot helper ---- */

static struct boot_info fake_boot_info;

const struct boot_info *boot_info(void)
{
	return &fake_boot_info;
}

Test(fdt, fdt_boot_reads_the_blob_the_loader_passed)
{
	size_t size;
	uint8_t *blob = build_virt_tree(&size);
	struct fdt f;

	/* An HHDM offset of 0: "physical" addresses are this process's pointers. */
	fake_boot_info.hhdm_offset = 0;
	fake_boot_info.dtb_phys = 0;
	cr_assert_not(fdt_boot(&f), "no device tree");

	fake_boot_info.dtb_phys = (uint64_t)(uintptr_t)blob;
	cr_assert(fdt_boot(&f));
	cr_assert_eq(f.blob, blob);
	cr_assert_neq(find(&f, "/soc/serial@10000000"), FDT_NONE);
	free(blob);
}

/* ---- ISA extensions of the CPU nodes (RISC-V binding) ---- */

/*
 * A /cpus node with two harts, each describing its ISA either way the
 * binding allows: hart 0 as a string list, hart 1 as the older string.
 */
static struct fdt cpus_tree(const char *hart1_isa, bool with_cpu_map)
{
	static struct writer w;
	static uint8_t *blob;
	static const char exts[] = "i\0m\0a\0c\0zicsr\0svpbmt";
	size_t size;
	struct fdt f;

	memset(&w, 0, sizeof(w));
	begin(&w, "");
	begin(&w, "cpus");
	begin(&w, "cpu@0");
	prop_str(&w, "device_type", "cpu");
	prop(&w, "riscv,isa-extensions", exts, sizeof(exts));
	end(&w);
	begin(&w, "cpu@1");
	prop_str(&w, "device_type", "cpu");
	prop_str(&w, "riscv,isa", hart1_isa);
	end(&w);
	if (with_cpu_map) {
		begin(&w, "cpu-map"); /* not a CPU: has no ISA and must be skipped */
		end(&w);
	}
	end(&w);
	end(&w);
	free(blob);
	blob = finish(&w, &size);
	cr_assert(fdt_init(&f, blob, size));
	return f;
}

Test(fdt, isa_extension_needs_every_hart_in_either_binding)
{
	struct fdt f = cpus_tree("rv64imac_zicsr_svpbmt", true);

	cr_assert(fdt_all_cpus_have_isa_extension(&f, "svpbmt"));
	cr_assert(fdt_all_cpus_have_isa_extension(&f, "zicsr"));
	/* Whole words only: "svpbm" is a prefix, not an extension. */
	cr_assert_not(fdt_all_cpus_have_isa_extension(&f, "svpbm"));

	f = cpus_tree("rv64imac_zicsr", false);
	cr_assert_not(fdt_all_cpus_have_isa_extension(&f, "svpbmt"), "hart 1 lacks it");
}

Test(fdt, isa_extension_is_no_without_nodes_of_device_type_cpu)
{
	/* The virt tree's CPU nodes carry no device_type: nothing counts as a hart. */
	struct fdt f = open_virt_tree();

	cr_assert_not(fdt_all_cpus_have_isa_extension(&f, "svpbmt"));
}
