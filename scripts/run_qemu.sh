#!/usr/bin/env bash
# scripts/run_qemu.sh - boot a built kernel.iso under QEMU with UEFI firmware.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

usage() {
	cat <<EOF
Usage: scripts/run_qemu.sh --arch ARCH [options] [-- QEMU-ARGS...]

Boot <builddir>/kernel.iso under QEMU (TCG) with the architecture's UEFI
firmware; the serial console is this terminal (Ctrl-A X quits).

Options:
  --arch ARCH            one of: ${KEEL_ARCHES[*]}
  --builddir DIR         build directory (default: <repo>/build-<arch>)
  --build-root DIR       parent of the per-arch build directories
  --build-prefix NAME    per-arch build directories are NAME-<arch>
  --smp N                number of CPUs (default: 4)
  --memory MIB           guest memory in MiB (default: 512; 1024 on loongarch64)
  --debug                start a gdb stub and halt the CPUs before the firmware runs
  --debug-port N         gdb stub TCP port (default: 1234)
  --headless             serial console on stdout, no monitor, no stdin (for automation)
  --vars FILE            the writable copy of the firmware's variable store, made
                         afresh from its template each boot (default:
                         <builddir>/qemu-vars.fd); QEMUs that run at the same
                         time need one each
  --print-command        print the QEMU command line and exit
  -h, --help             show this help

Firmware: QEMU_FIRMWARE_DIR if set, else next to the installed QEMU
(<prefix>/share/qemu), the Debian locations (/usr/share/OVMF, /usr/share/AAVMF,
/usr/share/qemu-efi-*), then bootstrap's cache ($(keel_firmware_dir)).
EOF
}

arch=""
builddir=""
build_root=""
build_prefix=""
smp=4
memory=""
debug=0
debug_port=1234
headless=0
vars=""
print_only=0
extra=()

while [ $# -gt 0 ]; do
	case "$1" in
	--smp)
		need_value "$1" $#
		smp=$2
		shift
		;;
	--memory)
		need_value "$1" $#
		memory=$2
		shift
		;;
	--debug) debug=1 ;;
	--debug-port)
		need_value "$1" $#
		debug_port=$2
		shift
		;;
	--headless) headless=1 ;;
	--vars)
		[ $# -ge 2 ] && [ -n "$2" ] || usage_error "--vars needs a file name"
		vars=$2
		shift
		;;
	--print-command) print_only=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		extra=("$@")
		break
		;;
	*)
		take_target_option "$@" || usage_error "unknown option: $1"
		shift
		;;
	esac
	shift
done

[ -n "$arch" ] || usage_error "no target: use --arch <arch> (one of: ${KEEL_ARCHES[*]})"
check_arch "$arch"
is_number() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }
is_number "$smp" || usage_error "--smp needs a positive number, not '$smp'"
is_number "$debug_port" || usage_error "--debug-port needs a port number, not '$debug_port'"
[ -z "$memory" ] || is_number "$memory" || usage_error "--memory needs a size in MiB, not '$memory'"

dir=$(builddir_for "$arch" "$builddir" "$build_root" "$build_prefix")
iso=$dir/kernel.iso

# Firmware per architecture: CODE:VARS pairs of file names, the code image and
# the variable store template that each run copies (edk2 writes into it). Both
# halves of a pair must come from the same directory: a store from another
# build of the firmware may not match its layout.
case "$arch" in
x86_64)
	qemu="qemu-system-x86_64"
	fw_pairs=(OVMF_CODE_4M.fd:OVMF_VARS_4M.fd OVMF_CODE.fd:OVMF_VARS.fd
		edk2-x86_64-code.fd:edk2-i386-vars.fd)
	fw_dirs=(/usr/share/OVMF)
	fw_package="ovmf"
	machine=(-M q35)
	;;
aarch64)
	qemu="qemu-system-aarch64"
	fw_pairs=(AAVMF_CODE.fd:AAVMF_VARS.fd edk2-aarch64-code.fd:edk2-arm-vars.fd)
	fw_dirs=(/usr/share/AAVMF /usr/share/qemu-efi-aarch64)
	fw_package="qemu-efi-aarch64"
	machine=(-M virt -cpu cortex-a72)
	;;
riscv64)
	qemu="qemu-system-riscv64"
	fw_pairs=(RISCV_VIRT_CODE.fd:RISCV_VIRT_VARS.fd edk2-riscv-code.fd:edk2-riscv-vars.fd)
	fw_dirs=(/usr/share/qemu-efi-riscv64)
	fw_package="qemu-efi-riscv64 (Debian 13; bootstrap unpacks it into its cache)"
	machine=(-M virt)
	;;
loongarch64)
	qemu="qemu-system-loongarch64"
	fw_pairs=(QEMU_EFI.fd:QEMU_VARS.fd edk2-loongarch64-code.fd:edk2-loongarch64-vars.fd)
	fw_dirs=(/usr/share/qemu-efi-loongarch64)
	fw_package="qemu-efi-loongarch64 (Debian 13; bootstrap unpacks it into its cache)"
	machine=(-M virt)
	[ -n "$memory" ] || memory=1024
	;;
esac
[ -n "$memory" ] || memory=512

command -v "$qemu" >/dev/null 2>&1 || {
	echo "run_qemu.sh: $qemu is missing; running scripts/bootstrap.sh"
	bash "$SCRIPT_DIR/bootstrap.sh" --no-tests || die "bootstrap failed"
}

search=()
if [ -n "${QEMU_FIRMWARE_DIR:-}" ]; then
	search=("$QEMU_FIRMWARE_DIR")
else
	qemu_prefix=$(dirname "$(dirname "$(command -v "$qemu")")")
	search=("$qemu_prefix/share/qemu" "${fw_dirs[@]}" /usr/share/qemu
		"$(keel_firmware_dir)/usr/share/qemu-efi-$arch")
fi

# Sets code and vars_template from the first directory holding a whole pair.
find_firmware() {
	local d pair
	for d in "${search[@]}"; do
		for pair in "${fw_pairs[@]}"; do
			if [ -f "$d/${pair%%:*}" ] && [ -f "$d/${pair#*:}" ]; then
				code=$d/${pair%%:*}
				vars_template=$d/${pair#*:}
				return 0
			fi
		done
	done
	return 1
}

if ! find_firmware && [ -z "${QEMU_FIRMWARE_DIR:-}" ]; then
	echo "run_qemu.sh: no UEFI firmware for $arch yet; running scripts/bootstrap.sh"
	bash "$SCRIPT_DIR/bootstrap.sh" --no-tests || die "bootstrap failed"
fi
find_firmware ||
	die "no UEFI firmware for $arch (${fw_pairs[*]}) in: ${search[*]}.
The Debian package is $fw_package; install it with: bash scripts/bootstrap.sh
(or point QEMU_FIRMWARE_DIR at a directory holding one of those pairs)"

[ "$print_only" = 1 ] || [ -f "$iso" ] ||
	die "$iso does not exist: build it first (scripts/build.sh --arch $arch)"

# A fresh copy of the variable store every run: no state leaks between boots.
# edk2 writes into it while it runs, so two QEMUs must never share one: the
# second's copy would overwrite the store under the first (--vars).
[ -n "$vars" ] || vars=$dir/qemu-vars.fd
cmd=("$qemu" "${machine[@]}" -m "$memory" -smp "$smp" -no-reboot
	-drive "if=pflash,unit=0,format=raw,file=$code,readonly=on"
	-drive "if=pflash,unit=1,format=raw,file=$vars")
if [ "$arch" = x86_64 ]; then
	cmd+=(-cdrom "$iso"
		-device "isa-debug-exit,iobase=0xf4,iosize=0x04")
else
	cmd+=(-drive "if=none,id=cd,file=$iso,media=cdrom,readonly=on"
		-device virtio-scsi-pci -device "scsi-cd,drive=cd")
fi
if [ "$headless" = 1 ]; then
	cmd+=(-display none -monitor none -serial stdio)
else
	cmd+=(-display none -serial mon:stdio)
fi
[ "$debug" = 1 ] && cmd+=(-gdb "tcp::$debug_port" -S)
cmd+=("${extra[@]}")

if [ "$print_only" = 1 ]; then
	# Shell-quote only the words that need it, so the line stays readable.
	for word in "${cmd[@]}"; do
		if [[ "$word" =~ ^[A-Za-z0-9_./:=,@+-]+$ ]]; then
			printf '%s ' "$word"
		else
			printf '%q ' "$word"
		fi
	done
	echo
	exit 0
fi
cp "$vars_template" "$vars"
if [ "$debug" = 1 ]; then
	echo "run_qemu.sh: gdb stub on tcp::$debug_port, CPUs halted; connect with:"
	echo "  gdb $dir/kernel/kernel.elf -ex 'target remote :$debug_port'"
fi
if [ "$headless" = 1 ]; then
	exec "${cmd[@]}" </dev/null
fi
exec "${cmd[@]}"
