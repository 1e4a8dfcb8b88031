// A corpus in which two documents share an id: `splade index` and `splade export` refuse the
// vectors of such a corpus (naming both lines), so `splade encode --output` refuses the corpus
// itself, before hours of encoding end in a file neither takes; `splade search --corpus`
// refuses it too, since a hit's id would name two texts. Ids are compared as the index stores
// them (idText: the number 7 is the id "7").
import { SpladeError } from '../../errors.js';
import { idText, repeatedIdMessage } from '../../splade/document-id.js';
import { IdTable } from '../../splade/id-table.js';
import type { CorpusDocument } from './documents.js';

/** A corpus document whose id an earlier document already has. */
export class RepeatedDocumentIdError extends SpladeError {}

/**
 * The ids of a corpus's documents read so far and each one's line. Costs the ids' bytes (up to
 * twice that, as IdTable's buffer doubles) and about 17-35 bytes an id (IdTable's 13-27, and
 * 4-8 for the line: a typed array that doubles as it grows).
 */
export class CorpusIdCheck {
  private readonly ids = new IdTable();
  private lines = new Uint32Array(1024);

  /** @param source the input's name in messages (its path, or `stdin`) */
  constructor(private readonly source: string) {}

  /**
   * Takes the next document (lines ascend).
   * @throws RepeatedDocumentIdError naming both lines when an earlier document has its id;
   *   IdTableFullError when the ids no longer fit in memory
   */
  add(doc: CorpusDocument): void {
    const first = this.ids.addOrFind(idText(doc.id));
    if (first >= 0) throw new RepeatedDocumentIdError(repeatedCorpusIdMessage(this.source, doc.line, doc.id, !doc.idGiven, this.lines[first]));
    const count = this.ids.size;
    if (count > this.lines.length) {
      const grown = new Uint32Array(2 * this.lines.length);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[count - 1] = doc.line;
  }
}

/**
 * repeatedIdMessage, saying when the id is a position the line did not give (a line without an
 * id has its position among the documents as id, which another line may give).
 */
export function repeatedCorpusIdMessage(source: string, line: number, id: string | number, isPosition: boolean, firstLine: number): string {
  if (!isPosition) return repeatedIdMessage(source, line, id, firstLine);
  return `${source} line ${line}: id ${JSON.stringify(idText(id))} (its position: the line gives no id) repeats line ${firstLine}'s`;
}
