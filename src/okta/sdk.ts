/**
 * `@okta/okta-sdk-nodejs`, loaded the first time the agent talks to Okta: the SDK costs about
 * 90 MB of memory and close to a second to load, so commands that never call Okta (status,
 * quarantine, config, an idle poll) never pay for it. src/okta/ stays its only importer: elsewhere
 * the SDK is only a type.
 */
import type * as OktaSdk from '@okta/okta-sdk-nodejs';

export type Sdk = typeof OktaSdk;

/** The SDK module (Node's module cache makes every call after the first free). */
export function loadSdk(): Sdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  return require('@okta/okta-sdk-nodejs') as Sdk;
}
