/**
 * Refreshing the Okta mirror (state/okta-mirror.ts): the steps of a refresh, in order, each over
 * the same {@link RefreshContext} — {@link REFRESH_STEPS}: `org` (which org this is), `schema` (the
 * org's user schema, sync/user-schema.ts), `users`, `groups`. What must be read of Okta "with the
 * mirror" is one more entry there.
 * Nothing of a refresh is recorded as complete (watermarks, the org binding) before every step
 * succeeded; pages are written as they arrive.
 *
 * Which query (facts §1.3). A plain list omits DEPROVISIONED users, who still hold their logins
 * and can be the person a match rule finds; `q` cannot be paged. `search` and `filter` both include
 * them and both are eventually consistent. `filter` is the one Okta documents for asking what
 * changed (`lastUpdated gt "…"`; `lastMembershipUpdated` for groups) and all the mirror needs, so
 * every read is a filter: the first (or `--rebuild-mirror`) from the epoch, 200 per page, the
 * later ones from the previous read's start minus the margin. A run with nothing changed in Okta
 * costs one request.
 *
 * Eventual consistency. A change made at Okta time t shows in filter results from t + lag (Okta:
 * "typically less than one second"). A read whose first page Okta answered at W (its Date header,
 * whole seconds: the read itself began up to a second earlier) has every change with t ≤ W − lag −
 * 1 s; what it may have missed has t > W − lag − 1 s. The next read asks for `lastUpdated gt W −
 * margin`: with margin ≥ lag + 1 s nothing is missed. Okta's clock (the Date header and lastUpdated)
 * is used throughout, never the agent's, so a skewed host clock costs nothing. Reading a change
 * twice is harmless: a user's newer version wins (by lastUpdated), so an index that lags a write
 * the agent made never takes the mirror back. The margin's price: changes of the last margin are
 * read again by the next refresh.
 */
import type { OktaClient, Page, PageRequest } from '../../okta/client';
import type { MirrorConfig } from '../../okta/schema';
import { shapeCovers, type MirrorShape, type OktaMirror } from '../../state/okta-mirror';
import type { StateStore } from '../../state/store';
import type { UserSchema } from '../../okta/user-schema';
import { checkUserSchema, readUserSchema, UserSchemaMismatch } from '../user-schema';
import type { Pipeline } from '../../transform';
import type { Logger } from '../../util/log';
import type { RunConfig } from '../schema';
import { mirrorShape } from './shape';

/** The reads a refresh makes (and the user schema, read with the mirror). */
export type MirrorReader = Pick<OktaClient, 'usersPage' | 'groupsPage' | 'groupMembersPage' | 'orgMetadata' | 'getUserSchema'>;

/** Only the reads of an Okta client (read-only commands hand these on, never the client). */
export function readsOf(c: MirrorReader): MirrorReader {
  return {
    usersPage: (q) => c.usersPage(q),
    groupsPage: (q) => c.groupsPage(q),
    groupMembersPage: (q) => c.groupMembersPage(q),
    orgMetadata: () => c.orgMetadata(),
    getUserSchema: () => c.getUserSchema(),
  };
}

export interface RefreshDeps {
  okta: MirrorReader;
  /** The state whose mirror is refreshed (a read-only state's: its TEMP copy). */
  state: StateStore;
  mirror: OktaMirror;
  /** The org URL the configuration names. */
  orgUrl: string;
  config: MirrorConfig;
  /** What to keep of each user (mirrorShape). */
  shape: MirrorShape;
  /** Mirror the groups too (the configuration syncs groups). */
  groups: boolean;
  /** Held against the org's user schema as soon as it is read (throws: the refresh stops before the users are read). */
  checkSchema?: (schema: UserSchema) => void;
  log: Logger;
  now?: () => Date;
}

export interface RefreshResult {
  /** `changed` (a delta): the users new to the mirror or changed in Okta since it knew them. */
  users: { read: number; full: boolean; changed: string[] };
  groups: { read: number; full: boolean; membersRead: string[] } | null;
  /** The org's user schema as read (kept in the state unless it is read-only). */
  schema?: UserSchema;
  /** Okta requests the refresh made. */
  requests: number;
}

/** The state belongs to another Okta org than the configuration names: refused (exit 3). */
export class OrgMismatchError extends Error {
  constructor(
    readonly state: { url: string; orgId: string },
    readonly configured: { url: string; orgId: string },
  ) {
    super(
      `the state belongs to the Okta org ${state.orgId} (${state.url}), but okta.orgUrl is ${configured.url}, org ${configured.orgId}: ` +
        'a state file serves one org (give each org its own state.path); nothing was written',
    );
    this.name = 'OrgMismatchError';
  }
}

export interface RefreshOptions {
  /** Read every user and group again (`--rebuild-mirror`). */
  rebuild?: boolean;
  /** The run's mode (default full: the org's user schema is read again). */
  mode?: 'full' | 'incremental';
}

/** What the steps share: the dependencies, the result so far, and what is recorded once every step succeeded. */
export interface RefreshContext extends RefreshDeps {
  rebuild: boolean;
  /** The run's mode: a full run reads the org's user schema again, an incremental one when it must. */
  mode: 'full' | 'incremental';
  now: () => Date;
  result: RefreshResult;
  /** Run at the end, in one transaction, when every step succeeded. */
  onComplete: (() => void)[];
}

export interface RefreshStep {
  name: string;
  run(ctx: RefreshContext): Promise<void>;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

/** The filter value of a timestamp: `"2026-01-01T00:00:00.000Z"`. */
const quoted = (iso: string) => `"${iso}"`;

/** Where the next read starts: the previous read's start minus the margin (see the module comment). */
function since(watermark: string, config: MirrorConfig): string {
  return new Date(Date.parse(watermark) - config.consistencyMarginSeconds * 1000).toISOString();
}

/**
 * Read every page of a list, handing each to `put` (`begin` runs once the first page arrived: a
 * full read forgets what the mirror had only when Okta answered); returns the items read and
 * Okta's time of the first answer.
 */
async function readAll<T, Q>(ctx: RefreshContext, first: Q, read: (q: PageRequest<Q>) => Promise<Page<T>>, put: (items: T[]) => void, begin?: () => void) {
  let page = await read(first);
  ctx.result.requests++;
  begin?.();
  const began = page.serverTime ?? ctx.now().getTime();
  let n = 0;
  for (;;) {
    put(page.items);
    n += page.items.length;
    if (!page.next) break;
    page = await read({ next: page.next });
    ctx.result.requests++;
  }
  return { read: n, began: new Date(began).toISOString() };
}

/**
 * `org`: the first refresh binds the state to the org (its id, from the public
 * /.well-known/okta-organization: it needs no admin role, unlike /api/v1/org). Later: the same URL
 * is the same org; another URL is asked for its id — the same org under a new URL is recorded,
 * another org is refused before anything is written.
 */
const orgStep: RefreshStep = {
  name: 'org',
  async run(ctx) {
    const bound = ctx.mirror.org();
    if (bound && sameUrl(bound.url, ctx.orgUrl) && !ctx.rebuild) return;
    const org = await ctx.okta.orgMetadata();
    ctx.result.requests++;
    if (bound && bound.orgId !== org.id) throw new OrgMismatchError(bound, { url: ctx.orgUrl, orgId: org.id });
    if (!bound || !sameUrl(bound.url, ctx.orgUrl)) {
      if (bound) ctx.log.info('the Okta org has a new URL', { org: org.id, was: bound.url, now: ctx.orgUrl });
      ctx.onComplete.push(() => ctx.mirror.bind(ctx.orgUrl, org.id));
    }
  },
};

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/**
 * `schema`: the org's user schema (one request; a refusal falls back on the one last read, see
 * readUserSchema) on a full run, a rebuild, or when the state has none or the one it has lacks an
 * attribute the configuration uses (an admin may just have added it). An incremental refresh holds
 * the configuration against the one the state has: the refresh of an unchanged org stays one request.
 */
const schemaStep: RefreshStep = {
  name: 'schema',
  async run(ctx) {
    const stored = ctx.mode === 'incremental' && !ctx.rebuild ? ctx.state.okta.userSchema() : undefined;
    if (stored && fits(ctx, stored)) {
      ctx.result.schema = stored;
      return;
    }
    ctx.result.schema = await readUserSchema({ oktaClient: ctx.okta, state: ctx.state, log: ctx.log });
    ctx.result.requests++;
    ctx.checkSchema?.(ctx.result.schema);
  },
};

function fits(ctx: RefreshContext, schema: UserSchema): boolean {
  try {
    ctx.checkSchema?.(schema);
    return true;
  } catch (e) {
    if (e instanceof UserSchemaMismatch) return false;
    throw e;
  }
}

/** `users`: every user (first read, a rebuild, or a shape the mirror does not cover), else the changes. */
const usersStep: RefreshStep = {
  name: 'users',
  async run(ctx) {
    const { mirror } = ctx;
    const meta = mirror.meta('users');
    const full = ctx.rebuild || !meta?.watermark || !shapeCovers(meta.shape, ctx.shape);
    const shape = full || !meta ? ctx.shape : meta.shape;
    // a full read that stops half way leaves no watermark: the next refresh reads everything again
    const forget = () =>
      mirror.transaction(() => {
        mirror.setMeta('users', { watermark: null, shape, refreshedAt: meta?.refreshedAt ?? null });
        mirror.clearUsers();
      });
    const from = full || !meta?.watermark ? EPOCH : since(meta.watermark, ctx.config);
    // a delta's users that changed in Okta since the mirror knew them (drift is looked for in them)
    const changed: string[] = [];
    const r = await readAll(
      ctx,
      { filter: `lastUpdated gt ${quoted(from)}` },
      (q) => ctx.okta.usersPage(q),
      (users) => {
        const newer = mirror.putUsers(users, shape);
        if (!full) changed.push(...newer);
      },
      full ? forget : undefined,
    );
    ctx.result.users = { read: r.read, full, changed };
    ctx.onComplete.push(() => mirror.setMeta('users', { watermark: r.began, shape, refreshedAt: ctx.now().toISOString() }));
  },
};

/**
 * `groups` (when groups are synced): every group, or those whose profile or membership changed;
 * then the members of each managed group whose membership changed since its members were read (or
 * that were never read).
 */
const groupsStep: RefreshStep = {
  name: 'groups',
  async run(ctx) {
    if (!ctx.groups) return;
    const { mirror } = ctx;
    const meta = mirror.meta('groups');
    const full = ctx.rebuild || !meta?.watermark;
    const shape: MirrorShape = { attributes: null, indexed: [] };
    const forget = () =>
      mirror.transaction(() => {
        mirror.setMeta('groups', { watermark: null, shape, refreshedAt: meta?.refreshedAt ?? null });
        mirror.groups.clear();
      });
    const from = full || !meta?.watermark ? EPOCH : since(meta.watermark, ctx.config);
    const filter = full ? `lastUpdated gt ${quoted(from)}` : `lastUpdated gt ${quoted(from)} or lastMembershipUpdated gt ${quoted(from)}`;
    const r = await readAll(
      ctx,
      { filter },
      (q) => ctx.okta.groupsPage(q),
      (groups) => mirror.groups.put(groups),
      full ? forget : undefined,
    );
    const membersRead: string[] = [];
    for (const g of mirror.groups.managedToRead()) {
      mirror.groups.beginMembers(g.id);
      await readAll(
        ctx,
        { groupId: g.id },
        (q) => ctx.okta.groupMembersPage(q),
        (ids) => mirror.groups.addMembers(g.id, ids),
      );
      mirror.groups.endMembers(g.id, g.lastMembershipUpdated ?? r.began);
      membersRead.push(g.id);
    }
    ctx.result.groups = { read: r.read, full, membersRead };
    ctx.onComplete.push(() => mirror.setMeta('groups', { watermark: r.began, shape, refreshedAt: ctx.now().toISOString() }));
  },
};

/** The steps of a refresh, in order. */
export const REFRESH_STEPS: readonly RefreshStep[] = [orgStep, schemaStep, usersStep, groupsStep];

/**
 * Refresh the mirror: every step in order, then what they recorded as complete, in one
 * transaction. Throws OktaFatalError (a bad or revoked token: exit 5; Okta unreachable) and
 * {@link OrgMismatchError} (exit 3) before the mirror is recorded as refreshed.
 */
export async function refreshMirror(deps: RefreshDeps, opts: RefreshOptions = {}): Promise<RefreshResult> {
  const ctx: RefreshContext = {
    ...deps,
    rebuild: opts.rebuild ?? false,
    mode: opts.mode ?? 'full',
    now: deps.now ?? (() => new Date()),
    result: { users: { read: 0, full: false, changed: [] }, groups: null, requests: 0 },
    onComplete: [],
  };
  for (const step of REFRESH_STEPS) await step.run(ctx);
  deps.mirror.transaction(() => {
    for (const f of ctx.onComplete) f();
  });
  deps.log.info('Okta mirror refreshed', {
    users: ctx.result.users.read,
    full: ctx.result.users.full,
    ...(ctx.result.groups ? { groups: ctx.result.groups.read, membersRead: ctx.result.groups.membersRead.length } : {}),
    requests: ctx.result.requests,
  });
  return ctx.result;
}

/** Refresh a state's mirror (a read-only state's TEMP copy) for a run's configuration. */
export function refreshFor(
  run: {
    config: RunConfig;
    state: StateStore;
    pipeline: Pick<Pipeline, 'profileWrites' | 'setsUnlistedAttributes'>;
    okta: MirrorReader;
    log: Logger;
    now?: () => Date;
  },
  opts: RefreshOptions = {},
): Promise<RefreshResult> {
  const { config } = run;
  return refreshMirror(
    {
      okta: run.okta,
      state: run.state,
      mirror: run.state.mirror,
      orgUrl: config.okta.orgUrl,
      config: config.okta.mirror,
      shape: mirrorShape(config.okta, run.pipeline),
      groups: config.groups !== undefined,
      checkSchema: (schema) => checkUserSchema(schema, run.pipeline, config.okta),
      log: run.log,
      now: run.now,
    },
    opts,
  );
}

/** Whether a run refreshes the mirror: a full run always; an incremental run when the last refresh is `refreshSeconds` old. */
export function refreshDue(mirror: OktaMirror, mode: 'full' | 'incremental', config: MirrorConfig, now: Date): boolean {
  if (mode === 'full') return true;
  const last = mirror.meta('users')?.refreshedAt;
  return !last || now.getTime() - Date.parse(last) >= config.refreshSeconds * 1000;
}
