// A document's id as JSON lines carry it: a string, or a number. A number outside ±(2^53 - 1) has already
// been rounded by JSON.parse (12345678901234567891 reads as 12345678901234567000), so it would
// travel on as another document's id without a word: the readers of corpus and vector lines
// refuse it with this message and ask for a string.

/**
 * Why `id` cannot be kept as the number it was written as, or undefined when it can.
 * @param field the field that carried it, for the message (`_id` in BEIR's lines)
 */
export function roundedIdProblem(id: string | number, field = 'id'): string | undefined {
  if (typeof id === 'number' && Math.abs(id) > Number.MAX_SAFE_INTEGER) {
    return `"${field}" ${id} is a number outside ±(2^53 - 1), which JSON readers round: write it as a string`;
  }
  return undefined;
}

/**
 * The id as the index and every engine export store it: text, a number as its decimal text
 * (JavaScript's, which JSON's 7, 7.0 and 7e0 all read as). So the ids 7 and "7" are one document.
 */
export function idText(id: string | number): string {
  return String(id);
}

/**
 * `vectors.jsonl line 17: id "d3" repeats line 4's`, and why a number id may repeat a text one:
 * the one wording of a repeated id, for the vectors `splade index` reads and the corpus
 * `splade search --corpus` and `splade encode` read. `isPosition`: the line gave no id, its
 * position among the documents is its id (which another line may give).
 */
export function repeatedIdMessage(source: string, line: number, id: string | number, firstLine: number, isPosition = false): string {
  if (isPosition) return `${source} line ${line}: id ${JSON.stringify(idText(id))} (its position: the line gives no id) repeats line ${firstLine}'s`;
  const number = typeof id === 'number' ? ` (the number ${id} is the id ${JSON.stringify(idText(id))}: ids are stored as text)` : '';
  return `${source} line ${line}: id ${JSON.stringify(idText(id))} repeats line ${firstLine}'s${number}`;
}
