#!/bin/bash
# API benchmark (single-submit latency from 16 concurrent clients, bulk throughput) on SQLite and PostgreSQL, with
# what it needs: wrk (the load generator) and PostgreSQL's server binaries, installed through apt-get when missing
# (as root), and a Release build of this checkout's CLI. Arguments go to `Wharf.Bench.Server api`.
#   bench/api.sh [--stores sqlite,postgres] [--client wrk|dotnet] [--seconds 5] [--limits off]   (env: WHARF_DLL)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
need=()
command -v wrk >/dev/null || need+=(wrk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y "${need[@]}" >/tmp/wharf-bench-apt.log 2>&1 \
    || { apt-get update >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y "${need[@]}" >/tmp/wharf-bench-apt.log 2>&1; } \
    || { cat /tmp/wharf-bench-apt.log; exit 1; }
fi
WHARF_DLL=${WHARF_DLL:-$("$ROOT/bench/build-wharf.sh")}
exec dotnet run -c Release --project "$ROOT/bench/Wharf.Bench.Server" -- api --wharf "$WHARF_DLL" "$@"
