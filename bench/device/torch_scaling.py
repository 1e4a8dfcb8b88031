#!/usr/bin/env python3
"""Device step 3 (see README.md): PyTorch on workload D at 1, 2, 4, ... threads, the reference
beside splade-ts's bench/scaling.ts in the same run on the same machine.

    OMP_WAIT_POLICY=PASSIVE python3 bench/device/torch_scaling.py INPUTS.json [THREADS,...]

INPUTS.json comes from prepare.ts (the model folder and D's batches). The forward is
test/parity/reference.py's (transformers' computation in plain torch, then SPLADE), one batch
of warm-up, then the batches once, timed. Prints a markdown table.
"""
import json
import os
import sys
import time

import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'test', 'parity'))
from forward_torch import load_model  # noqa: E402
from reference import forward  # noqa: E402


def main():
    inputs_path = sys.argv[1]
    cores = os.cpu_count() or 1
    counts = [int(t) for t in sys.argv[2].split(',')] if len(sys.argv) > 2 else sorted({2 ** i for i in range(cores.bit_length()) if 2 ** i <= cores} | {cores})
    with open(inputs_path) as f:
        inputs = json.load(f)
    cfg, w, decoder = load_model(inputs['model'])
    batches = [torch.tensor(rows, dtype=torch.int64) for rows in inputs['batches']]
    print(f"PyTorch {torch.__version__} on workload D ({inputs['workload']}), {cores} cores, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
    print('| threads | s | speed-up vs the first |')
    print('|---:|---:|---:|')
    first = None
    with torch.no_grad():
        for threads in counts:
            torch.set_num_threads(threads)
            run = lambda ids: forward(cfg, w, decoder, ids, torch.ones_like(ids), torch.zeros_like(ids))  # noqa: E731
            run(batches[0])
            start = time.perf_counter()
            for ids in batches:
                run(ids)
            seconds = time.perf_counter() - start
            first = first or seconds
            print(f'| {threads} | {seconds:.2f} | {first / seconds:.2f}x |', flush=True)


if __name__ == '__main__':
    main()
