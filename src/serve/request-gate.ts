// Admission of the server's requests: up to a limit (text-embeddings-inference's
// max_concurrent_requests), waiting or running; beyond it, 429 Overloaded. A request is in
// from the first byte of its body read to its response, so the limit bounds the memory that
// requests hold: bodies being read (each at most the payload limit) and encodes waiting.
import { HttpError } from './http-error.js';

export class RequestGate {
  private inFlight = 0;

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
}
