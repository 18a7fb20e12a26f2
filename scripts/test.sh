#!/usr/bin/env bash
# The one command that runs every test: makes sure the servers the tests need answer (as root it installs them
# from Debian packages when missing and starts them on 127.0.0.1; as a normal user it uses running ones, see
# scripts/services.sh), builds, runs all test projects, and prints the totals as a plain "N passed, F failed"
# line. Exit code: non-zero if anything failed or did not run. Extra arguments go to `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/services.sh || { echo "Could not start the test services." >&2; exit 1; }
source <(bash scripts/services.sh --env)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
dotnet build PassportBot.slnx -c Release -nologo -clp:ErrorsOnly 2>&1 | tee "$log"
build=${PIPESTATUS[0]}
if [ "$build" != "0" ]; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

# Phase 1: every test project in parallel, except the tests that restart the shared servers.
dotnet test PassportBot.slnx -c Release --no-build -nologo --filter "Category!=ServerRestart" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Phase 2: the broker and database restart scenarios, alone, so they disturb no other test. They stop and start
# the local servers, which only root may do; as a normal user they are reported as not run (never as passed).
restarts_run=1
if [ "$(id -u)" = "0" ]; then
  dotnet test tests/PassportBot.ScaleOut.Tests -c Release --no-build -nologo --filter "Category=ServerRestart" "$@" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" = "0" ] || status=1
else
  restarts_run=0
  echo "Not run: the server-restart scenarios (tests/PassportBot.ScaleOut.Tests, Category=ServerRestart) restart the local servers and need root."
fi

# One summary line per test assembly and phase: "Passed!  - Failed:     0, Passed:    57, Skipped:     0, Total:    57, ..."
read -r failed passed skipped assemblies < <(grep -aE '^(Passed|Failed)!  - Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3; n++} END {print f+0, p+0, s+0, n+0}')
rm -f "$log"
expected=$(( $(ls -d tests/*Tests | wc -l) + restarts_run ))
if [ "$assemblies" -lt "$expected" ]; then
  echo "Only $assemblies of $expected test runs reported results (a test host crashed or a project did not run)."
  failed=$((failed + expected - assemblies))
  status=1
fi
echo
echo "Test runs (assemblies × phases): $assemblies, skipped tests: $skipped"
echo "$passed passed, $failed failed"
[ "$status" = "0" ] && [ "$failed" = "0" ]
