/*
 * core/fdt.c - a small read-only flattened device tree parser.
 *
 * Everything goes through read_token(), which decodes one token of the
 * structure block and checks that the token, its name and its value lie
 * inside their blocks. Walks only move forward (each token's successor is
 * at a higher offset), so every loop ends within the block even when the
 * blob is corrupt. The format is the Devicetree Specification's, version 17.
 */
#include <base/string.h>
#include <core/fdt.h>

#define HEADER_SIZE 40u

/* Structure block tokens. */
#define TOKEN_BEGIN_NODE 1u
#define TOKEN_END_NODE	 2u
#define TOKEN_PROP	 3u
#define TOKEN_NOP	 4u
#define TOKEN_END	 9u

/* fdt_parent() follows nodes this deep; real trees are under ten levels. */
#define MAX_DEPTH 32

/* One decoded token of the structure block. */
struct token {
	uint32_t tag;
	uint32_t next;	      /* offset of the token after this one (and its payload) */
	const char *name;     /* BEGIN_NODE: the node's name; PROP: the property's */
	const uint8_t *value; /* PROP: the value, `len` bytes */
	uint32_t len;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t align4(uint64_t v)
{
	/* Callers pass offsets below 2^32 + 4, and use the result only after a bounds check. */
	return (uint32_t)((v + 3) & ~(uint64_t)3);
}

/*
 * Decode the token at offset `at` of the structure block. False when the
 * offset is misaligned, the token or its payload leaves the block, a name
 * is not NUL-terminated inside its block, or the tag is unknown.
 */
static bool read_token(const struct fdt *f, int at, struct token *t)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t end = f->struct_size;

	if (at < 0 || (uint32_t)at % 4 != 0 || (uint64_t)(uint32_t)at + 4 > end)
		return false;
	uint32_t pos = (uint32_t)at;

	t->tag = be32(s + pos);
	t->name = NULL;
	t->value = NULL;
	t->len = 0;
	switch (t->tag) {
	case TOKEN_BEGIN_NODE: {
		const uint8_t *nul = memchr(s + pos + 4, '\0', end - (pos + 4));

		if (nul == NULL)
			return false;
		t->name = (const char *)(s + pos + 4);
		t->next = align4((uint64_t)(nul - s) + 1);
		return true;
	}
	case TOKEN_PROP: {
		if ((uint64_t)pos + 12 > end)
			return false;
		uint32_t len = be32(s + pos + 4), name_off = be32(s + pos + 8);

		if ((uint64_t)pos + 12 + len > end || name_off >= f->strings_size)
			return false;
		const char *strings = (const char *)(f->blob + f->strings_off);

		if (memchr(strings + name_off, '\0', f->strings_size - name_off) == NULL)
			return false;
		t->name = strings + name_off;
		t->value = s + pos + 12;
		t->len = len;
		t->next = align4((uint64_t)pos + 12 + len);
		return true;
	}
	case TOKEN_END_NODE:
	case TOKEN_NOP:
	case TOKEN_END:
		t->next = pos + 4;
		return true;
	default:
		return false;
	}
}

/* The offset as a handle, or FDT_NONE when it cannot be one (the block exceeds INT_MAX). */
static int handle(uint32_t off)
{
	return off <= (uint32_t)INT32_MAX ? (int)off : FDT_NONE;
}

/* The first token at or after `at` that is not a NOP: its offset, tag in *t. */
static int skip_nops(const struct fdt *f, int at, struct token *t)
{
	while (read_token(f, at, t)) {
		if (t->tag != TOKEN_NOP)
			return at;
		at = handle(t->next);
	}
	return FDT_NONE;
}

static int root_node(const struct fdt *f)
{
	struct token t;
	int at = skip_nops(f, 0, &t);

	return at != FDT_NONE && t.tag == TOKEN_BEGIN_NODE ? at : FDT_NONE;
}

bool fdt_init(struct fdt *fdt, const void *blob, size_t avail)
{
	const uint8_t *h = blob;

	if (blob == NULL || avail < HEADER_SIZE || be32(h) != FDT_MAGIC)
		return false;
	uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
	uint32_t version = be32(h + 20), last_compatible = be32(h + 24);
	uint32_t size_strings = be32(h + 32), size_struct = be32(h + 36);

	/* Versions below 17 lack size_dt_struct; a later one must still read as 17. */
	if (version < 17 || last_compatible > 17)
		return false;
	if (total < HEADER_SIZE || total > avail)
		return false;
	if (off_struct < HEADER_SIZE || off_struct % 4 != 0 ||
	    (uint64_t)off_struct + size_struct > total)
		return false;
	if (off_strings < HEADER_SIZE || (uint64_t)off_strings + size_strings > total)
		return false;
	fdt->blob = h;
	fdt->size = total;
	fdt->struct_off = off_struct;
	fdt->struct_size = size_struct;
	fdt->strings_off = off_strings;
	fdt->strings_size = size_strings;
	return root_node(fdt) != FDT_NONE;
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	struct token t;

	if (!read_token(fdt, node, &t) || t.tag != TOKEN_BEGIN_NODE)
		return NULL;
	return t.name;
}

/*
 * Find property `name` (`name_len` bytes, not NUL-terminated) among the
 * properties that follow the node's BEGIN_NODE token.
 */
static const struct token *find_prop(const struct fdt *f, int node, const char *name,
				     size_t name_len, struct token *t)
{
	if (!read_token(f, node, t) || t->tag != TOKEN_BEGIN_NODE)
		return NULL;
	for (int at = handle(t->next); read_token(f, at, t); at = handle(t->next)) {
		if (t->tag == TOKEN_NOP)
			continue;
		if (t->tag != TOKEN_PROP)
			return NULL; /* a child node or the node's end: properties come first */
		if (strnlen(t->name, name_len + 1) == name_len &&
		    memcmp(t->name, name, name_len) == 0)
			return t;
	}
	return NULL;
}

const void *fdt_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len)
{
	struct token t;

	if (find_prop(fdt, node, name, strlen(name), &t) == NULL)
		return NULL;
	if (len != NULL)
		*len = t.len;
	return t.value;
}

bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
	uint32_t len;
	const uint8_t *v = fdt_prop(fdt, node, name, &len);

	if (v == NULL || len != 4)
		return false;
	*out = be32(v);
	return true;
}

bool fdt_stringlist_contains(const void *list, uint32_t len, const char *s)
{
	const char *p = list, *end = p + len;
	size_t want = strlen(s);

	while (p < end) {
		/* A last string without its NUL still counts, up to the value's end. */
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t n = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);

		if (n == want && memcmp(p, s, n) == 0)
			return true;
		if (nul == NULL)
			break;
		p = nul + 1;
	}
	return false;
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	uint32_t len;
	const void *v = fdt_prop(fdt, node, "compatible", &len);

	return v != NULL && fdt_stringlist_contains(v, len, compat);
}

/* The offset just past the END_NODE that closes `node`, or FDT_NONE. */
static int skip_node(const struct fdt *f, int node)
{
	struct token t;
	int depth = 0;

	for (int at = node; read_token(f, at, &t); at = handle(t.next)) {
		if (t.tag == TOKEN_BEGIN_NODE) {
			depth++;
		} else if (t.tag == TOKEN_END_NODE) {
			if (--depth == 0)
				return handle(t.next);
			if (depth < 0)
				return FDT_NONE;
		} else if (t.tag == TOKEN_END) {
			return FDT_NONE; /* the tree ended with the node still open */
		}
	}
	return FDT_NONE;
}

int fdt_child(const struct fdt *fdt, int parent, int prev)
{
	struct token t;
	int at;

	if (!read_token(fdt, parent, &t) || t.tag != TOKEN_BEGIN_NODE)
		return FDT_NONE;
	if (prev == FDT_NONE) {
		/* Past the parent's properties. */
		for (at = handle(t.next); read_token(fdt, at, &t); at = handle(t.next)) {
			if (t.tag != TOKEN_PROP && t.tag != TOKEN_NOP)
				break;
		}
	} else {
		if (prev <= parent)
			return FDT_NONE; /* children follow their parent */
		at = skip_node(fdt, prev);
	}
	at = skip_nops(fdt, at, &t);
	return at != FDT_NONE && t.tag == TOKEN_BEGIN_NODE ? at : FDT_NONE;
}

/*
 * Whether a node name matches one path component: exactly, or, when the
 * component has no unit address, up to the node name's '@'.
 */
static bool name_matches(const char *node_name, const char *comp, size_t len)
{
	if (strnlen(node_name, len) != len || memcmp(node_name, comp, len) != 0)
		return false;
	return node_name[len] == '\0' || (node_name[len] == '@' && memchr(comp, '@', len) == NULL);
}

static int find_child(const struct fdt *f, int parent, const char *comp, size_t len)
{
	for (int c = fdt_child(f, parent, FDT_NONE); c != FDT_NONE; c = fdt_child(f, parent, c)) {
		const char *name = fdt_node_name(f, c);

		if (name != NULL && name_matches(name, comp, len))
			return c;
	}
	return FDT_NONE;
}

int fdt_find_node(const struct fdt *fdt, const char *path, size_t len)
{
	const char *p = path, *end = path + len;
	int node;

	if (len == 0)
		return FDT_NONE;
	if (*p == '/') {
		node = root_node(fdt);
	} else {
		/* An alias names the first component; it must expand to an absolute path. */
		const char *slash = memchr(p, '/', len);
		size_t alias_len = slash != NULL ? (size_t)(slash - p) : len;
		const char *target = fdt_alias(fdt, p, alias_len);

		if (target == NULL || target[0] != '/')
			return FDT_NONE;
		node = fdt_find_node(fdt, target, strlen(target));
		p += alias_len;
	}
	while (p < end && node != FDT_NONE) {
		if (*p == '/') {
			p++;
			continue;
		}
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *comp_end = slash != NULL ? slash : end;

		node = find_child(fdt, node, p, (size_t)(comp_end - p));
		p = comp_end;
	}
	return node;
}

const char *fdt_alias(const struct fdt *fdt, const char *name, size_t len)
{
	int aliases = fdt_find_node(fdt, "/aliases", 8);
	struct token t;

	if (aliases == FDT_NONE || find_prop(fdt, aliases, name, len, &t) == NULL)
		return NULL;
	/* The value is a path string: usable only if its NUL is inside the value. */
	if (memchr(t.value, '\0', t.len) == NULL)
		return NULL;
	return (const char *)t.value;
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int stack[MAX_DEPTH];
	int depth = 0;
	struct token t;

	/* No parent links in the format: walk from the root, keeping the open nodes. */
	for (int at = root_node(fdt); at != FDT_NONE && at <= node && read_token(fdt, at, &t);
	     at = handle(t.next)) {
		if (t.tag == TOKEN_BEGIN_NODE) {
			if (at == node)
				return depth > 0 ? stack[depth - 1] : FDT_NONE;
			if (depth == MAX_DEPTH)
				return FDT_NONE;
			stack[depth++] = at;
		} else if (t.tag == TOKEN_END_NODE) {
			if (depth == 0)
				return FDT_NONE;
			depth--;
		} else if (t.tag == TOKEN_END) {
			break;
		}
	}
	return FDT_NONE;
}

/* `cells` big-endian cells (0 to 2) as one number. */
static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

bool fdt_reg(const struct fdt *fdt, int node, unsigned index, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent(fdt, node);
	uint32_t address_cells = 2, size_cells = 1, len;

	if (parent == FDT_NONE)
		return false;
	fdt_prop_u32(fdt, parent, "#address-cells", &address_cells);
	fdt_prop_u32(fdt, parent, "#size-cells", &size_cells);
	if (address_cells < 1 || address_cells > 2 || size_cells > 2)
		return false;

	const uint8_t *reg = fdt_prop(fdt, node, "reg", &len);
	uint32_t entry = 4 * (address_cells + size_cells);

	if (reg == NULL || index >= len / entry)
		return false;
	reg += (size_t)index * entry;
	*addr = read_cells(reg, address_cells);
	*size = read_cells(reg + 4 * address_cells, size_cells);
	return true;
}

/* Whether a "riscv,isa" string names `ext` as one of its '_'-separated words. */
static bool isa_string_has(const char *isa, uint32_t len, const char *ext)
{
	size_t want = strlen(ext);
	const char *end = isa + strnlen(isa, len);

	for (const char *w = isa; w < end;) {
		const char *us = memchr(w, '_', (size_t)(end - w));
		size_t n = (size_t)((us != NULL ? us : end) - w);

		if (n == want && memcmp(w, ext, n) == 0)
			return true;
		if (us == NULL)
			break;
		w = us + 1;
	}
	return false;
}

bool fdt_all_cpus_have_isa_extension(const struct fdt *fdt, const char *ext)
{
	int cpus = fdt_find_node(fdt, "/cpus", 5);
	unsigned harts = 0;

	if (cpus == FDT_NONE)
		return false;
	for (int c = fdt_child(fdt, cpus, FDT_NONE); c != FDT_NONE; c = fdt_child(fdt, cpus, c)) {
		uint32_t len;
		const char *type = fdt_prop(fdt, c, "device_type", &len);

		if (type == NULL || !fdt_stringlist_contains(type, len, "cpu"))
			continue; /* cpu-map and the like */
		const void *exts = fdt_prop(fdt, c, "riscv,isa-extensions", &len);

		if (exts != NULL) {
			if (!fdt_stringlist_contains(exts, len, ext))
				return false;
		} else {
			const char *isa = fdt_prop(fdt, c, "riscv,isa", &len);

			if (isa == NULL || !isa_string_has(isa, len, ext))
				return false;
		}
		harts++;
	}
	return harts > 0;
}
