// The fixed sinusoidal position table of DistilBERT's `sinusoidal_pos_embds`, computed as
// transformers' create_sinusoidal_embeddings does: in float64, then rounded to float32.
import { Tensor } from '../../tensor/tensor.js';

/**
 * [positions, dim]: row p, column j is sin(p / 10000^(2⌊j/2⌋/dim)) for even j and cos(...)
 * for odd j.
 */
export function sinusoidalPositionTable(positions: number, dim: number, name: string): Tensor {
  const data = new Float32Array(positions * dim);
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < dim; j++) {
      const angle = p / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      data[p * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return new Tensor([positions, dim], data, name);
}
