// Errors of the HTTP server as text-embeddings-inference (TEI) reports them, so that clients
// written for TEI read them: a JSON body {"error": message, "error_type": kind} with the
// status TEI gives that kind (router/src/http/server.rs, `impl From<&ErrorType> for StatusCode`).
import { SpladeError } from '../errors.js';

/** TEI's error kinds (router/src/lib.rs `ErrorType`). */
export type ErrorType = 'Unhealthy' | 'Backend' | 'Overloaded' | 'Validation' | 'Tokenizer' | 'Empty';

const STATUS: Record<ErrorType, number> = {
  Unhealthy: 503,
  Backend: 424,
  Overloaded: 429,
  Validation: 422,
  Tokenizer: 422,
  Empty: 400,
};

/** A request the server refuses or fails: its message, kind and HTTP status. */
export class HttpError extends SpladeError {
  readonly status: number;

  /** @param status overrides the kind's status (404 and 405 for routes, 413 for a body too large) */
  constructor(message: string, readonly errorType: ErrorType, status?: number) {
    super(message);
    this.status = status ?? STATUS[errorType];
  }
}

/** The JSON response of an error, TEI's shape. */
export function errorResponse(error: HttpError): Response {
  return Response.json({ error: error.message, error_type: error.errorType }, { status: error.status });
}
