/**
 * A secret from the configuration, and the syntax of a reference to one. Secrets are only ever
 * written in the configuration as references:
 *   ${env:NAME}          an environment variable
 *   ${file:/abs/path}    the contents of a file (trailing newline stripped)
 *   ${credential:NAME}   a systemd credential ($CREDENTIALS_DIRECTORY/NAME, see LoadCredential=)
 * A resolved secret is wrapped in {@link Secret}, whose string and JSON forms are redacted, so a
 * secret that reaches a log line, an error message or a report prints as `[redacted]`.
 *
 * This file is a leaf so that stage schemas (directory/, okta/) can type their secret fields
 * without importing config/. Resolving a reference (reading the environment or a file) is the
 * loader's job: config/secret.ts.
 */

export class Secret {
  readonly #value: string | undefined;
  /** `value` undefined: a reference that was checked but not resolved (the command needs no secret). */
  constructor(
    value: string | undefined,
    readonly reference: string,
  ) {
    this.#value = value;
  }
  /** The secret itself: call only where it is handed to a client library. */
  reveal(): string {
    if (this.#value === undefined) throw new Error(`the secret ${this.reference} was not resolved: the command was started without loading secrets`);
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return `[redacted ${this.reference}]`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.reference})`;
  }
}

/** A reference: `${kind:name}`; group 1 is the kind, group 2 the name. */
export const SECRET_REFERENCE = /^\$\{(env|file|credential):([^}]+)\}$/;
