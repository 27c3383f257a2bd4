# shellcheck shell=bash
# shellcheck disable=SC2154 # the settings and functions of run.sh, listed below
# scripts/lib/stress.sh - run.sh's stress harness (X6); sourced, never run.
#
# run.sh --kernel-selftest --repeat N boots each architecture's selftest image
# N times, --jobs J boots at once (J > 1 loads the machine, which is how races
# show), and counts the verdicts. Each run is one boot_headless (run.sh) in a
# work directory of its own under $work_root, so no two QEMUs share a writable
# file. The console log of a failing run is kept in the log directory as
# ARCH-run-K.log, that of a passing run is deleted.
#
# Reads run.sh's settings: repeat, max_jobs, log_dir, timeout_s, builddir,
# build_root, build_prefix; and uses its boot_headless, make_work_root,
# cleanup_work, selftest_pass_text, selftest_fail_pattern and panic_pattern.

declare -A stress_jobs=() # background job's PID -> "ARCH K"
stress_lock_fds=()        # the log directories' lock files, held until exit
declare -A stress_passed=() stress_failed=() stress_hung=() stress_panicked=()
declare -A stress_status=() # "ARCH K" -> PASS, FAIL, panic, hung or "no verdict"
declare -A stress_cases=()  # "ARCH K" -> the cases a FAIL run failed, by name

# stress_cleanup: on exit, also on Ctrl-C, stop the runs still going (their
# QEMUs through cleanup_work), then remove the work directories.
stress_cleanup() {
	local pid
	for pid in "${!stress_jobs[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	cleanup_work
}

# stress_log_dir ARCH: where ARCH's failing runs leave their logs.
stress_log_dir() {
	if [ -n "$log_dir" ]; then
		realpath -m "$log_dir"
	else
		realpath -m "$(builddir_for "$1" "$builddir" "$build_root" "$build_prefix")/stress"
	fi
}

# stress_claim_log_dir ARCH: create ARCH's log directory, lock it against a
# second stress run of ARCH (until this script exits), and remove the logs an
# earlier run left there, so that it holds the failures of this run only.
stress_claim_log_dir() {
	local a=$1 dir fd old
	dir=$(stress_log_dir "$a")
	mkdir -p "$dir"
	exec {fd}>"$dir/.$a-stress.lock"
	flock -n "$fd" || die "$a: another stress run keeps its logs in $dir"
	stress_lock_fds+=("$fd")
	old=$(find "$dir" -maxdepth 1 -name "$a-run-*.log" | wc -l)
	if [ "$old" -gt 0 ]; then
		echo "run.sh: $a: removing the $old log(s) of an earlier stress run from $dir"
		find "$dir" -maxdepth 1 -name "$a-run-*.log" -delete
	fi
}

# stress_job ARCH K: run K of ARCH, as a background job, in $work_root/ARCH-K;
# its file "verdict" then holds boot_headless's verdict and the run's seconds.
stress_job() {
	local dir=$work_root/$1-$2 start=$SECONDS fd
	# The log directories' locks are the harness's, not QEMU's to inherit.
	for fd in "${stress_lock_fds[@]}"; do
		exec {fd}>&-
	done
	mkdir "$dir"
	boot_headless "$1" "$selftest_pass_text" "$selftest_fail_pattern" "$dir" 0
	echo "$verdict $((SECONDS - start))" >"$dir/verdict"
}

# stress_collect ARCH K: count the finished run K of ARCH and report it; keep
# its log if it failed and show the cases that failed and the log's end.
stress_collect() {
	local a=$1 k=$2 dir=$work_root/$1-$2 v="" secs=0 status kept cases
	[ -f "$dir/verdict" ] && read -r v secs <"$dir/verdict"
	case "$v" in
	PASS) status=PASS ;;
	TIMEOUT) status=hung ;;
	FAIL) status=FAIL ;;
	*) status="no verdict" ;;
	esac
	[ "$status" = FAIL ] && grep -qsE "$panic_pattern" "$dir/console.log" && status=panic
	stress_status["$a $k"]=$status
	if [ "$status" = PASS ]; then
		stress_passed[$a]=$((stress_passed[$a] + 1))
		echo "run.sh: $a: run $k/$repeat PASS in ${secs} s"
		rm -rf "$dir"
		return 0
	fi
	stress_failed[$a]=$((stress_failed[$a] + 1))
	[ "$status" = hung ] && stress_hung[$a]=$((stress_hung[$a] + 1))
	[ "$status" = panic ] && stress_panicked[$a]=$((stress_panicked[$a] + 1))
	kept=$(stress_log_dir "$a")/$a-run-$k.log
	touch "$dir/console.log"
	mv "$dir/console.log" "$kept"
	rm -rf "$dir"
	# "selftest: SUITE.CASE: FAIL FILE:LINE: ...": the last lines may not show them.
	cases=$(grep -aoE '^selftest: [a-z0-9_]+\.[a-z0-9_]+: FAIL' "$kept" |
		sed 's/^selftest: //; s/: FAIL$//' | paste -sd ' ' -) || true
	stress_cases["$a $k"]=$cases
	{
		case "$status" in
		hung) echo "run.sh: $a: run $k/$repeat hung: no verdict within ${timeout_s} s" ;;
		"no verdict") echo "run.sh: $a: run $k/$repeat: QEMU stopped without a verdict after ${secs} s" ;;
		*) echo "run.sh: $a: run $k/$repeat $status after ${secs} s${cases:+ (failed: $cases)}" ;;
		esac
		echo "run.sh: $a: run $k/$repeat: log kept in $kept; its last 20 lines:"
		# The firmware's terminal escapes and carriage returns are noise here.
		tail -n 20 "$kept" | sed -E 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g; s/^/    /'
	} >&2
}

# run_stress ARCH...: $repeat runs of each ARCH, $max_jobs at a time, in that
# order (with --jobs > 1 the last runs of one architecture overlap the first
# of the next); one summary line per ARCH at the end. Fails if any run failed.
run_stress() {
	local a k next=0 pid failed=0 cases
	local -a queue=()
	for a in "$@"; do
		[ -f "$(builddir_for "$a" "$builddir" "$build_root" "$build_prefix")/kernel.iso" ] ||
			die "$a: no kernel.iso in $(builddir_for "$a" "$builddir" "$build_root" "$build_prefix"): build it first (scripts/build.sh --arch $a --kernel-selftests-autorun)"
		stress_claim_log_dir "$a"
		stress_passed[$a]=0 stress_failed[$a]=0 stress_hung[$a]=0 stress_panicked[$a]=0
		for ((k = 1; k <= repeat; k++)); do
			queue+=("$a $k")
		done
	done
	make_work_root
	trap stress_cleanup EXIT
	echo "run.sh: stress: ${#queue[@]} selftest boot(s) ($repeat of each of: $*), $max_jobs at a time, --timeout ${timeout_s} s each"
	while [ "$next" -lt "${#queue[@]}" ] || [ "${#stress_jobs[@]}" -gt 0 ]; do
		while [ "${#stress_jobs[@]}" -lt "$max_jobs" ] && [ "$next" -lt "${#queue[@]}" ]; do
			# shellcheck disable=SC2086 # "ARCH K" splits into the two arguments
			stress_job ${queue[next]} &
			stress_jobs[$!]=${queue[next]}
			next=$((next + 1))
		done
		pid=""
		wait -n -p pid "${!stress_jobs[@]}" || true
		[ -n "$pid" ] || die "stress: lost track of the running boots"
		# shellcheck disable=SC2086
		stress_collect ${stress_jobs[$pid]}
		unset "stress_jobs[$pid]"
	done
	stress_cleanup
	# The failing runs again, in order, now that the runs' output is behind.
	for a in "$@"; do
		for ((k = 1; k <= repeat; k++)); do
			[ "${stress_status["$a $k"]}" = PASS ] && continue
			cases=${stress_cases["$a $k"]}
			echo "run.sh: $a: run $k/$repeat ${stress_status["$a $k"]}${cases:+ ($cases)}:" \
				"$(stress_log_dir "$a")/$a-run-$k.log"
		done
	done
	for a in "$@"; do
		echo "run.sh: $a: $repeat runs: ${stress_passed[$a]} passed, ${stress_failed[$a]} failed" \
			"(${stress_hung[$a]} hung, ${stress_panicked[$a]} panicked)"
		failed=$((failed + stress_failed[$a]))
	done
	[ "$failed" -eq 0 ]
}
