#!/usr/bin/env bash
# Builds Kubo (the ipfs daemon) from the Go module proxy, once, and prints
# the path of its binary. A second run finds the cached binary at once.
#
# go install github.com/ipfs/kubo/cmd/ipfs@v0.43.1 is refused (kubo's go.mod
# has replace directives) and its replace points at a go-libp2p fork that the
# proxy does not serve. So: copy the module, drop that replace, take the
# released go-libp2p v0.52.0, and build cmd/ipfs.
set -euo pipefail

version=v0.43.1
libp2p=v0.52.0
cache="${ACANBAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/acanban}"
dir="$cache/kubo-$version"
bin="$dir/ipfs"
if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

src=$(go mod download -json "github.com/ipfs/kubo@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "kubo.sh: could not download github.com/ipfs/kubo@$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$src"/. "$work"
chmod -R u+w "$work"
cd "$work"
sed -i '/^replace github.com\/libp2p\/go-libp2p /d' go.mod
echo "kubo.sh: building ipfs $version (about two minutes on two cores)" >&2
GOFLAGS=-mod=mod go get "github.com/libp2p/go-libp2p@$libp2p" >&2
mkdir -p "$dir"
GOFLAGS=-mod=mod go build -trimpath -o "$bin.tmp" ./cmd/ipfs >&2
mv "$bin.tmp" "$bin"
echo "$bin"
