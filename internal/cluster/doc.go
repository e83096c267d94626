// Package cluster holds the cluster test: three Acanban instances on one
// PostgreSQL database and one Kubo node, behind nginx, started from the
// project's own deploy/ files. scripts/cluster-test.sh runs it; so does
// scripts/test, as part of go test ./...
package cluster
