/** Errors a pipeline throws. Data problems never throw: they become quarantine outcomes. */

/** Misuse (beginRun not called, a registry missing from ctx) or a failing registry (state/Okta unreachable): the run cannot go on. */
export class TransformRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransformRunError';
  }
}
