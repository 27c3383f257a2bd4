#!/usr/bin/env bash
# scripts/bootstrap.sh - install what building, booting and testing Keel need.
#
# Targets a Debian 12 (bookworm) machine. Everything comes from Debian packages:
#   - the build: Meson, Ninja, LLVM 19 (clang-19, lld-19, llvm-19), mtools, xorriso;
#   - the native tests: a host C compiler with sanitizers and Criterion;
#   - the QEMU runs: QEMU 10 from bookworm-backports (DECISIONS D3), OVMF and AAVMF
#     from bookworm, and the riscv64/loongarch64 edk2 firmware that bookworm lacks,
#     unpacked from Debian 13 packages into a private cache (system sources untouched).
#
# It is idempotent: a package already installed is not touched, the firmware
# cache is filled once. It says what it installs before doing it.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

usage() {
	cat <<EOF
Usage: scripts/bootstrap.sh [options]

Install the Debian packages and firmware that Keel's build, tests and QEMU
runs need. Installs only what is missing; uses sudo when not run as root.

Options:
  --check        report what is missing and exit 1 if anything is; change nothing
  --no-tests     skip the native test dependencies (host compiler, Criterion)
  --no-qemu      skip QEMU and the UEFI firmware (build only)
  -q, --quiet    print only what is installed and errors
  -h, --help     show this help

Environment:
  KEEL_CACHE_DIR   cache root (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/keel);
                   the riscv64/loongarch64 firmware goes to \$KEEL_CACHE_DIR/firmware
EOF
}

check_only=0
want_tests=1
want_qemu=1
quiet=0
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check_only=1 ;;
	--no-tests) want_tests=0 ;;
	--no-qemu) want_qemu=0 ;;
	-q | --quiet) quiet=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage_error "unknown option: $1"
		;;
	esac
	shift
done

say() { [ "$quiet" = 1 ] || printf 'bootstrap: %s\n' "$*"; }

# Packages from bookworm itself.
# gcc builds the native build tools (boot/tools/elf2pe) as well as the tests.
build_pkgs=(bash git make python3 meson ninja-build pkg-config gcc libc6-dev
	clang-19 lld-19 llvm-19 clang-format-19 mtools xorriso ca-certificates)
test_pkgs=(libcriterion-dev)
firmware_pkgs=(ovmf qemu-efi-aarch64)
# QEMU 10 comes from bookworm-backports: 7.2 cannot run the riscv64 and
# loongarch64 firmware (DECISIONS D3).
qemu_pkgs=(qemu-system-x86 qemu-system-arm qemu-system-misc qemu-system-riscv)
qemu_min_major=10
backports_suite=bookworm-backports

pkg_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

qemu_ok() {
	local bin major
	for bin in qemu-system-x86_64 qemu-system-aarch64 qemu-system-riscv64 qemu-system-loongarch64; do
		command -v "$bin" >/dev/null 2>&1 || return 1
		major=$("$bin" --version | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p')
		[ -n "$major" ] && [ "$major" -ge "$qemu_min_major" ] || return 1
	done
}

missing=()
for p in "${build_pkgs[@]}"; do pkg_installed "$p" || missing+=("$p"); done
if [ "$want_tests" = 1 ]; then
	for p in "${test_pkgs[@]}"; do pkg_installed "$p" || missing+=("$p"); done
fi
if [ "$want_qemu" = 1 ]; then
	for p in "${firmware_pkgs[@]}"; do pkg_installed "$p" || missing+=("$p"); done
fi
need_qemu=0
if [ "$want_qemu" = 1 ] && ! qemu_ok; then need_qemu=1; fi
need_firmware=0
if [ "$want_qemu" = 1 ] && ! keel_firmware_cached; then need_firmware=1; fi

if [ "$check_only" = 1 ]; then
	status=0
	if [ ${#missing[@]} -gt 0 ]; then
		echo "bootstrap: missing packages: ${missing[*]}"
		status=1
	fi
	if [ "$need_qemu" = 1 ]; then
		echo "bootstrap: missing QEMU >= $qemu_min_major (${qemu_pkgs[*]} from $backports_suite)"
		status=1
	fi
	if [ "$need_firmware" = 1 ]; then
		echo "bootstrap: missing riscv64/loongarch64 UEFI firmware in $(keel_firmware_dir)"
		status=1
	fi
	[ "$status" = 0 ] && echo "bootstrap: everything is installed"
	exit "$status"
fi

if [ ${#missing[@]} -eq 0 ] && [ "$need_qemu" = 0 ] && [ "$need_firmware" = 0 ]; then
	say "everything is installed"
	exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
	die "apt-get not found: this script supports Debian 12; install by hand: ${build_pkgs[*]} ${test_pkgs[*]}"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || die "not root and sudo is not installed"
	SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
APT_INSTALL=(apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0)

updated=0
apt_update() {
	if [ "$updated" = 0 ]; then
		say "refreshing package lists (apt-get update)"
		"${SUDO[@]}" apt-get update -qq -o Dpkg::Use-Pty=0
		updated=1
	fi
}

if [ ${#missing[@]} -gt 0 ]; then
	echo "bootstrap: installing: ${missing[*]}"
	apt_update
	"${SUDO[@]}" "${APT_INSTALL[@]}" "${missing[@]}"
fi

if [ "$need_qemu" = 1 ]; then
	if ! grep -rqs "$backports_suite" /etc/apt/sources.list /etc/apt/sources.list.d/; then
		list=/etc/apt/sources.list.d/$backports_suite.list
		echo "bootstrap: enabling $backports_suite in $list (it installs nothing unless asked with -t)"
		echo "deb http://deb.debian.org/debian $backports_suite main" |
			"${SUDO[@]}" tee "$list" >/dev/null
		updated=0
	fi
	echo "bootstrap: installing QEMU from $backports_suite: ${qemu_pkgs[*]}"
	apt_update
	"${SUDO[@]}" "${APT_INSTALL[@]}" -t "$backports_suite" "${qemu_pkgs[@]}"
	qemu_ok || die "QEMU >= $qemu_min_major still not found after install"
fi

# The riscv64 and loongarch64 edk2 builds are 'arch: all' packages of Debian 13.
# apt reads a private sources list and keeps its lists in the cache, so the
# system's own configuration never sees trixie.
if [ "$need_firmware" = 1 ]; then
	fw_dir=$(keel_firmware_dir)
	work=$(keel_cache_dir)/apt
	echo "bootstrap: fetching qemu-efi-riscv64 and qemu-efi-loongarch64 (Debian 13) into $fw_dir"
	mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/etc" "$work/debs"
	echo "deb http://deb.debian.org/debian trixie main" >"$work/etc/sources.list"
	apt_private=(-o "Dir::Etc::SourceList=$work/etc/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$work/lists"
		-o "Dir::Cache=$work/cache"
		-o "Debug::NoLocking=1"
		-o "APT::Sandbox::User=$(id -un)")
	apt-get "${apt_private[@]}" update -qq
	(cd "$work/debs" && apt-get "${apt_private[@]}" download qemu-efi-riscv64 qemu-efi-loongarch64)
	rm -rf "$fw_dir.tmp"
	mkdir -p "$fw_dir.tmp"
	for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$fw_dir.tmp"; done
	rm -rf "$fw_dir"
	mv "$fw_dir.tmp" "$fw_dir"
	rm -rf "$work"
	keel_firmware_cached || die "firmware unpacked into $fw_dir but the expected files are missing"
fi

say "done"
