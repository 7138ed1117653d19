/**
 * What host.ts and worker.ts say to each other (types only).
 *
 * worker → `ready` | `load-error`; then, per record: host → {@link RecordMessage};
 * worker → `result` | `error` with the record's id.
 */
import type { Profile } from '../../okta/profile';

export interface HookRecord {
  anchor: string;
  dn: string;
  disabled: boolean;
  /** Source attributes (lower-cased names; binary values are Buffers). Read-only input. */
  attributes: Record<string, (string | Buffer)[]>;
  /** The profile built so far; return it (changed) in the result. */
  profile: Profile;
}

/** What the worker gets when it starts. */
export interface HookWorkerData {
  /** Absolute path of the hook module. */
  module: string;
  /** The export to call ('default': the module itself, or its default export). */
  exportName: string;
  /** Set only when the worker runs from TypeScript sources: the worker.ts that ts-source.js loads. */
  source?: string;
}

export interface RecordMessage {
  id: number;
  record: HookRecord;
}

export type WorkerMessage =
  { type: 'ready' } | { type: 'load-error'; message: string } | { type: 'result'; id: number; value: unknown } | { type: 'error'; id: number; message: string };
