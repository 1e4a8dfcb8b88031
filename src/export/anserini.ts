// Anserini: JsonVectorCollection lines {"id", "contents", "vector": {token: int}} for
// `IndexCollection -collection JsonVectorCollection -impact -pretokenized`: each weight is
// quantized to round(w x scale) (scale 100, as in Anserini's SPLADE regressions) and terms
// that round to 0 are left out. Anserini reads a folder of such files (-input DIR).
import { ExportError, type ExportFormat, type ExportWriter } from './format.js';
import { roundHalfEven } from './numbers.js';
import { requireVocabulary, tokenOf } from './weights.js';

export const anserini: ExportFormat = {
  name: 'anserini',
  summary: 'JsonVectorCollection lines, weights round(w x --scale) for -impact -pretokenized (needs --model)',
  needsVocabulary: true,
  create(options): ExportWriter {
    const scale = options.scale ?? 100;
    if (!Number.isFinite(scale) || scale <= 0) throw new ExportError(`--scale must be a positive number, got ${scale}`);
    const vocabulary = requireVocabulary(options.vocabulary, 'anserini');
    return {
      header: () => '',
      add(record) {
        const { indices, values } = record.vector;
        const cells: string[] = [];
        for (let k = 0; k < indices.length; k++) {
          if (values[k] < 0) throw new ExportError(`${record.where}: term ${indices[k]} has weight ${values[k]}; impact indexes take only positive weights`);
          const impact = roundHalfEven(values[k] * scale);
          if (impact > 0) cells.push(`${JSON.stringify(tokenOf(vocabulary, indices[k], record))}:${impact}`);
        }
        return `{"id":${JSON.stringify(String(record.id))},"contents":"","vector":{${cells.join(',')}}}\n`;
      },
      finish: () => '',
    };
  },
};
