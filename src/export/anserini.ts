// Anserini, both sides of an impact index built with `-impact -pretokenized`. Each weight is
// quantized to round(w x scale) (scale 100, as in Anserini's SPLADE regressions) and terms that
// round to 0 are left out.
// - documents: JsonVectorCollection lines {"id", "contents", "vector": {token: int}} for
//   `IndexCollection -collection JsonVectorCollection` (Anserini reads a folder of such files);
// - queries: topics as Anserini's own SPLADE topic files hold them, `qid<TAB>tokens`, each
//   token repeated as many times as its integer weight (the pretokenized query's term
//   frequencies are the weights), for `SearchCollection -topicReader TsvString` (or TsvInt
//   when every id is a number). A query with no term left is not written (see below).
import { ExportError, type ExportFormat, type ExportOptions, type ExportRecord, type ExportWriter, type Vocabulary } from './format.js';
import { roundHalfEven } from './numbers.js';
import { requireVocabulary, tokenOf } from './weights.js';

/** The --scale in effect (default 100). */
function scaleOf(options: ExportOptions): number {
  const scale = options.scale ?? 100;
  if (!Number.isFinite(scale) || scale <= 0) throw new ExportError(`--scale must be a positive number, got ${scale}`);
  return scale;
}

/**
 * White space as Java's Character.isWhitespace sees it, which Lucene's WhitespaceAnalyzer
 * (what `-pretokenized` selects, Anserini IndexCollection.java) splits on: JavaScript's \s
 * plus the separators U+001C..U+001F (\s also holds no-break spaces, which Java keeps: a
 * token with one is refused though Lucene would not split it).
 */
const JAVA_WHITESPACE = /[\s\u001c-\u001f]/;

/**
 * The record's terms as [token, round(w x scale)], those that round to 0 left out. Anserini
 * turns both documents (JsonVectorCollection.java: each key appended `cnt` times, joined by
 * spaces) and TSV queries into text that the WhitespaceAnalyzer splits again, so a token with
 * white space in it would become several terms: it is refused.
 */
function impacts(record: ExportRecord, vocabulary: Vocabulary, scale: number): Array<[string, number]> {
  const { indices, values } = record.vector;
  const out: Array<[string, number]> = [];
  for (let k = 0; k < indices.length; k++) {
    if (values[k] < 0) throw new ExportError(`${record.where}: term ${indices[k]} has weight ${values[k]}; impact indexes take only positive weights`);
    const impact = roundHalfEven(values[k] * scale);
    if (impact <= 0) continue;
    const token = tokenOf(vocabulary, indices[k], record);
    if (JAVA_WHITESPACE.test(token)) throw new ExportError(`${record.where}: token ${JSON.stringify(token)} holds white space, which Anserini's pretokenized (whitespace) analysis would split`);
    out.push([token, impact]);
  }
  return out;
}

export const anserini: ExportFormat = {
  name: 'anserini',
  summary: 'JsonVectorCollection lines, weights round(w x --scale) for -impact -pretokenized (needs --model)',
  needsVocabulary: true,
  create(options): ExportWriter {
    const scale = scaleOf(options);
    const vocabulary = requireVocabulary(options.vocabulary, 'anserini');
    return {
      header: () => '',
      add(record) {
        const cells = impacts(record, vocabulary, scale).map(([token, impact]) => `${JSON.stringify(token)}:${impact}`);
        return `{"id":${JSON.stringify(String(record.id))},"contents":"","vector":{${cells.join(',')}}}\n`;
      },
      finish: () => '',
    };
  },
};

export const anseriniTopics: ExportFormat = {
  name: 'anserini-topics',
  summary: 'query vectors as Anserini topics: id TAB each token round(w x --scale) times (needs --model)',
  needsVocabulary: true,
  create(options): ExportWriter {
    const scale = scaleOf(options);
    const vocabulary = requireVocabulary(options.vocabulary, 'anserini-topics');
    return {
      header: () => '',
      add(record) {
        const id = String(record.id);
        if (/[\t\r\n]/.test(id)) throw new ExportError(`${record.where}: id ${JSON.stringify(id)} holds a tab or line break, which a TSV topic line cannot`);
        const words: string[] = [];
        for (const [token, impact] of impacts(record, vocabulary, scale)) {
          for (let n = 0; n < impact; n++) words.push(token);
        }
        // Anserini's TsvStringTopicReader trims the line and reads split("\t")[1]: `id<TAB>`
        // with no words loses its tab and stops SearchCollection with an index error. A query
        // with no term that rounds above 0 would match nothing anyway, so it is left out (a
        // run without it is what trec_eval expects of a query that retrieves nothing).
        if (words.length === 0) return '';
        return `${id}\t${words.join(' ')}\n`;
      },
      finish: () => '',
    };
  },
};
