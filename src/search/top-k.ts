// The k best (document, score) pairs seen so far: a binary heap whose root is the worst kept.
// Order: higher score first; equal scores, the smaller document number first (so results never
// depend on the order documents were scored in).

/** A document number and its score. */
export interface ScoredDoc {
  readonly doc: number;
  readonly score: number;
}

export class TopK {
  private readonly scores: Float64Array;
  private readonly docs: Uint32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.docs = new Uint32Array(k);
  }

  get full(): boolean {
    return this.size === this.k;
  }

  /** The score to beat once full (-Infinity before). */
  get threshold(): number {
    return this.full ? this.scores[0] : -Infinity;
  }

  /** a is worse than b. */
  private worse(i: number, j: number): boolean {
    return this.scores[i] < this.scores[j] || (this.scores[i] === this.scores[j] && this.docs[i] > this.docs[j]);
  }

  /** Offers a document; it is kept if it beats the worst kept one (or there is room). */
  offer(doc: number, score: number): void {
    if (this.k === 0) return;
    if (this.size < this.k) {
      this.scores[this.size] = score;
      this.docs[this.size] = doc;
      this.up(this.size++);
      return;
    }
    if (score < this.scores[0] || (score === this.scores[0] && doc > this.docs[0])) return;
    this.scores[0] = score;
    this.docs[0] = doc;
    this.down(0);
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = s;
    const d = this.docs[i];
    this.docs[i] = this.docs[j];
    this.docs[j] = d;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < this.size && this.worse(l, worst)) worst = l;
      if (r < this.size && this.worse(r, worst)) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  /** The kept documents, best first. */
  sorted(): ScoredDoc[] {
    const out: ScoredDoc[] = [];
    for (let i = 0; i < this.size; i++) out.push({ doc: this.docs[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }
}
