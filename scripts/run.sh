#!/usr/bin/env bash
# scripts/run.sh - boot the kernel under QEMU, run its selftests, or run the native tests.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=scripts/lib/stress.sh
source "$SCRIPT_DIR/lib/stress.sh"

usage() {
	cat <<EOF
Usage: scripts/run.sh (--arch ARCH | --all) [options]          boot under QEMU
       scripts/run.sh --kernel-selftest --arch ARCH [options]  headless selftest run
       scripts/run.sh --kernel-selftest (--arch ARCH | --all) --repeat N [--jobs J] [options]
                                                               stress harness
       scripts/run.sh --bench (--arch ARCH | --all) [options]  kernel benchmarks
       scripts/run.sh -t | --test [--test-name NAME] [options] native tests

QEMU mode boots <builddir>/kernel.iso (--all: each architecture in turn).
With --expect TEXT, QEMU mode boots headless instead, prints the serial
console and exits 0 as soon as a line contains TEXT (then stops QEMU), 1 on
a panic, 124 when TEXT does not come within --timeout seconds.
Selftest mode boots headless, prints the serial console and exits 0 on
"selftest: result: PASS", 1 on FAIL or a panic, 124 on timeout. Build the
image first with: scripts/build.sh --arch ARCH --kernel-selftests-autorun
The stress harness (selftest mode with --repeat N) boots the same image N
times (--all: N times each architecture's), J QEMUs at once, and shows only
one line per run. It keeps the serial log of each failing run (FAIL, panic,
hung = no verdict within --timeout) as <log dir>/ARCH-run-K.log, prints its
path and last 20 lines, deletes the logs of passing runs, and ends with one
line per architecture: "run.sh: ARCH: N runs: P passed, F failed (H hung,
K panicked)". It exits 1 if any run failed.
Bench mode builds an image that boots the in-kernel "bench" suite (in
build-bench-<arch> unless a directory option says otherwise), boots it with
QEMU -icount shift=0 (one nanosecond of guest time per instruction, so the
"bench: NAME VALUE ns" lines are instructions per operation, the same on
every run) and prints those lines.
Test mode runs the native Criterion tests of the build directory of this
machine's architecture ($(host_arch)), configuring and building it if needed.

Options:
  --arch ARCH            one of: ${KEEL_ARCHES[*]}
  --all                  QEMU and bench mode: every architecture, one after the other
  --builddir DIR         build directory of a single target
  --build-root DIR       parent of the per-arch build directories
  --build-prefix NAME    per-arch build directories are NAME-<arch>
  --smp N                QEMU CPUs (default: 4)
  --debug                QEMU: gdb stub, CPUs halted at start
  --debug-port N         gdb stub TCP port (default: 1234)
  --build                QEMU/selftest mode: build the target first (scripts/build.sh)
  --kernel-selftest      selftest mode
  --bench                bench mode
  --expect TEXT          QEMU mode: headless, succeed when the console prints TEXT
  --timeout S            selftest and --expect runs: give up after S seconds (default: 300)
  --repeat N             selftest mode: the stress harness, N boots per architecture
  --jobs J               stress harness: J boots at once (default: 1)
  --log-dir DIR          stress harness: keep failing runs' logs in DIR
                         (default: <builddir>/stress; earlier logs there are removed)
  -t, --test             test mode
  --test-name NAME       test mode: run one test (e.g. base_printf) or suite (e.g. base)
  --list-tests           test mode: list the tests and suites, run nothing
  -h, --help             show this help
EOF
}

mode=qemu
arch=""
all=0
builddir=""
build_root=""
build_prefix=""
smp=4
debug=0
debug_port=1234
timeout_s=300
expect=""
test_name=""
list_tests=0
build_first=0
repeat="" # stress harness: boots per architecture (empty: not a stress run)
max_jobs=""
log_dir=""

while [ $# -gt 0 ]; do
	case "$1" in
	--all) all=1 ;;
	--smp)
		need_value "$1" $#
		smp=$2
		shift
		;;
	--debug) debug=1 ;;
	--debug-port)
		need_value "$1" $#
		debug_port=$2
		shift
		;;
	--kernel-selftest) mode=selftest ;;
	--expect)
		[ $# -ge 2 ] && [ -n "$2" ] || usage_error "--expect needs the text to wait for"
		expect=$2
		shift
		;;
	--bench) mode=bench ;;
	--build) build_first=1 ;;
	--timeout)
		need_value "$1" $#
		timeout_s=$2
		[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout needs a number of seconds, not '$timeout_s'"
		shift
		;;
	--repeat)
		need_value "$1" $#
		repeat=$2
		[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || usage_error "--repeat needs a number of runs (1 or more), not '$repeat'"
		shift
		;;
	--jobs)
		need_value "$1" $#
		max_jobs=$2
		[[ "$max_jobs" =~ ^[1-9][0-9]*$ ]] || usage_error "--jobs needs a number of boots at once (1 or more), not '$max_jobs'"
		shift
		;;
	--log-dir)
		[ $# -ge 2 ] && [ -n "$2" ] || usage_error "--log-dir needs a directory"
		log_dir=$2
		shift
		;;
	-t | --test) mode="test" ;;
	--test-name)
		need_value "$1" $#
		test_name=$2
		shift
		;;
	--list-tests) list_tests=1 ;;
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

[ -n "$arch" ] && check_arch "$arch"
[ -n "$arch" ] && [ "$all" = 1 ] && usage_error "--arch and --all exclude each other"
[ "$all" = 1 ] && [ -n "$builddir" ] &&
	usage_error "--builddir names one directory; with --all use --build-root/--build-prefix"
[ "$mode" = test ] && [ "$build_first" = 1 ] && usage_error "--build belongs to QEMU and selftest modes"
[ "$mode" = bench ] && [ "$debug" = 1 ] && usage_error "--debug belongs to QEMU mode"
[ -n "$expect" ] && [ "$mode" != qemu ] && usage_error "--expect belongs to QEMU mode"
if [ "$mode" != test ] && { [ -n "$test_name" ] || [ "$list_tests" = 1 ]; }; then
	usage_error "--test-name and --list-tests belong to test mode (-t)"
fi
[ -n "$repeat" ] && [ "$mode" != selftest ] &&
	usage_error "--repeat belongs to selftest mode (--kernel-selftest --repeat N)"
if [ -z "$repeat" ] && { [ -n "$max_jobs" ] || [ -n "$log_dir" ]; }; then
	usage_error "--jobs and --log-dir belong to the stress harness (--kernel-selftest --repeat N)"
fi
[ -n "$repeat" ] && [ "$debug" = 1 ] && usage_error "--debug belongs to QEMU mode"
max_jobs=${max_jobs:-1}

qemu_extra=() # QEMU arguments of bench mode, after run_qemu.sh's "--"

qemu_args() { # ARCH: the run_qemu.sh arguments shared by QEMU, selftest and bench mode
	printf '%s\n' --arch "$1" --smp "$smp"
	build_dir_options
	if [ "${#qemu_extra[@]}" -gt 0 ]; then
		printf '%s\n' -- "${qemu_extra[@]}"
	fi
}

# build_target ARCH: --build asks for the image to be (re)built before booting.
build_target() {
	[ "$build_first" = 1 ] || return 0
	local -a dir_opts
	mapfile -t dir_opts < <(build_dir_options)
	bash "$SCRIPT_DIR/build.sh" --arch "$1" "${dir_opts[@]}"
}

# ---------------------------------------------------------------- test mode
run_tests() {
	local a dir log status
	a=$(host_arch)
	valid_arch "$a" || die "this machine's architecture ($a) is not one Keel builds for"
	dir=$(builddir_for "$a" "$builddir" "$build_root" "$build_prefix")

	if [ ! -f "$dir/meson-private/coredata.dat" ]; then
		echo "run.sh: $dir is not configured; setting it up"
		local -a dir_opts
		mapfile -t dir_opts < <(build_dir_options)
		bash "$SCRIPT_DIR/build.sh" --arch "$a" --setup "${dir_opts[@]}"
	elif [ "$(meson introspect --buildoptions "$dir" |
		python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="tests"][0])')" != True ]; then
		echo "run.sh: $dir was configured with -Dtests=false; enabling the tests"
		meson configure "$dir" -Dtests=true
	fi

	if [ "$list_tests" = 1 ]; then
		meson test -C "$dir" --list
		return 0
	fi

	local select=() listing
	if [ -n "$test_name" ]; then
		# "meson test --list" regenerates the build first, so the listing is
		# current; its lines read "project:suite / name".
		listing=$(meson test -C "$dir" --list 2>/dev/null | grep ' / ')
		if sed 's|^.* / ||' <<<"$listing" | grep -qxF -- "$test_name"; then
			select=("$test_name")
		elif sed 's|^[^:]*:||; s| / .*$||' <<<"$listing" | grep -qxF -- "$test_name"; then
			select=(--suite "$test_name")
		else
			echo "run.sh: no test or suite named '$test_name'; the tests (suite / name) are:" >&2
			sed 's|^[^:]*:||' <<<"$listing" >&2
			return 2
		fi
	fi

	log=$(mktemp)
	status=0
	meson test -C "$dir" --print-errorlogs --verbose "${select[@]}" 2>&1 | tee "$log" || status=$?
	# Criterion ends each binary with "[====] Synthesis: Tested: N | Passing: N |
	# Failing: N | Crashing: N"; script tests end with "N passed, N failed".
	# Add them up into one closing line. A test that failed without printing
	# either (a crash before its summary) still counts, through Meson's own
	# "Fail:" count, so the line can never claim success for a failed run.
	awk -v status="$status" '
	/Synthesis: Tested:/ {
		for (i = 1; i <= NF; i++) {
			if ($i == "Tested:") t += $(i + 1)
			if ($i == "Passing:") p += $(i + 1)
			if ($i == "Failing:" || $i == "Crashing:") f += $(i + 1)
		}
		n++
	}
	/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3; t += $1 + $3; n++ }
	/^Fail: +[0-9]+/ { meson_failed = $2 }
	END {
		if (status != 0 && f == 0) f = meson_failed > 0 ? meson_failed : 1
		printf "run.sh: %d test binaries, %d tests\n", n, t
		printf "tests: %d passed, %d failed\n", p, f
	}' "$log"
	rm -f "$log"
	return "$status"
}

# ----------------------------------------------------------- headless boots
# Every headless boot runs in a work directory of its own (see boot_headless),
# under $work_root; cleanup_work stops what still runs there when this script
# exits, also on Ctrl-C (QEMU, started in the background, ignores SIGINT).
work_root=""

cleanup_work() {
	local f pid
	[ -n "$work_root" ] && [ -d "$work_root" ] || return 0
	for f in "$work_root"/qemu.pid "$work_root"/*/qemu.pid; do
		[ -f "$f" ] && read -r pid <"$f" && kill -KILL "$pid" 2>/dev/null
	done
	wait 2>/dev/null || true
	rm -rf "$work_root"
	return 0
}

# make_work_root: create $work_root and arm cleanup_work. The traps are set
# here rather than once at the top, so that a subshell (bench mode's) arms its own.
make_work_root() {
	work_root=$(mktemp -d "${TMPDIR:-/tmp}/keel-run.XXXXXX")
	trap cleanup_work EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# stop_qemu PID: give a kernel that printed its verdict 3 s to power the
# machine off by itself, then SIGTERM; a vCPU stuck in an exception loop can
# keep QEMU's main loop from ever acting on it, so SIGKILL 5 s later.
stop_qemu() {
	local pid=$1
	for _ in 1 2 3 4 5 6; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	kill "$pid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

verdict="" # boot_headless's result: PASS, FAIL, TIMEOUT or NONE

# boot_headless ARCH PASS_TEXT FAIL_REGEX WORKDIR FOLLOW: boot ARCH headless
# until the console prints PASS_TEXT (verdict PASS), a line matches FAIL_REGEX
# (FAIL), or --timeout seconds pass (TIMEOUT); NONE when QEMU stops without
# either. Everything the boot writes is in WORKDIR, so boots can run side by
# side: console.log is the serial console, vars.fd this boot's own copy of the
# firmware's variable store (edk2 writes into it), qemu.pid names QEMU while
# it runs. QEMU opens the image and the firmware code read-only, listens on no
# port (no monitor, no gdb stub) and takes no lock on a writable file another
# boot uses. FOLLOW=1 copies the console to stdout as it comes.
boot_headless() {
	local a=$1 pass_text=$2 fail_pattern=$3 work=$4 follow=$5
	local log=$4/console.log qpid tpid="" start
	local -a args
	mapfile -t args < <(qemu_args "$a")
	verdict=""
	# QEMU writes the serial console into the log; we follow it, stop at the
	# first verdict, and kill QEMU if the kernel did not power the machine off.
	# --headless first: the arguments may end with "-- QEMU-ARGS" (bench mode).
	bash "$SCRIPT_DIR/run_qemu.sh" --headless --vars "$work/vars.fd" "${args[@]}" >"$log" 2>&1 &
	qpid=$!
	echo "$qpid" >"$work/qemu.pid"
	if [ "$follow" = 1 ]; then
		tail -n +1 -f --pid="$qpid" "$log" &
		tpid=$!
	fi
	start=$SECONDS
	while kill -0 "$qpid" 2>/dev/null; do
		if grep -qF -- "$pass_text" "$log"; then
			verdict=PASS
		elif grep -qE "$fail_pattern" "$log"; then
			verdict=FAIL
		fi
		[ -n "$verdict" ] && break
		if [ $((SECONDS - start)) -ge "$timeout_s" ]; then
			verdict=TIMEOUT
			break
		fi
		sleep 0.5
	done
	stop_qemu "$qpid"
	rm -f "$work/qemu.pid"
	if [ -n "$tpid" ]; then
		kill "$tpid" 2>/dev/null || true
		wait "$tpid" 2>/dev/null || true
	fi
	if [ -z "$verdict" ]; then
		verdict=NONE
		grep -qF -- "$pass_text" "$log" && verdict=PASS
		grep -qE "$fail_pattern" "$log" && verdict=FAIL
	fi
	return 0
}

# run_headless ARCH PASS_TEXT FAIL_REGEX WHAT: one headless boot, its console
# on stdout; exit status 0 on PASS, 1 on FAIL or no verdict, 124 on timeout.
run_headless() {
	local a=$1 what=$4 status
	make_work_root
	boot_headless "$a" "$2" "$3" "$work_root" 1
	cleanup_work
	case "$verdict" in
	PASS)
		echo "run.sh: $a: $what PASS"
		status=0
		;;
	TIMEOUT)
		echo "run.sh: $a: no $what verdict within ${timeout_s}s" >&2
		status=124
		;;
	FAIL)
		echo "run.sh: $a: $what FAIL" >&2
		status=1
		;;
	*)
		echo "run.sh: $a: QEMU stopped without a $what verdict" >&2
		status=1
		;;
	esac
	return "$status"
}

# ------------------------------------------------------------ selftest mode
# The stress harness (--repeat) is in scripts/lib/stress.sh.
selftest_pass_text='selftest: result: PASS'
# A failed verdict, a kernel panic, or a loader that refused to boot.
selftest_fail_pattern='selftest: result: FAIL|KERNEL PANIC|^panic:|loader: error:'
panic_pattern='KERNEL PANIC|^panic:'

run_selftest() {
	run_headless "$1" "$selftest_pass_text" "$selftest_fail_pattern" selftests
}

# A boot that must print $expect: a panic or a refusing loader fails it.
run_expect() {
	run_headless "$1" "$expect" "$panic_pattern|loader: error:" "boot ('$expect')"
}

# --------------------------------------------------------------- bench mode
run_bench() {
	local a=$1 dir log status=0
	dir=$(builddir_for "$a" "$builddir" "$build_root" "${build_prefix:-build-bench}")
	echo "run.sh: $a: building the bench image in $dir"
	bash "$SCRIPT_DIR/build.sh" --arch "$a" --builddir "$dir" --no-tests \
		--kernel-selftests-suite bench >/dev/null || die "$a: building the bench image failed"
	log=$(mktemp)
	# The selftest runner does the booting; its serial log is kept for the summary.
	(
		builddir=$dir build_root="" build_prefix=""
		qemu_extra=(-icount shift=0,sleep=off)
		run_selftest "$a"
	) | tee "$log" || status=$?
	echo "run.sh: $a: instructions per operation (-icount shift=0):"
	grep -oE 'bench: [a-z0-9_]+ [0-9]+ ns' "$log" | sed 's/^bench: /  /; s/ ns$/ instructions/' || true
	rm -f "$log"
	return "$status"
}

# ---------------------------------------------------------------- QEMU mode
run_boot() {
	local a=$1
	local -a args
	mapfile -t args < <(qemu_args "$a")
	[ "$debug" = 1 ] && args+=(--debug --debug-port "$debug_port")
	bash "$SCRIPT_DIR/run_qemu.sh" "${args[@]}"
}

case "$mode" in
test)
	if [ "$all" = 1 ] || [ -n "$arch" ]; then
		usage_error "test mode runs this machine's native tests: no --arch/--all"
	fi
	run_tests
	;;
selftest)
	if [ -n "$repeat" ]; then
		if [ "$all" = 1 ]; then
			stress_arches=("${KEEL_ARCHES[@]}")
		else
			[ -n "$arch" ] || usage_error "the stress harness needs --arch <arch> or --all"
			stress_arches=("$arch")
		fi
		for a in "${stress_arches[@]}"; do
			build_target "$a"
		done
		run_stress "${stress_arches[@]}"
		exit
	fi
	[ "$all" = 0 ] || usage_error "selftest mode takes one --arch (--all only with --repeat N)"
	[ -n "$arch" ] || usage_error "selftest mode needs --arch <arch> (one of: ${KEEL_ARCHES[*]})"
	build_target "$arch"
	run_selftest "$arch"
	;;
bench)
	[ "$build_first" = 0 ] || usage_error "bench mode always builds its image; drop --build"
	if [ "$all" = 1 ]; then
		[ -z "$builddir" ] || usage_error "--builddir names one directory; with --all use --build-root/--build-prefix"
		bench_status=0
		for a in "${KEEL_ARCHES[@]}"; do
			run_bench "$a" || bench_status=1
		done
		exit "$bench_status"
	fi
	[ -n "$arch" ] || usage_error "bench mode needs --arch <arch> or --all"
	run_bench "$arch"
	;;
qemu)
	[ -z "$expect" ] || [ "$debug" = 0 ] || usage_error "--expect boots headless: no --debug"
	if [ "$all" = 1 ]; then
		expect_status=0
		for a in "${KEEL_ARCHES[@]}"; do
			build_target "$a"
			if [ -n "$expect" ]; then
				run_expect "$a" || expect_status=1
				continue
			fi
			echo "run.sh: booting $a (Ctrl-A X quits QEMU and moves on)"
			run_boot "$a" || echo "run.sh: $a: QEMU exited with status $?"
		done
		exit "$expect_status"
	fi
	[ -n "$arch" ] || usage_error "no target: use --arch <arch> (one of: ${KEEL_ARCHES[*]}) or --all"
	build_target "$arch"
	if [ -n "$expect" ]; then
		run_expect "$arch"
	else
		run_boot "$arch"
	fi
	;;
esac
