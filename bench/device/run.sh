#!/usr/bin/env bash
# Runs on the device (see README.md): workload D through splade-ts at 1, 2, 4, ... threads up to
# the core count (bench/scaling.ts, bundled), then PyTorch at the same thread counts on the
# same machine. Outputs go to $OUT (the device's folder that comes back).
#   THREADS=1,2,4,8,16 RUNS=1 PYTHON=python3 bash bench/device/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/splade-device}
mkdir -p "$out"
python=${PYTHON:-python3}
node=/tmp/splade-node/node
if [ ! -x "$node" ]; then
  mkdir -p /tmp/splade-node
  # xz where it is installed, else Python's lzma (the device host has Python).
  if command -v xz >/dev/null; then xz -dc .device/node.xz > "$node"
  else "$python" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' .device/node.xz "$node"; fi
  chmod +x "$node"
fi
{ echo "node $("$node" --version), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"; } | tee "$out/machine.txt"
"$node" .device/prepare.mjs /tmp/splade-device-d.json | tee "$out/prepare.txt"
"$node" .device/scaling.mjs --runs "${RUNS:-1}" ${THREADS:+--threads "$THREADS"} 2>&1 | tee "$out/scaling.txt"
OMP_WAIT_POLICY=PASSIVE "$python" bench/device/torch_scaling.py /tmp/splade-device-d.json ${THREADS:+"$THREADS"} 2>&1 | tee "$out/torch.txt"
