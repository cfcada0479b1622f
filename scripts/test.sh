#!/usr/bin/env bash
# Builds the solution and runs every test project; prints one closing line
# "N passed, N failed, N skipped" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet test Melm.sln --nologo \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" 2>&1 | grep -vE '^\s+Passed |^\s*$'
status=${PIPESTATUS[0]}

count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
# VSTest's TRX leaves notExecuted at 0 for skipped tests: they are the ones total counts but executed does not.
passed=$(count passed); failed=$(count failed); skipped=$(( $(count total) - $(count executed) ))
if [ "${skipped:-0}" -gt 0 ]; then
  echo "Skipped tests, by reason:"
  # Each skipped result's <Message> holds its reason (e.g. which ../shared path is absent).
  cat "$results"/*.trx | awk '/outcome="NotExecuted"/ { skip = 1 } skip && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); print; skip = 0 }' |
    sort | uniq -c | sed 's/^/  /'
fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
