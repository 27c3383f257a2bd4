#!/usr/bin/env bash
# boot/mkiso.sh - pack a UEFI-bootable kernel.iso (called by the kernel.iso Meson target).
#
# The El Torito UEFI boot image is a FAT file system holding
#   /EFI/BOOT/<BOOT*.EFI>   the loader (Keel's, or Limine's with --limine-dir)
#   /boot/kernel.elf        the kernel
#   /boot/limine.conf       the boot configuration
#   /boot/<module>          modules
# The firmware starts the loader from it, and the loader reads the rest from
# the same volume. xorriso wraps it into an ISO 9660 image that also boots
# from a USB stick (isohybrid GPT).
set -euo pipefail

usage() {
	cat <<USAGE
Usage: boot/mkiso.sh --efi-name NAME --loader FILE --kernel FILE --config FILE
                     --output FILE [--module FILE]... [--limine-dir DIR]

  --efi-name NAME     file name of the loader in /EFI/BOOT (e.g. BOOTX64.EFI)
  --loader FILE       the loader to install (ignored with --limine-dir)
  --kernel FILE       kernel.elf
  --config FILE       limine.conf
  --output FILE       the ISO to write
  --module FILE       a module for /boot (repeatable)
  --limine-dir DIR    use NAME from a Limine binary release in DIR instead
USAGE
}

efi_name="" loader="" kernel="" config="" output="" limine_dir=""
modules=()
while [ $# -gt 0 ]; do
	case "$1" in
	--efi-name | --loader | --kernel | --config | --output | --module | --limine-dir)
		[ $# -ge 2 ] || {
			echo "mkiso.sh: $1 needs a value" >&2
			usage >&2
			exit 2
		}
		case "$1" in
		--efi-name) efi_name=$2 ;;
		--loader) loader=$2 ;;
		--kernel) kernel=$2 ;;
		--config) config=$2 ;;
		--output) output=$2 ;;
		--module) modules+=("$2") ;;
		--limine-dir) limine_dir=$2 ;;
		esac
		shift 2
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "mkiso.sh: unknown option: $1" >&2
		usage >&2
		exit 2
		;;
	esac
done
for v in efi_name kernel config output; do
	[ -n "${!v}" ] || {
		echo "mkiso.sh: --${v/_/-} is required" >&2
		usage >&2
		exit 2
	}
done
if [ -n "$limine_dir" ]; then
	loader=$limine_dir/$efi_name
	[ -f "$loader" ] || {
		echo "mkiso.sh: $loader: not in the Limine release at $limine_dir" >&2
		exit 1
	}
fi
[ -n "$loader" ] || {
	echo "mkiso.sh: --loader or --limine-dir is required" >&2
	exit 2
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/iso"
img=$work/iso/efiboot.img

# The FAT image: the files plus a margin for FAT structures, at least 4 MiB.
bytes=$(cat "$loader" "$kernel" "$config" "${modules[@]}" | wc -c)
kib=$((bytes / 1024 * 5 / 4 + 2048))
[ "$kib" -ge 4096 ] || kib=4096
dd if=/dev/zero of="$img" bs=1024 count="$kib" status=none
mformat -i "$img" -v KEELBOOT ::
mmd -i "$img" ::/EFI ::/EFI/BOOT ::/boot
mcopy -i "$img" "$loader" "::/EFI/BOOT/$efi_name"
mcopy -i "$img" "$kernel" ::/boot/kernel.elf
mcopy -i "$img" "$config" ::/boot/limine.conf
for m in "${modules[@]}"; do
	mcopy -i "$img" "$m" "::/boot/$(basename "$m")"
done

# xorriso prints its banner on stderr even with -quiet: show its output only on failure.
if ! xorriso -as mkisofs -quiet -R -J -V KEEL \
	-e efiboot.img -no-emul-boot -isohybrid-gpt-basdat \
	-o "$output.tmp" "$work/iso" >"$work/xorriso.log" 2>&1; then
	cat "$work/xorriso.log" >&2
	exit 1
fi
mv "$output.tmp" "$output"
