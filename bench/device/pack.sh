#!/usr/bin/env bash
# Packs what the device run needs into .device/ (git-ignored; the device `run` carries it):
# bench/scaling.ts and prepare.ts bundled into single files, and an xz-compressed Node binary,
# since the device host has Python and torch but no Node. See README.md.
#   bash bench/device/pack.sh          # the `node` on PATH (override: NODE=/path/to/node)
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .device
bundle=(--bundle --platform=node --format=esm --target=node20 --log-level=warning)
node_modules/.bin/esbuild bench/scaling.ts "${bundle[@]}" --outfile=.device/scaling.mjs
node_modules/.bin/esbuild bench/device/prepare.ts "${bundle[@]}" --outfile=.device/prepare.mjs
node=${NODE:-$(command -v node)}
version=$("$node" --version)
if [ "$(cat .device/node.version 2>/dev/null)" != "$version" ]; then
  # -9e: ~30 MB for Node 20, well inside the 64 MiB a device call may carry.
  xz -9e -T0 -c "$node" > .device/node.xz
  echo "$version" > .device/node.version
fi
du -sh .device/*
