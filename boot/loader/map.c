/*
 * boot/loader/map.c - cut a range into the largest pages each step allows.
 *
 * Every architecture here offers the same three leaf sizes with a 4 KiB
 * granule (4 KiB, 2 MiB, 1 GiB), so the choice of page size is generic; how a
 * leaf is written stays in boot/loader/arch/<arch>/paging.c.
 */
#include "arch.h"
#include "loader.h"

int loader_map_leaves(uint64_t va, uint64_t pa, uint64_t size, uint64_t max_leaf,
		      map_leaf_fn map_leaf, void *ctx)
{
	static const uint64_t leaves[] = { LEAF_1G, LEAF_2M, LEAF_4K };

	while (size > 0) {
		uint64_t step = LEAF_4K;

		for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
			uint64_t leaf = leaves[i];

			if (leaf <= max_leaf && ((va | pa) & (leaf - 1)) == 0 && size >= leaf) {
				step = leaf;
				break;
			}
		}
		if (map_leaf(ctx, va, pa, step) != 0)
			return -1;
		va += step;
		pa += step;
		size -= step;
	}
	return 0;
}
