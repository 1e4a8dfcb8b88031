// A file in which two lines carry the same document id: each engine would keep both (Qdrant,
// Milvus, the embedded index), keep the last (Elasticsearch, OpenSearch, Vespa) or stop halfway
// (pgvector's PRIMARY KEY), so `splade index` and `splade export` refuse such vectors, `splade
// encode --output` such a corpus, `splade search --query-vectors` such queries, naming both lines.
import { idText, repeatedIdMessage } from './document-id.js';
import { IdTable } from './id-table.js';
import { VectorLineNumbers } from './line-numbers.js';

/**
 * The ids of a file read so far, and the line each came from: IdTable's memory (the ids' bytes
 * and 13-27 bytes an id) and a few bytes a run of blank lines (VectorLineNumbers).
 */
export class RepeatedIdCheck {
  private readonly ids = new IdTable();
  private readonly lines = new VectorLineNumbers();

  constructor(private readonly source: string) {}

  /**
   * Takes the id of the record on `line` (lines ascend; `isPosition`: the line gave none, see
   * repeatedIdMessage). Returns the message that refuses it when an earlier line has the same
   * id, else undefined.
   * @throws IdTableFullError when the ids no longer fit in memory
   */
  repeats(id: string | number, line: number, isPosition = false): string | undefined {
    const first = this.ids.addOrFind(idText(id));
    if (first >= 0) return repeatedIdMessage(this.source, line, id, this.lines.lineOf(first), isPosition);
    this.lines.push(line);
    return undefined;
  }
}
