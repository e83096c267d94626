#!/usr/bin/env bash
# The cluster test alone: PostgreSQL, a Kubo node, three Acanban instances
# started with deploy/systemd/acanban@.service's command, and nginx with
# deploy/nginx/acanban.conf; it prints how many requests each instance
# served. scripts/test runs it too, with every other test.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/services.sh
. scripts/services.sh
ensure_chromium
ensure_kubo
ensure_postgres
ensure_nginx
go test -count=1 -v -run 'TestCluster' ./internal/cluster/
