#!/bin/bash
# The mutation check: breaks one feature at a time (tests/mutate/mutations.txt),
# rebuilds, and runs the tests meant to catch it, which must then fail. Works
# on copies of the tree (build/mutate/tree.N), never on the sources themselves:
# one copy per worker, MUTATE_WORKERS of them (2): most of a mutation's time is
# its test waiting on a guest, so two overlap well even on two cores.
#
#   tests/mutate/run.sh [NAME-REGEX]
#   tests/mutate/run.sh --applies   (only: each mutation's text is in its file once)
#
# Prints TAP: "ok" for each mutation a test killed, "not ok" for a survivor
# (or a test that fails even unmutated), then the kill rate.
set -u
cd "$(dirname "$0")/../.."
REPO=$(pwd)
TREES=${REPO}/build/mutate
LIST=${REPO}/tests/mutate/mutations.txt
JOBS=$(nproc 2>/dev/null || echo 2)
WORKERS=${MUTATE_WORKERS:-2}
only=${1:-}
TEST_TIMEOUT=${MUTATE_TEST_TIMEOUT:-600}

# Reads the list into arrays: name, file, from, to, test.
names=() files=() froms=() tos=() tests=()
field=""
while IFS= read -r line || [ -n "${line}" ]; do
	case "${line}" in
	"== "*) names+=("${line#== }") files+=("") froms+=("") tos+=("") tests+=("") field="" ;;
	"file: "*) files[-1]=${line#file: } field="" ;;
	"from: "*) froms[-1]=${line#from: } field=from ;;
	"to: "*) tos[-1]=${line#to: } field=to ;;
	"test: "*) tests[-1]=${line#test: } field="" ;;
	$'\t'*)
		case "${field}" in
		from) froms[-1]+=$'\n'"${line}" ;;
		to) tos[-1]+=$'\n'"${line}" ;;
		esac
		;;
	*) field="" ;;
	esac
done <"${LIST}"

# --applies: a quick check (the lint stage runs it) that no source edit has
# left a mutation with nothing to break, long before the mutation stage.
applies() { # FILE FROM: status 0 if FROM is in FILE exactly once
	FROM=$2 perl -0777 -ne '$n = () = /\Q$ENV{FROM}\E/g; exit($n == 1 ? 0 : 1)' "$1"
}
if [ "${only}" = --applies ]; then
	bad=0
	for i in "${!names[@]}"; do
		applies "${files[i]}" "${froms[i]}" && continue
		echo "not ok - mutation \"${names[i]}\": its from: text is not in ${files[i]} exactly once"
		bad=$((bad + 1))
	done
	[ "${bad}" -eq 0 ] && echo "ok 1 - each of the ${#names[@]} mutations applies to its file"
	echo "1..1"
	[ "${bad}" -eq 0 ]
	exit
fi

# A fresh copy of what git knows of the tree (committed or not), and its
# build; the other workers' trees are copies of it, build included.
rm -rf "${TREES}"
TREE0=${TREES}/tree.0
mkdir -p "${TREE0}"
git ls-files -co --exclude-standard -z | grep -zv '^build/' | tar -c --null -T - | tar -x -C "${TREE0}"
build() { # TREE
	make -C "$1" -j"${JOBS}" all unit-bins kit >"$1/build.log" 2>&1
}
if ! build "${TREE0}"; then
	tail -20 "${TREE0}/build.log"
	echo "not ok 1 - the unmutated tree does not build"
	exit 1
fi
for ((w = 1; w < WORKERS; w++)); do
	cp -a "${TREE0}" "${TREES}/tree.${w}"
done
export XLU_DUMP="${REPO}/build/obj/tests/diff/xlu_dump"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

# Ends what a killed test left running: only processes of that tree's binaries.
end_tree_processes() { # TREE
	local exe pid
	for exe in /proc/[0-9]*/exe; do
		pid=${exe#/proc/}
		pid=${pid%/exe}
		case "$(readlink "${exe}" 2>/dev/null)" in "$1"/*) kill -9 "${pid}" 2>/dev/null ;; esac
	done
}

run_test() { # TREE COMMAND: status 0 if the tests pass
	local status
	(cd "$1" && XLC="$1/build/xlc" timeout -s KILL "${TEST_TIMEOUT}" bash -c "$2") \
		>"$1/test.log" 2>&1
	status=$?
	end_tree_processes "$1"
	return "${status}"
}

# Each test command passes on the unmutated tree, or its kills mean nothing:
# all of them run first, on the unmutated build.
declare -A baseline baseline_log
for i in "${!names[@]}"; do
	[ -n "${only}" ] && ! [[ "${names[i]}" =~ ${only} ]] && continue
	t=${tests[i]}
	[ -n "${baseline[${t}]:-}" ] && continue
	SECONDS=0
	run_test "${TREE0}" "${t}" && baseline[${t}]=pass || baseline[${t}]=fail
	echo "# baseline ${SECONDS} s: ${t}"
	baseline_log[${t}]=$(tail -15 "${TREE0}/test.log")
done

# The mutations to run, numbered as they will be reported.
chosen=()
for i in "${!names[@]}"; do
	[ -n "${only}" ] && ! [[ "${names[i]}" =~ ${only} ]] && continue
	chosen+=("${i}")
done

# mutate TREE N I: applies mutation I in TREE, builds, runs its test, puts the
# tree back; prints its TAP line and says "killed" or "survived" on fd 3.
mutate() {
	local tree=$1 n=$2 i=$3 t=${tests[$3]} src="$1/${files[$3]}"
	if [ "${baseline[${t}]}" = fail ]; then
		echo "not ok ${n} - ${names[i]}: its test fails without the mutation: ${t}"
		sed 's/^/# /' <<<"${baseline_log[${t}]}"
		echo survived >&3
		return
	fi
	cp "${src}" "${src}.orig"
	if ! FROM=${froms[i]} TO=${tos[i]} perl -0777 -pi -e \
		'$n = () = /\Q$ENV{FROM}\E/g; die "the text is there $n times\n" if $n != 1;
		 s/\Q$ENV{FROM}\E/$ENV{TO}/' "${src}"; then
		echo "not ok ${n} - ${names[i]}: cannot apply it to ${files[i]}"
		mv "${src}.orig" "${src}"
		echo survived >&3
		return
	fi
	SECONDS=0
	if ! build "${tree}"; then
		echo "ok ${n} - ${names[i]}: killed by the compiler (${SECONDS} s)"
		echo killed >&3
	elif run_test "${tree}" "${t}"; then
		echo "not ok ${n} - ${names[i]}: survived ${t} (${SECONDS} s)"
		echo survived >&3
	else
		echo "ok ${n} - ${names[i]}: killed by ${t} (${SECONDS} s)"
		echo killed >&3
	fi
	mv "${src}.orig" "${src}"
	touch "${src}" # the next build (the next mutation's) sees the original again
}

# Worker W takes every WORKERS-th mutation from the W-th on, in its own tree.
# Lines are printed as they come (TAP numbers, not order, say which is which).
verdicts=$(mktemp)
trap 'rm -f "${verdicts}"' EXIT
worker() { # W
	local k
	for ((k = $1; k < ${#chosen[@]}; k += WORKERS)); do
		mutate "${TREES}/tree.$1" $((k + 1)) "${chosen[k]}"
	done 3>>"${verdicts}"
}
for ((w = 0; w < WORKERS; w++)); do
	worker "${w}" &
done
wait
total=${#chosen[@]}
killed=$(grep -c '^killed$' "${verdicts}")
survived=$(grep -c '^survived$' "${verdicts}")
build "${TREE0}" >/dev/null 2>&1
echo "1..${total}"
echo "# mutations killed: ${killed} of ${total} ($((total ? 100 * killed / total : 0)) %)"
[ "${survived}" -eq 0 ] && [ $((killed + survived)) -eq "${total}" ]
