/**
 * Matches `METHOD /path` against the route table. Path parameters (`{id}`) match one non-empty
 * segment and are percent-decoded (`b%40x.com` → `b@x.com`). Known path with another method →
 * `methodNotAllowed` (405 E0000022); unknown path → `notFound` (404 E0000008).
 */
import type { BucketName } from '../rate-limit/buckets';
import type { Route } from './types';

export type RouteMatch =
  | { kind: 'ok'; route: Route; params: string[]; endpoint: string }
  | { kind: 'methodNotAllowed'; endpoint: string; bucket: BucketName }
  | { kind: 'notFound'; endpoint: string; bucket: BucketName };

interface Compiled {
  route: Route;
  segments: (string | null)[];
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: route.template.split('/').map((s) => (s.startsWith('{') && s.endsWith('}') ? null : s)),
    }));
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = pathname.split('/');
    let pathMatch: Compiled | undefined;
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      pathMatch ??= c;
      if (c.route.method === method) {
        return { kind: 'ok', route: c.route, params, endpoint: `${method} ${c.route.template}` };
      }
    }
    if (pathMatch) {
      return { kind: 'methodNotAllowed', endpoint: `${method} ${pathMatch.route.template}`, bucket: pathMatch.route.bucket };
    }
    return { kind: 'notFound', endpoint: `${method} ${pathname}`, bucket: 'other' };
  }
}

function matchSegments(segments: (string | null)[], parts: string[]): string[] | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s === null) {
      if (parts[i] === '') return undefined;
      try {
        params.push(decodeURIComponent(parts[i]));
      } catch {
        return undefined;
      }
    } else if (s !== parts[i]) {
      return undefined;
    }
  }
  return params;
}
