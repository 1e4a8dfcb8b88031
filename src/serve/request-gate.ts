// Admission and order of the server's work. Requests are let in up to a limit
// (text-embeddings-inference's max_concurrent_requests: beyond it, 429 Overloaded), and their
// encodes run one after another, in arrival order: the backend's threads already share each
// pass's work, so passes side by side would gain no speed, only hold several passes'
// activations in memory at once and finish every request late instead of the first early.
import { HttpError } from './http-error.js';

export class RequestGate {
  private inFlight = 0;
  private last: Promise<unknown> = Promise.resolve();

  /** @param limit requests let in at once (waiting or running) */
  constructor(readonly limit: number) {}

  /**
   * Lets a request in; returns what lets it out (call it once the response is made).
   * @throws HttpError (Overloaded) when `limit` requests are in already
   */
  enter(): () => void {
    if (this.inFlight >= this.limit) throw new HttpError('Model is overloaded', 'Overloaded');
    this.inFlight++;
    let left = false;
    return () => {
      if (!left) this.inFlight--;
      left = true;
    };
  }

  /** Runs `work` once every earlier `inTurn`'s work has settled. */
  inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.last.then(work);
    this.last = run.catch(() => undefined);
    return run;
  }
}
