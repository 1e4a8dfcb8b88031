// The runtime matrix (see matrix.ts): in each runtime, default options encode the PyTorch
// fixture within the project's tolerances, with the kernels the README's runtime table says
// (WebAssembly SIMD with threads where the runtime has them; TypeScript with an explaining
// note in workerd, SIMD again with the shipped kernels.wasm). A runtime whose binary is
// missing here is skipped with the reason printed; .ci/run installs them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLibrary, MATRIX, type BuiltLibrary } from './matrix.js';

let lib: BuiltLibrary | undefined;

test.before(async () => {
  lib = await buildLibrary();
});

test.after(() => lib?.dispose());

for (const runtime of MATRIX) {
  if (runtime.skip) {
    console.log(`runtimes/matrix: skipping ${runtime.name}: ${runtime.skip}`);
    test.skip(runtime.name);
    continue;
  }
  test(`${runtime.name}: encodes the PyTorch fixture`, async () => {
    const result = await runtime.run(lib!);
    assert.equal(result.failures, [], `${runtime.name}: ${result.failures.join('; ')}`);
    assert.match(result.backendInfo, runtime.backend, `${runtime.name} ran ${result.backendInfo}`);
    if (runtime.notes === 'none') assert.equal(result.backendNotes, []);
    else {
      assert.is(result.backendNotes.length, 1);
      assert.match(result.backendNotes[0], /^TypeScript kernels: .*refuses to compile WebAssembly.*splade-ts\/kernels\.wasm.*'wasm-unsafe-eval'/);
    }
  });
}

test.run();
