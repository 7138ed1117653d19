/**
 * Org-wide concurrent-request limit. Requests beyond it are rejected with 429 E0000047 and
 * `X-Rate-Limit-Limit: 0`, `X-Rate-Limit-Remaining: 0` (documented); the Reset Okta sends then is
 * only an estimate (here: one window from now). Undefined limit = unlimited.
 */
export class ConcurrencyGate {
  private inFlightCount = 0;

  constructor(public limit: number | undefined) {}

  get inFlight(): number {
    return this.inFlightCount;
  }

  tryEnter(): boolean {
    if (this.limit !== undefined && this.inFlightCount >= this.limit) return false;
    this.inFlightCount++;
    return true;
  }

  leave(): void {
    this.inFlightCount--;
  }
}
