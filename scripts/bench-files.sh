#!/usr/bin/env bash
# Measures the file stores and writes docs/files.md: the throughput of Add
# and of Open + read for the embedded store and a real Kubo node, for files
# of 1 MiB and 32 MiB (internal/files/bench_test.go), and the memory and
# HTTP throughput of 90 MiB uploads through the real server
# (TestE2EUploadMemory in cmd/acanban). About a minute on two cores.
#
#   ./scripts/bench-files.sh             # writes docs/files.md
#   BENCHTIME=6x COUNT=5 OUT=/tmp/f.md ./scripts/bench-files.sh
#
# The Kubo binary is ACANBAN_IPFS_BIN, or the one scripts/kubo.sh builds
# (once, about two minutes; cached after).
set -euo pipefail
cd "$(dirname "$0")/.."

benchtime=${BENCHTIME:-6x}
count=${COUNT:-5}
out=${OUT:-docs/files.md}

if [ -z "${ACANBAN_IPFS_BIN:-}" ]; then
	ACANBAN_IPFS_BIN=$(./scripts/kubo.sh)
fi
export ACANBAN_IPFS_BIN

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)

bench_cmd="go test -run '^\$' -bench . -benchtime $benchtime -count $count ./internal/files/"
echo "bench-files: $bench_cmd" >&2
if ! go test -run '^$' -bench . -benchtime "$benchtime" -count "$count" ./internal/files/ >"$work/bench.txt" 2>&1; then
	cat "$work/bench.txt" >&2
	echo "bench-files: the benchmarks failed" >&2
	exit 1
fi
bench_end=$(date +%s)

e2e_cmd="go test -count=1 -v -run 'TestE2EUploadMemory' ./cmd/acanban/"
echo "bench-files: $e2e_cmd" >&2
if ! go test -count=1 -v -run 'TestE2EUploadMemory' ./cmd/acanban/ >"$work/e2e.txt" 2>&1; then
	cat "$work/e2e.txt" >&2
	echo "bench-files: the upload memory test failed" >&2
	exit 1
fi
end=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
if grep -q -- '--- SKIP' "$work/e2e.txt" || grep -q -- '--- SKIP' "$work/bench.txt"; then
	echo "bench-files: some measures were skipped (no Kubo?): see below" >&2
	grep -h -A2 -- '--- SKIP' "$work/bench.txt" "$work/e2e.txt" >&2
	exit 1
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
kubo_version=$("$ACANBAN_IPFS_BIN" version 2>/dev/null || echo unknown)
fs=$(df -PT "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}')

# median [min–max] of the MB/s of each benchmark, over the -count runs.
stats() {
	awk -v name="$1" '
		$1 ~ "^" name "-[0-9]+$" { for (i = 2; i < NF; i++) if ($(i+1) == "MB/s") v[n++] = $i }
		END {
			if (n == 0) { print "–"; exit }
			for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			m = (n % 2) ? v[int(n/2)] : (v[n/2-1] + v[n/2]) / 2
			printf "%.0f [%.0f–%.0f]", m, v[0], v[n-1]
		}' "$work/bench.txt"
}

# field KEY of the UPLOADMEM line of STORE and PHASE.
upl() {
	sed -n "s/.*UPLOADMEM store=$1 phase=$2 //p" "$work/e2e.txt" | tr ' ' '\n' | sed -n "s/^$3=//p" | head -1
}
mib() { local k; read -r k || true; awk -v k="$k" 'BEGIN { if (k == "") print "–"; else printf "%.1f", k/1024 }'; }

{
	cat <<EOF
# Files: throughput and memory

Measured by \`scripts/bench-files.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), in $((end - start)) s.
Do not edit by hand: run the script again.

## Machine

| | |
| --- | --- |
| CPU | $cpu, $(nproc) cores (\`nproc\`) |
| Memory | $mem |
| Kernel | $(uname -r) |
| Go | $(go version | cut -d' ' -f3-) |
| Kubo | $kubo_version (\`ipfs daemon --offline\`, repository made with \`ipfs init --profile=test\`) |
| File system of the temporary folders | $fs |
| Load average (1, 5, 15 min) | $load_before before, $load_after after |

The load average says whether other work shared the machine: figures
taken under load are lower and vary more.

## Reproduce

\`\`\`sh
export ACANBAN_IPFS_BIN=\$(./scripts/kubo.sh)   # builds Kubo once, then cached
$bench_cmd
$e2e_cmd
# or both, rewriting this file:
./scripts/bench-files.sh
\`\`\`

## Store throughput

\`internal/files/bench_test.go\`: MB/s (10^6 bytes a second) as \`go test -bench\`
reports it, the median of $count runs of $benchtime iterations, [lowest–highest].

- **Add** imports a file: 256 KiB chunks, SHA-256, UnixFS DAG (CIDv1, raw
  leaves). Embedded: every block is written to flatfs and synced to disk
  before Add returns. Kubo: the bytes go over the RPC API
  (\`/api/v0/add?cid-version=1&pin=true\`) and are pinned. Each iteration
  adds new bytes, so no block is skipped as already stored.
- **Open + read** opens the file by CID and reads it to the end. The blocks
  were just written, so they come from the page cache, not from the disk.

| Store | File size | Add (MB/s) | Open + read (MB/s) |
| --- | --- | --- | --- |
EOF
	for store in embedded kubo; do
		for size in 1MiB 32MiB; do
			echo "| $store | ${size/MiB/ MiB} | $(stats "BenchmarkAdd/store=$store/size=$size") | $(stats "BenchmarkOpenRead/store=$store/size=$size") |"
		done
	done
	cat <<EOF

## Uploads through the server

\`TestE2EUploadMemory\` (\`cmd/acanban/e2e_files_test.go\`) runs the real binary
with its default settings (\`-max-upload 100MiB\`), the embedded store or
\`-ipfs-api\` on a Kubo daemon, and uploads a 90 MiB report (generated text,
multipart, streamed by the client) to a project's report tab. It measures
the server process's peak resident memory (\`VmHWM\` in \`/proc/PID/status\`)
just before and just after the upload, after a warm-up (the tab, a 4 KiB
upload and its download), twice:

- **after-register**: the student has just registered, so the peak before
  already includes that password hash (argon2id, 64 MiB).
- **after-restart**: the server has just been restarted on the same data
  folder, the session kept: the only password hash it has done is the one
  at its start.

The test fails if the growth reaches 64 MiB (acceptance 4 of the files
issue). The server runs with \`GODEBUG=gctrace=1\`, which changes nothing
but prints a line per garbage collection: *live heap* is the largest heap
left after one during the upload, which says whether the file is held in
memory (it is not: it is streamed); what the peak grows by beyond it is
garbage that awaits its collection. No collection (0) means the upload
allocated too little to start one.

| Store | Phase | Peak before (MiB) | Peak after (MiB) | Growth (MiB) | GCs | Live heap (MiB) | HTTP upload (MB/s) |
| --- | --- | --- | --- | --- | --- | --- | --- |
EOF
	for store in embedded kubo; do
		for phase in after-register after-restart; do
			echo "| $store | $phase | $(upl $store $phase hwm_before_kib | mib) | $(upl $store $phase hwm_after_kib | mib) | $(upl $store $phase growth_kib | mib) | $(upl $store $phase gcs) | $(upl $store $phase max_live_heap_mib) | $(upl $store $phase upload_mbps) |"
		done
	done
	cat <<EOF

The upload figures are those of one upload each: the client generates the
text and the server stores it on the same two cores, so they are lower
bounds and vary from run to run more than the store figures.

Also measured (after-register phase): downloading the 90 MiB file back,
\`GET /ipfs/{cid}\`, ran at $(upl embedded after-register download_mbps) MB/s (embedded) and
$(upl kubo after-register download_mbps) MB/s (Kubo), the peak then $(upl embedded after-register hwm_after_download_kib | mib) and $(upl kubo after-register hwm_after_download_kib | mib) MiB.
The Kubo daemon's own peak went from $(upl kubo after-restart kubo_hwm_before_kib | mib) to $(upl kubo after-restart kubo_hwm_after_kib | mib) MiB over the test
(it is another process: not counted above).

Uploads of 110 MiB are refused with 413: announced with Content-Length,
before the body is read (and not sent at all with \`Expect: 100-continue\`);
sent chunked, without a length, once the limit is passed. The refused
chunked upload left $(upl embedded after-register refused_disk_kib | mib) MiB of blocks in the embedded store's
data folder ($(upl kubo after-register refused_disk_kib | mib) MiB with Kubo, whose repository is elsewhere).

## Raw output

<details><summary>go test -bench</summary>

\`\`\`
$(grep -E '^(goos|goarch|pkg|cpu|Benchmark|ok|PASS)' "$work/bench.txt")
\`\`\`
</details>

<details><summary>TestE2EUploadMemory</summary>

\`\`\`
$(grep -E 'UPLOADMEM|UPLOADTIME|^(---|ok|PASS)|    --- ' "$work/e2e.txt" | sed 's/^ *//')
\`\`\`
</details>

Benchmarks took $((bench_end - start)) s, the upload test $((end - bench_end)) s.
EOF
} >"$out"
echo "bench-files: wrote $out" >&2
