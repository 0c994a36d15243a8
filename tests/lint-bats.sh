#!/bin/bash
# Checks the bats suites for assertions that cannot fail. Under bats (set -e)
# a command negated with `!`, or the left side of `&&`, never fails a test
# when it fails:
#   ! grep -q x log          # passes whether or not log has x (unless last)
#   [ "$a" = 1 ] && [ "$b" = 2 ]   # passes when a is not 1
# Write `run grep -q x log; [ "$status" -ne 0 ]`, and one assertion per line.
# Prints each offending line as file:line and exits 1 if there is one.
set -u
cd "$(dirname "$0")/bats"
awk '
	FNR == 1 { in_test = 0; pending = "" }
	/^@test / { in_test = 1; next }
	in_test && /^}/ { in_test = 0; pending = ""; next }
	!in_test { next }
	/^[[:space:]]*$/ { next }
	{
		# A negated line is fine only as the test'"'"'s last command.
		if (pending != "") { print pending; bad = 1; pending = "" }
		if ($0 ~ /^[[:space:]]*! /)
			pending = FILENAME ":" FNR ": a negated command that is not the last line: " $0
		if ($0 ~ /\]\]? && \[\[? / && $0 !~ /\|\|/) {
			print FILENAME ":" FNR ": an assertion on the left of &&: " $0
			bad = 1
		}
	}
	END { exit bad }
' ./*.bats
status=$?
if [ "${status}" -eq 0 ]; then
	echo "ok 1 - bats suites: every assertion can fail"
else
	echo "not ok 1 - bats suites: assertions that cannot fail (above)"
fi
echo "1..1"
exit "${status}"
