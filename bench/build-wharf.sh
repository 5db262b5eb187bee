#!/bin/bash
# Builds the wharf CLI of this checkout in Release into a temp folder; prints the path of wharf.dll.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d /tmp/wharf-build-XXXXXX)
dotnet build -c Release "$ROOT/src/Wharf.Cli" -o "$OUT" -v q -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
echo "$OUT/wharf.dll"
