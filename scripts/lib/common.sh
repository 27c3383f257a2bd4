# shellcheck shell=bash
# scripts/lib/common.sh - shared by the helper scripts; sourced, never run.
#
# A script that sources this file defines usage() before calling usage_error.

KEEL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KEEL_ARCHES=(x86_64 aarch64 riscv64 loongarch64)

die() {
	printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
	exit 1
}

# Bad command line: the message, the usage text, exit status 2.
usage_error() {
	printf '%s: %s\n\n' "$(basename "$0")" "$*" >&2
	usage >&2
	exit 2
}

# need_value OPTION ARGC: an option that takes a value was given none.
need_value() {
	[ "$2" -ge 2 ] || usage_error "option $1 needs a value"
}

# The target options shared by build.sh, run.sh and run_qemu.sh:
#   --arch ARCH, --builddir DIR, --build-root DIR, --build-prefix NAME
# take_target_option "$@" sets the matching global (arch, builddir,
# build_root, build_prefix) and returns 0 when $1 is one of them; the caller
# then shifts the option and its value. Returns 1 for any other option.
take_target_option() {
	case "$1" in
	--arch | --builddir | --build-root | --build-prefix) need_value "$1" $# ;;
	*) return 1 ;;
	esac
	case "$1" in
	--arch) arch=$2 ;;
	--builddir) builddir=$2 ;;
	--build-root) build_root=$2 ;;
	--build-prefix) build_prefix=$2 ;;
	esac
}

# The --builddir, or --build-root/--build-prefix, options given to this
# script, one word per line, to hand on to another helper script.
build_dir_options() {
	if [ -n "$builddir" ]; then
		printf '%s\n' --builddir "$builddir"
		return
	fi
	[ -z "$build_root" ] || printf '%s\n' --build-root "$build_root"
	[ -z "$build_prefix" ] || printf '%s\n' --build-prefix "$build_prefix"
}

valid_arch() {
	local a
	for a in "${KEEL_ARCHES[@]}"; do [ "$a" = "$1" ] && return 0; done
	return 1
}

check_arch() {
	valid_arch "$1" || usage_error "unknown architecture '$1' (supported: ${KEEL_ARCHES[*]})"
}

# The build directory of ARCH from --builddir / --build-root / --build-prefix.
#   builddir_for ARCH BUILDDIR ROOT PREFIX
# An explicit BUILDDIR wins; otherwise ROOT/PREFIX-ARCH, with ROOT defaulting to
# the repository and PREFIX to "build".
builddir_for() {
	local arch=$1 dir=$2 root=$3 prefix=$4
	if [ -n "$dir" ]; then
		echo "$dir"
		return
	fi
	[ -n "$root" ] || root=$KEEL_ROOT
	[ -n "$prefix" ] || prefix=build
	echo "$root/$prefix-$arch"
}

# Kernel architecture name of the machine we run on (uname -m spelling differs).
host_arch() {
	case "$(uname -m)" in
	x86_64 | amd64) echo x86_64 ;;
	aarch64 | arm64) echo aarch64 ;;
	riscv64) echo riscv64 ;;
	loongarch64) echo loongarch64 ;;
	*) uname -m ;;
	esac
}

keel_cache_dir() {
	echo "${KEEL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keel}"
}

keel_firmware_dir() {
	echo "$(keel_cache_dir)/firmware"
}

# True when bootstrap's firmware cache holds the riscv64 and loongarch64 edk2 images.
keel_firmware_cached() {
	local d
	d=$(keel_firmware_dir)
	[ -f "$d/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd" ] &&
		[ -f "$d/usr/share/qemu-efi-loongarch64/QEMU_EFI.fd" ]
}

# Tools the cross build needs; prints the first one missing.
missing_build_tool() {
	local t
	for t in meson ninja cc clang-19 ld.lld-19 llvm-ar-19 llvm-strip-19 llvm-objcopy-19 mformat xorriso; do
		command -v "$t" >/dev/null 2>&1 || {
			echo "$t"
			return 0
		}
	done
	return 1
}

# Run bootstrap when a tool is missing. Extra arguments go to bootstrap.sh.
ensure_build_tools() {
	local t
	if t=$(missing_build_tool); then
		echo "$(basename "$0"): '$t' is missing; running scripts/bootstrap.sh $*"
		bash "$KEEL_ROOT/scripts/bootstrap.sh" "$@" || die "bootstrap failed"
		t=$(missing_build_tool) && die "'$t' still missing after bootstrap"
	fi
	return 0
}
