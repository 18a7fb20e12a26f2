#!/usr/bin/env bash
# Runs the PassportBot benchmark harness in Release mode: bench/run.sh [2a|2b|2c|2d|3a|3b|3c|7a|7b|embedded|scale-out|filtered|channels|all]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
# Connection strings of the local RabbitMQ / MariaDB / PostgreSQL (127.0.0.1) for the scale-out scenarios.
if [[ -x "$root/scripts/services.sh" ]]; then source <("$root/scripts/services.sh" --env); fi
# The scale-out role processes run the built executable; build it (and the bench) in Release first.
dotnet build -c Release "$root/src/PassportBot.Cli/PassportBot.Cli.csproj" -nologo -v q -clp:ErrorsOnly
exec dotnet run -c Release --project "$here/PassportBot.Bench" -- "${@:-all}"
