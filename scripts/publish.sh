#!/usr/bin/env bash
# Builds a self-contained, single-file `passportbot` for linux-x64 into artifacts/linux-x64/.
# The result runs on a machine with no .NET SDK or runtime (it still needs tzdata and libicu, as any
# .NET program using Europe/Rome time and Italian formatting does). Usage: scripts/publish.sh [RID]
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
out="artifacts/$rid"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish src/PassportBot.Cli -c Release -r "$rid" --self-contained true \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
  -p:DebugType=none -o "$out" -nologo -clp:ErrorsOnly
echo "Built $out/passportbot ($(du -h "$out/passportbot" | cut -f1)). Try: $out/passportbot watch --demo --province TO"
