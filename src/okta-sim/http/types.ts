/** Handler contract: synchronous, pure with respect to HTTP (the server writes the response). */
import type { IncomingHttpHeaders } from 'node:http';
import type { IdGenerator } from '../ids';
import type { BucketName } from '../rate-limit/buckets';
import type { OktaStore } from '../store';
import type { Clock } from '../types';

export interface RequestContext {
  method: string;
  /** Decoded path parameters, in template order. */
  params: string[];
  query: URLSearchParams;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** `http://host:port` as the client addressed us; all links are built on it. */
  baseUrl: string;
  /** Absolute request URL (the `self` link of a collection). */
  requestUrl: string;
  now: number;
}

export interface HandlerResult {
  status: number;
  /** JSON-serialised into the body; omitted → empty body. */
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

export interface SimCore {
  /** The org's id (`00o…`), as /.well-known/okta-organization reports it. */
  orgId: string;
  store: OktaStore;
  ids: IdGenerator;
  clock: Clock;
}

export type Handler = (ctx: RequestContext, sim: SimCore) => HandlerResult;

export interface Route {
  method: string;
  /** e.g. `/api/v1/users/{id}`; every parameter is written `{id}`. */
  template: string;
  bucket: BucketName;
  handler: Handler;
  /** Served without the SSWS token (the spec's `security: []`). */
  public?: boolean;
}
