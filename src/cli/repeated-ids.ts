// A vectors file in which two lines carry the same document id: each engine would keep both
// (Qdrant, Milvus, the embedded index), keep the last (Elasticsearch, OpenSearch, Vespa) or
// stop halfway (pgvector's PRIMARY KEY), so `splade index` and `splade export` refuse it,
// naming both lines.
import { idText, repeatedIdMessage } from '../splade/document-id.js';
import { IdTable } from '../splade/id-table.js';
import { VectorLineNumbers } from './line-numbers.js';

/** The ids of a vectors file read so far, and the line each came from (see IdTable for the memory). */
export class RepeatedIdCheck {
  private readonly ids = new IdTable();
  private readonly lines = new VectorLineNumbers();

  constructor(private readonly source: string) {}

  /**
   * Takes the id of the vector on `line` (lines ascend). Returns the message that refuses it
   * when an earlier line has the same id, else undefined.
   * @throws IdTableFullError when the ids no longer fit in memory
   */
  repeats(id: string | number, line: number): string | undefined {
    const first = this.ids.addOrFind(idText(id));
    if (first >= 0) return repeatedIdMessage(this.source, line, id, this.lines.lineOf(first));
    this.lines.push(line);
    return undefined;
  }
}
