// A corpus in which two documents share an id: `splade index` and `splade export` refuse the
// vectors of such a corpus (naming both lines), so `splade encode --output` refuses the corpus
// itself, before hours of encoding end in a file neither takes. Ids are compared as the index
// stores them (idText: the number 7 is the id "7"); the check is the one index and export use.
import { SpladeError } from '../../errors.js';
import { RepeatedIdCheck } from '../../splade/repeated-ids.js';
import type { CorpusDocument } from './documents.js';

/** A corpus document whose id an earlier document already has. */
export class RepeatedDocumentIdError extends SpladeError {}

/** The ids of a corpus's documents read so far (memory: see RepeatedIdCheck). */
export class CorpusIdCheck {
  private readonly ids: RepeatedIdCheck;

  /** @param source the input's name in messages (its path, or `stdin`) */
  constructor(source: string) {
    this.ids = new RepeatedIdCheck(source);
  }

  /**
   * Takes the next document (lines ascend).
   * @throws RepeatedDocumentIdError naming both lines when an earlier document has its id;
   *   IdTableFullError when the ids no longer fit in memory
   */
  add(doc: CorpusDocument): void {
    const repeated = this.ids.repeats(doc.id, doc.line, !doc.idGiven);
    if (repeated !== undefined) throw new RepeatedDocumentIdError(repeated);
  }
}
