#!/usr/bin/env bash
# Measures every figure of docs/performance.md in one run and writes the raw
# results, with the machine they were taken on, to docs/performance-run.md.
# About ten minutes on two cores. USERS and DURATION shrink it for a try:
#   USERS=100 DURATION=10s ./scripts/perf.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
ensure_chromium >/dev/null
ensure_kubo
ensure_postgres
ensure_nginx

users=${USERS:-1000}
duration=${DURATION:-60s}
work=$(mktemp -d)
out=docs/performance-run.md
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/acanban" ./cmd/acanban
go build -o "$work/acanban-load" ./cmd/acanban-load
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
serve() { # serve DIR [flags]: start a server, print its URL
	local p
	p=$(port)
	"$work/acanban" -listen "127.0.0.1:$p" -data "$1" -log-level warn "${@:2}" >"$1.log" 2>&1 &
	for _ in $(seq 50); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.1; done
	echo "http://127.0.0.1:$p"
}

{
	echo "# Performance run"
	echo
	echo "Written by \`scripts/perf.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit. The reading of"
	echo "these figures, target by target, is in docs/performance.md."
	echo
	echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
	echo "- Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "- $(go version)"
	echo "- Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
} >"$out"

section() { printf '\n## %s\n\n```\n' "$1" >>"$out"; }
endsection() { printf '```\n' >>"$out"; }

echo "perf: benchmarks" >&2
section "Benchmarks (go test -bench)"
go test -run '^$' -bench 'Board|TaskPage|Dashboard|Landing|Growth' -benchtime 20x ./internal/web 2>&1 | grep -E '^Benchmark' >>"$out"
go test -run '^$' -bench . -benchtime 200x ./internal/markdown 2>&1 | grep -E '^Benchmark' >>"$out"
go test -run '^$' -bench . -benchtime 2000x ./internal/auth ./internal/domain 2>&1 | grep -E '^Benchmark' >>"$out"
go test -run '^$' -bench WriteSync -benchtime 2s ./internal/store/sqlite 2>&1 | grep -E '^Benchmark' >>"$out"
endsection

echo "perf: $users users for $duration on one instance" >&2
url=$(serve "$work/one")
section "$users users, $duration, one instance, embedded stores (target 1)"
"$work/acanban-load" -target "$url" -users "$users" -duration "$duration" -think 1s 2>/dev/null >>"$out" || true
endsection

echo "perf: saturation" >&2
url=$(serve "$work/sat" -bench-routes)
"$work/acanban-load" -target "$url" -users 5 -projects 1 -tasks 50 -setup-only >/dev/null 2>&1
section "Saturation, board of 50 tasks against a fixed byte slice (target 2)"
"$work/acanban-load" -target "$url" -users 5 -projects 1 -skip-setup -saturate /p/1/tasks,/bench/bytes \
	-connections 64 -duration 10s 2>/dev/null >>"$out"
endsection

echo "perf: live streams" >&2
section "1000 open live streams (target 4)"
go test -count=1 -v -run TestE2EManyLiveStreams ./cmd/acanban/ 2>&1 | grep -E 'STREAMS|--- ' >>"$out"
endsection

echo "perf: the cluster" >&2
section "$users users, $duration, nginx, three instances, PostgreSQL, Kubo (target 3)"
ACANBAN_CLUSTER_LOAD="$users,$duration" go test -count=1 -v -timeout 30m -run 'TestClusterLoad' ./internal/cluster/ 2>&1 |
	grep -vE '^(=== |PASS|ok )' >>"$out"
endsection

echo "- Load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
echo "perf: wrote $out" >&2
