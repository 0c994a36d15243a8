#!/bin/bash
# The mutation check: breaks one feature at a time (tests/mutate/mutations.txt),
# rebuilds, and runs the tests meant to catch it, which must then fail. Works
# on a copy of the tree (build/mutate/tree), never on the sources themselves.
#
#   tests/mutate/run.sh [NAME-REGEX]
#   tests/mutate/run.sh --applies   (only: each mutation's text is in its file once)
#
# Prints TAP: "ok" for each mutation a test killed, "not ok" for a survivor
# (or a test that fails even unmutated), then the kill rate.
set -u
cd "$(dirname "$0")/../.."
REPO=$(pwd)
TREE=${REPO}/build/mutate/tree
LIST=${REPO}/tests/mutate/mutations.txt
JOBS=$(nproc 2>/dev/null || echo 2)
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

# A fresh copy of what git knows of the tree (committed or not), and its build.
rm -rf "${TREE}"
mkdir -p "${TREE}"
git ls-files -co --exclude-standard -z | grep -zv '^build/' | tar -c --null -T - | tar -x -C "${TREE}"
build() {
	make -C "${TREE}" -j"${JOBS}" all unit-bins kit >"${TREE}/build.log" 2>&1
}
if ! build; then
	tail -20 "${TREE}/build.log"
	echo "not ok 1 - the unmutated tree does not build"
	exit 1
fi
export XLC="${TREE}/build/xlc"
export XLU_DUMP="${REPO}/build/obj/tests/diff/xlu_dump"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

# Ends what a killed test left running: only processes of this tree's binaries.
end_tree_processes() {
	local exe pid
	for exe in /proc/[0-9]*/exe; do
		pid=${exe#/proc/}
		pid=${pid%/exe}
		case "$(readlink "${exe}" 2>/dev/null)" in "${TREE}"/*) kill -9 "${pid}" 2>/dev/null ;; esac
	done
}

run_test() { # command: status 0 if the tests pass
	local status
	(cd "${TREE}" && timeout -s KILL "${TEST_TIMEOUT}" bash -c "$1") >"${TREE}/test.log" 2>&1
	status=$?
	end_tree_processes
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
	run_test "${t}" && baseline[${t}]=pass || baseline[${t}]=fail
	echo "# baseline ${SECONDS} s: ${t}"
	baseline_log[${t}]=$(tail -15 "${TREE}/test.log")
done

n=0 killed=0 survived=0 total=0
for i in "${!names[@]}"; do
	[ -n "${only}" ] && ! [[ "${names[i]}" =~ ${only} ]] && continue
	total=$((total + 1))
	t=${tests[i]}
	n=$((n + 1))
	if [ "${baseline[${t}]}" = fail ]; then
		echo "not ok ${n} - ${names[i]}: its test fails without the mutation: ${t}"
		sed 's/^/# /' <<<"${baseline_log[${t}]}"
		survived=$((survived + 1))
		continue
	fi
	src="${TREE}/${files[i]}"
	cp "${src}" "${src}.orig"
	if ! FROM=${froms[i]} TO=${tos[i]} perl -0777 -pi -e \
		'$n = () = /\Q$ENV{FROM}\E/g; die "the text is there $n times\n" if $n != 1;
		 s/\Q$ENV{FROM}\E/$ENV{TO}/' "${src}"; then
		echo "not ok ${n} - ${names[i]}: cannot apply it to ${files[i]}"
		mv "${src}.orig" "${src}"
		survived=$((survived + 1))
		continue
	fi
	SECONDS=0
	if ! build; then
		echo "ok ${n} - ${names[i]}: killed by the compiler (${SECONDS} s)"
		killed=$((killed + 1))
	elif run_test "${t}"; then
		echo "not ok ${n} - ${names[i]}: survived ${t} (${SECONDS} s)"
		survived=$((survived + 1))
	else
		echo "ok ${n} - ${names[i]}: killed by ${t} (${SECONDS} s)"
		killed=$((killed + 1))
	fi
	mv "${src}.orig" "${src}"
	touch "${src}" # the next build (the next mutation's) sees the original again
done
build >/dev/null 2>&1
echo "1..${n}"
echo "# mutations killed: ${killed} of ${total} ($((total ? 100 * killed / total : 0)) %)"
[ "${survived}" -eq 0 ]
