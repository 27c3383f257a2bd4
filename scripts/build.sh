#!/usr/bin/env bash
# scripts/build.sh - configure and/or compile Keel for one architecture or all four.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

usage() {
	cat <<EOF
Usage: scripts/build.sh (--arch ARCH | --all) [options]

Configure (meson setup) and compile (meson compile) the kernel for ARCH, or
for every architecture in parallel with --all. Without --setup or --compile,
the build directory is set up when it does not exist yet (or when an option
below is given), then compiled.

Targets:
  --arch ARCH                  one of: ${KEEL_ARCHES[*]}
  --all                        all four, in parallel; one log per target,
                               a summary line per target, non-zero exit if any fails

Steps:
  -s, --setup                  only configure (reconfigure if it exists)
  -c, --compile                only compile an already configured directory
  -sc, -cs                     configure, then compile

Meson options:
  --no-tests                   do not build the native tests (-Dtests=false)
  --kernel-selftests           compile the in-kernel selftests in
  --kernel-selftests-autorun   ... and boot the image into them (kernel.selftest=1)
  --kernel-selftests-suite N   ... and run only suite N (kernel.selftest.suite=N)
  --kernel-boot-debug          boot with loglevel=debug
  --kernel-lock-checks         debug build: check spinlock order (-Dkernel_lock_checks=true)

Build directories (default: <repo>/build-<arch>):
  --builddir DIR               the directory of a single --arch build
  --build-root DIR             parent directory of the per-arch directories
  --build-prefix NAME          per-arch directories are NAME-<arch>

  -h, --help                   show this help

Examples:
  scripts/build.sh --arch x86_64
  scripts/build.sh --all -sc --build-prefix build-debug
  scripts/build.sh --arch riscv64 --kernel-selftests-suite vmm --no-tests
EOF
}

arch=""
all=0
do_setup=0
do_compile=0
tests=true
selftests=false
autorun=false
suite=""
boot_debug=false
lock_checks=false
options_given=0
builddir=""
build_root=""
build_prefix=""

while [ $# -gt 0 ]; do
	case "$1" in
	--all) all=1 ;;
	-s | --setup) do_setup=1 ;;
	-c | --compile) do_compile=1 ;;
	-sc | -cs)
		do_setup=1
		do_compile=1
		;;
	--no-tests)
		tests=false
		options_given=1
		;;
	--kernel-selftests)
		selftests=true
		options_given=1
		;;
	--kernel-selftests-autorun)
		selftests=true
		autorun=true
		options_given=1
		;;
	--kernel-selftests-suite)
		need_value "$1" $#
		suite=$2
		selftests=true
		autorun=true
		options_given=1
		shift
		;;
	--kernel-boot-debug)
		boot_debug=true
		options_given=1
		;;
	--kernel-lock-checks)
		lock_checks=true
		options_given=1
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		take_target_option "$@" || usage_error "unknown option: $1"
		shift
		;;
	esac
	shift
done

if [ -z "$arch" ] && [ "$all" = 0 ]; then
	usage_error "no target: use --arch <arch> (one of: ${KEEL_ARCHES[*]}) or --all"
fi
[ -n "$arch" ] && [ "$all" = 1 ] && usage_error "--arch and --all exclude each other"
[ -n "$arch" ] && check_arch "$arch"
[ "$all" = 1 ] && [ -n "$builddir" ] &&
	usage_error "--builddir names one directory; with --all use --build-root/--build-prefix"
case "$suite" in
*[!A-Za-z0-9_.-]*) usage_error "suite name '$suite' may only hold letters, digits, '_', '.', '-'" ;;
esac
# Neither step named: set up when needed, then compile.
auto_setup=0
if [ "$do_setup" = 0 ] && [ "$do_compile" = 0 ]; then
	auto_setup=1
	do_compile=1
fi

if [ "$tests" = true ]; then
	ensure_build_tools --no-qemu
	if ! pkg-config --exists criterion 2>/dev/null || ! command -v cc >/dev/null 2>&1; then
		echo "build.sh: the native tests need a host compiler and Criterion; running scripts/bootstrap.sh --no-qemu"
		bash "$SCRIPT_DIR/bootstrap.sh" --no-qemu || die "bootstrap failed"
	fi
else
	ensure_build_tools --no-qemu --no-tests
fi

configured() { [ -f "$1/meson-private/coredata.dat" ]; }

# The source tree a configured build directory belongs to ("" if unknown).
configured_source() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
		"$1/meson-info/meson-info.json" 2>/dev/null || true
}

# build_one ARCH DIR: the whole job of one target; output goes to stdout.
build_one() {
	local a=$1 dir=$2
	local setup_now=$do_setup src

	if configured "$dir"; then
		src=$(configured_source "$dir")
		if [ -n "$src" ] && [ "$(cd "$src" 2>/dev/null && pwd -P)" != "$(cd "$KEEL_ROOT" && pwd -P)" ]; then
			echo "build.sh: $dir belongs to another source tree ($src); remove it or choose another directory" >&2
			return 1
		fi
	fi
	if [ "$auto_setup" = 1 ] && { ! configured "$dir" || [ "$options_given" = 1 ]; }; then
		setup_now=1
	fi
	if [ "$setup_now" = 1 ]; then
		local mode=()
		configured "$dir" && mode=(--reconfigure)
		meson setup "${mode[@]}" "$dir" "$KEEL_ROOT" \
			--cross-file "$KEEL_ROOT/toolchain/$a-elf.ini" \
			-Dplatform="pc_$a" \
			-Dtests="$tests" \
			-Dkernel_selftests="$selftests" \
			-Dkernel_selftests_autorun="$autorun" \
			-Dkernel_selftests_suite="$suite" \
			-Dkernel_boot_debug="$boot_debug" \
			-Dkernel_lock_checks="$lock_checks" || return 1
	fi
	if [ "$do_compile" = 1 ]; then
		configured "$dir" || {
			echo "build.sh: $dir is not configured; run with --setup (or without --compile)" >&2
			return 1
		}
		meson compile -C "$dir" || return 1
		echo "build.sh: $a: $dir/kernel/kernel.elf"
	fi
}

if [ "$all" = 0 ]; then
	build_one "$arch" "$(builddir_for "$arch" "$builddir" "$build_root" "$build_prefix")"
	exit 0
fi

# --all: one background job and one log per target, then a summary.
timing=$(mktemp -d)
trap 'rm -rf "$timing"' EXIT
declare -A pid log dir
for a in "${KEEL_ARCHES[@]}"; do
	dir[$a]=$(builddir_for "$a" "" "$build_root" "$build_prefix")
	mkdir -p "$(dirname "${dir[$a]}")"
	log[$a]=${dir[$a]}.log
	echo "build.sh: $a -> ${dir[$a]} (log: ${log[$a]})"
	(
		start=$SECONDS
		rc=0
		build_one "$a" "${dir[$a]}" || rc=$?
		echo "$((SECONDS - start))" >"$timing/$a"
		exit "$rc"
	) >"${log[$a]}" 2>&1 &
	pid[$a]=$!
done

failed=0
declare -A state
for a in "${KEEL_ARCHES[@]}"; do
	if wait "${pid[$a]}"; then
		state[$a]=ok
	else
		state[$a]=FAILED
		failed=1
	fi
done

for a in "${KEEL_ARCHES[@]}"; do
	if [ "${state[$a]}" = FAILED ]; then
		echo "---- last lines of ${log[$a]}"
		tail -n 25 "${log[$a]}"
	fi
done
echo "build.sh: summary"
for a in "${KEEL_ARCHES[@]}"; do
	if [ "${state[$a]}" = ok ]; then
		what=${dir[$a]}/kernel/kernel.elf
	else
		what="see ${log[$a]}"
	fi
	printf '  %-12s %-7s %4ss  %s\n' "$a" "${state[$a]}" "$(cat "$timing/$a" 2>/dev/null || echo '?')" "$what"
done
exit "$failed"
