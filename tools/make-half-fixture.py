# Regenerates test/fixtures/torch-half-rounding.json: float32 bit patterns and what PyTorch's
# .half() and .bfloat16() make of them, the independent reference for f32ToF16/f32ToBf16.
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/make-half-fixture.py
import json
import numpy as np
import torch

rng = np.random.default_rng(20261125)
parts = [
    rng.integers(0, 2**32, 1500, dtype=np.uint64).astype(np.uint32),  # anything, NaN and Inf included
    # Values in and around float16's range (subnormals to overflow).
    (rng.uniform(-1, 1, 1500) * np.exp2(rng.integers(-26, 17, 1500))).astype(np.float32).view(np.uint32),
]
# Exact ties: a float16 / bfloat16 value plus half an ulp, where round-to-even decides.
f16 = rng.integers(0, 0x7C00, 500, dtype=np.uint16).view(np.float16).astype(np.float32).view(np.uint32)
parts.append(f16 + np.uint32(1 << 12))
bf16 = (rng.integers(0, 0x7F80, 500, dtype=np.uint32) << 16).astype(np.uint32)
parts.append(bf16 + np.uint32(1 << 15))
bits = np.concatenate(parts).astype(np.uint32)

values = torch.from_numpy(bits.view(np.float32).copy())
half = values.half().numpy().view(np.uint16)
bfloat = values.bfloat16().view(torch.int16).numpy().view(np.uint16)
out = {
    'source': f'torch {torch.__version__}: Tensor.half() and Tensor.bfloat16() on CPU',
    'f32': [int(b) for b in bits],
    'f16': [int(b) for b in half],
    'bf16': [int(b) for b in bfloat],
}
with open('test/fixtures/torch-half-rounding.json', 'w') as f:
    json.dump(out, f, separators=(',', ':'))
    f.write('\n')
print(f'{len(bits)} values')
