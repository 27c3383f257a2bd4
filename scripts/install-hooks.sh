#!/usr/bin/env bash
# scripts/install-hooks.sh - install the repository's git hooks (.githooks/) into .git/hooks.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

usage() {
	cat <<USAGE
Usage: scripts/install-hooks.sh [-h|--help]

Copy every hook in .githooks/ into this clone's git hooks directory. The
pre-commit hook formats staged *.c/*.h files with clang-format and refuses
partially staged files. An existing, different hook is kept as <name>.orig.
USAGE
}

case "${1:-}" in
"") ;;
-h | --help)
	usage
	exit 0
	;;
*) usage_error "unknown option: $1" ;;
esac

hooks_dir=$(git -C "$KEEL_ROOT" rev-parse --git-path hooks)
case "$hooks_dir" in /*) ;; *) hooks_dir=$KEEL_ROOT/$hooks_dir ;; esac
mkdir -p "$hooks_dir"
for src in "$KEEL_ROOT"/.githooks/*; do
	name=$(basename "$src")
	dst=$hooks_dir/$name
	if [ -e "$dst" ] && ! cmp -s "$src" "$dst"; then
		mv "$dst" "$dst.orig"
		echo "install-hooks: kept the previous $name as $dst.orig"
	fi
	install -m 0755 "$src" "$dst"
	echo "install-hooks: installed $name"
done
