#!/usr/bin/env bash
# test/scripts/cli_test.sh - the helper scripts' command lines (B5-B7).
#
# Bad command lines must print guidance and exit non-zero; --all with a build
# prefix must produce one directory and one higher-half kernel.elf per
# architecture. Builds go to a temporary root with --no-tests, so this test
# never touches the caller's build directories.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

pass() {
	passed=$((passed + 1))
	echo "ok: $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

# expect_usage_error DESCRIPTION PATTERN SCRIPT ARGS...: non-zero exit, and
# the output names the problem (PATTERN) and shows the usage text.
expect_usage_error() {
	local what=$1 pattern=$2 out status
	shift 2
	out=$(bash "$@" 2>&1)
	status=$?
	if [ "$status" -eq 0 ]; then
		fail "$what: exit status 0"
	elif ! grep -qE -- "$pattern" <<<"$out"; then
		fail "$what: output lacks /$pattern/: $out"
	elif ! grep -q '^Usage:' <<<"$out"; then
		fail "$what: no usage text: $out"
	else
		pass "$what (exit $status)"
	fi
}

for s in build.sh run.sh run_qemu.sh bootstrap.sh install-hooks.sh; do
	if out=$(bash "$root/scripts/$s" --help 2>&1) && grep -q '^Usage:' <<<"$out"; then
		pass "$s --help"
	else
		fail "$s --help"
	fi
	expect_usage_error "$s unknown flag" 'unknown option: --no-such-flag' "$root/scripts/$s" --no-such-flag
done

b=$root/scripts/build.sh
expect_usage_error "build.sh without a target" '--arch <arch>.*--all' "$b"
expect_usage_error "build.sh --arch sparc" "unknown architecture 'sparc'" "$b" --arch sparc
expect_usage_error "build.sh --arch without value" '--arch needs a value' "$b" --arch
expect_usage_error "build.sh --builddir with --all" '--builddir names one directory' "$b" --all --builddir x
expect_usage_error "build.sh --arch with --all" 'exclude each other' "$b" --all --arch x86_64
expect_usage_error "build.sh bad suite name" 'suite name' "$b" --arch x86_64 --kernel-selftests-suite 'a b'

r=$root/scripts/run.sh
expect_usage_error "run.sh without a target" '--arch <arch>' "$r"
expect_usage_error "run.sh --arch sparc" "unknown architecture 'sparc'" "$r" --arch sparc
expect_usage_error "run.sh selftest without arch" 'needs --arch' "$r" --kernel-selftest
expect_usage_error "run.sh --timeout not a number" 'number of seconds' "$r" --kernel-selftest --arch x86_64 --timeout soon
expect_usage_error "run.sh --test-name outside test mode" 'belong to test mode' "$r" --arch x86_64 --test-name base
expect_usage_error "run.sh --test-name without value" '--test-name needs a value' "$r" -t --test-name
expect_usage_error "run.sh bench without arch" 'bench mode needs --arch' "$r" --bench
expect_usage_error "run.sh bench with --build" 'always builds' "$r" --bench --build --arch x86_64
expect_usage_error "run.sh bench with --debug" '--debug belongs to QEMU mode' "$r" --bench --debug --arch x86_64
expect_usage_error "run.sh --expect without text" '--expect needs the text' "$r" --arch x86_64 --expect
expect_usage_error "run.sh --expect with --debug" 'boots headless' "$r" --arch x86_64 --expect hi --debug
expect_usage_error "run.sh --expect in selftest mode" '--expect belongs to QEMU mode' "$r" --kernel-selftest --arch x86_64 --expect hi
# The stress harness (X6): selftest mode with --repeat.
expect_usage_error "run.sh --repeat 0" 'number of runs' "$r" --kernel-selftest --arch x86_64 --repeat 0
expect_usage_error "run.sh --repeat x" 'number of runs' "$r" --kernel-selftest --arch x86_64 --repeat x
expect_usage_error "run.sh --repeat without value" '--repeat needs a value' "$r" --kernel-selftest --arch x86_64 --repeat
expect_usage_error "run.sh --jobs 0" 'number of boots at once' "$r" --kernel-selftest --arch x86_64 --repeat 2 --jobs 0
expect_usage_error "run.sh --repeat outside selftest mode" '--repeat belongs to selftest mode' "$r" --arch x86_64 --repeat 2
expect_usage_error "run.sh --repeat in test mode" '--repeat belongs to selftest mode' "$r" -t --repeat 2
expect_usage_error "run.sh --jobs without --repeat" 'belong to the stress harness' "$r" --kernel-selftest --arch x86_64 --jobs 2
expect_usage_error "run.sh --log-dir without --repeat" 'belong to the stress harness' "$r" --kernel-selftest --arch x86_64 --log-dir "$tmp/logs"
expect_usage_error "run.sh selftest --all without --repeat" 'only with --repeat' "$r" --kernel-selftest --all
expect_usage_error "run.sh stress without arch" 'needs --arch <arch> or --all' "$r" --kernel-selftest --repeat 2
if out=$(bash "$r" --kernel-selftest --arch x86_64 --repeat 2 --builddir "$tmp/none" 2>&1); then
	fail "run.sh --repeat without an image: exit status 0"
elif grep -q "no kernel.iso in $tmp/none" <<<"$out"; then
	pass "run.sh --repeat without an image names the missing kernel.iso"
else
	fail "run.sh --repeat without an image: $out"
fi

q=$root/scripts/run_qemu.sh
expect_usage_error "run_qemu.sh without a target" '--arch <arch>' "$q"
expect_usage_error "run_qemu.sh --arch sparc" "unknown architecture 'sparc'" "$q" --arch sparc
expect_usage_error "run_qemu.sh --smp zero" 'positive number' "$q" --arch x86_64 --smp 0
expect_usage_error "run_qemu.sh --vars without value" '--vars needs a file name' "$q" --arch x86_64 --vars

# The QEMU command line of every architecture: firmware found, ISO attached.
for a in x86_64 aarch64 riscv64 loongarch64; do
	if out=$(bash "$q" --arch "$a" --builddir "$tmp/b-$a" --print-command 2>&1) &&
		grep -q "if=pflash,unit=0" <<<"$out" && grep -q "$tmp/b-$a/kernel.iso" <<<"$out"; then
		pass "run_qemu.sh --arch $a --print-command"
	else
		fail "run_qemu.sh --arch $a --print-command: $out"
	fi
done
# Boots side by side need a variable store each (X6): --vars names it.
if out=$(bash "$q" --arch aarch64 --builddir "$tmp/b" --vars "$tmp/run-1/vars.fd" --print-command 2>&1) &&
	grep -q "if=pflash,unit=1,format=raw,file=$tmp/run-1/vars.fd" <<<"$out"; then
	pass "run_qemu.sh --vars FILE is the writable variable store"
else
	fail "run_qemu.sh --vars: $out"
fi

# --all with a prefix: four directories, each with an ELF for its machine,
# entry point in the higher half.
if bash "$b" --all --no-tests --build-root "$tmp" --build-prefix build-debug >"$tmp/all.log" 2>&1; then
	pass "build.sh --all --build-prefix build-debug"
else
	fail "build.sh --all --build-prefix build-debug: $(tail -n 30 "$tmp/all.log")"
fi
declare -A machine=([x86_64]='X86-64' [aarch64]='AArch64' [riscv64]='RISC-V' [loongarch64]='LoongArch')
for a in x86_64 aarch64 riscv64 loongarch64; do
	elf=$tmp/build-debug-$a/kernel/kernel.elf
	if [ ! -f "$elf" ]; then
		fail "build-debug-$a/kernel/kernel.elf missing"
		continue
	fi
	hdr=$(llvm-readelf-19 -h "$elf")
	if grep -q "Machine:.*${machine[$a]}" <<<"$hdr" &&
		grep -qiE 'Entry point address:[[:space:]]+0xffffffff8' <<<"$hdr"; then
		pass "build-debug-$a/kernel/kernel.elf is a higher-half ${machine[$a]} ELF"
	else
		fail "build-debug-$a/kernel/kernel.elf header: $hdr"
	fi
	if grep -qE "^  $a +ok " "$tmp/all.log"; then
		pass "summary line for $a"
	else
		fail "summary line for $a missing: $(tail -n 8 "$tmp/all.log")"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
