/**
 * THE per-record path: a directory record → the transforms → what the directory wants
 * ({@link Desired}) → the planned {@link Action}, against the record's state row and the claims of
 * this run. `sync` and `plan` (plan-phase.ts), `preflight`, `explain` and `demo` all go through it;
 * `explain` asks for the transforms' trace.
 *
 * Per run it owns the registries the username and validate steps consult (login and unique-value
 * claims go to the run's plan spool, naming the claiming record's DN), each record's previous state
 * row, the plan context, and how a registry failure reaches the caller ({@link fatalCause}).
 *
 * A profile Okta's user schema would refuse (a value of the wrong type, outside the attribute's enum,
 * beyond its length limits, or an attribute the schema lacks, e.g. set by a hook) is quarantined here
 * with the attribute and the limit named ({@link withinSchema}): it is never sent to Okta.
 *
 * Okta is known, not asked: the caller refreshed the agent's mirror of Okta (sync/mirror/), and
 * every decision about Okta is made from it — whether a login is taken, first contact (the match
 * rules), drift, a deactivated user's frozen profile. No request is made per record.
 *
 * Login availability = nobody else claimed it earlier in this run (the plan spool), nobody else
 * holds it in the state, and (when Okta is known) no Okta user holds it other than this record's
 * own or the one its match rules will link it to, deactivated users included. Logins compare as
 * Okta compares them.
 */
import { DirectoryError, type SourcePage, type SourceRecord } from '../directory/types';
import { OktaFatalError } from '../okta/errors';
import { describeOktaUser, findMatch, matchedBesidesLogin } from '../okta/matching';
import { newProfile, normalizeLogin, type Profile } from '../okta/profile';
import { BASE_USER_SCHEMA, profileProblems, type UserSchema } from '../okta/user-schema';
import type { OktaConfig } from '../okta/schema';
import type { OktaMirror, PlanSpool, StateStore, UserRow } from '../state/store';
import { TransformRunError, type Availability, type LoginRegistry, type Pipeline, type TransformOutcome, type UniqueRegistry } from '../transform';
import { mappedAttributes } from './mirror/shape';
import { planBatch, takesLogin, type OktaKnowledge, type PlanContext } from './plan/plan';
import { needsNothing, type Action, type Desired, type QuarantineAction } from './plan/types';

/** What the record path knows of Okta: the agent's mirror (refreshed by the caller) and the settings the plan applies. */
export interface OktaView {
  mirror: OktaMirror;
  config: Pick<OktaConfig, 'match' | 'drift'>;
}

export interface RecordPathDeps {
  pipeline: Pipeline;
  state: StateStore;
  /** This run's plan spool (temp tables): login and unique-value claims go there, never to the state file. */
  spool: PlanSpool;
  /** What the agent knows of Okta. Undefined: Okta is not consulted (every new record is created). */
  okta: OktaView | undefined;
  lifecycle: PlanContext['lifecycle'];
  /** The org's user schema (userSchemaForRun); without it, Okta's base profile limits. */
  schema?: UserSchema;
  /** The transforms' clock (`$now`), read once per record. */
  now?: () => Date;
}

/** One record through the path. */
export interface PlannedRecord {
  record: SourceRecord;
  /** The state row of the record's anchor: what the agent last applied. */
  previous: UserRow | undefined;
  /** With a trace when asked for. */
  outcome: TransformOutcome;
  desired: Desired;
  action: Action;
}

export interface PlannedPage {
  records: PlannedRecord[];
  /** Entries the reader rejected (no usable anchor, …), quarantined under a pseudo-anchor. */
  rejected: QuarantineAction[];
}

/** Pseudo-anchor for an entry that has no usable anchor, so it can be quarantined and listed. */
export const rejectedAnchor = (dn: string) => `dn:${dn}`;

export class RecordPath {
  private readonly ctx: PlanContext;
  private readonly now: () => Date;
  private readonly schema: UserSchema;

  private constructor(private readonly deps: RecordPathDeps) {
    this.ctx = planContext(deps);
    this.now = deps.now ?? (() => new Date());
    this.schema = deps.schema ?? BASE_USER_SCHEMA;
  }

  /** A run's path: loads the transforms' per-run data (lookup tables) first. */
  static async begin(deps: RecordPathDeps): Promise<RecordPath> {
    try {
      await deps.pipeline.beginRun();
    } catch (e) {
      throw fatalCause(e);
    }
    return new RecordPath(deps);
  }

  /**
   * Transform the page's records (concurrently: registry lookups overlap) and plan them in order:
   * of two records of the page that want one login, the first keeps it.
   */
  async planPage(page: SourcePage, opts: { trace?: boolean } = {}): Promise<PlannedPage> {
    const { state } = this.deps;
    const rows = state.users.getMany(page.records.map((r) => r.anchor));
    const outcomes = await Promise.all(page.records.map((r) => this.transform(r, rows.get(r.anchor), opts.trace ?? false)));
    const desired = outcomes.map((o, i) => withinSchema(toDesired(page.records[i], o), this.schema));
    const actions = planBatch(desired, rows, this.pageContext(desired, rows));
    return {
      records: page.records.map((record, i) => ({ record, previous: rows.get(record.anchor), outcome: outcomes[i], desired: desired[i], action: actions[i] })),
      rejected: page.rejected.map((rej) => ({
        kind: 'quarantine',
        anchor: rejectedAnchor(rej.dn),
        dn: rej.dn,
        step: 'directory',
        reason: rej.reason,
        oktaId: null,
      })),
    };
  }

  /**
   * The plan context for one page: who holds the page's logins (claimed earlier in this run, or
   * stored) and the mirror's users of its linked records, each asked in one query for the page.
   */
  private pageContext(desired: readonly Desired[], rows: ReadonlyMap<string, UserRow>): PlanContext {
    const { state, spool } = this.deps;
    const norms = new Set<string>();
    // a record keeping its login holds it in the state (login_norm is unique): no query for those
    const stored = new Map<string, { anchor: string; dn: string }>();
    for (const d of desired) {
      if (d.kind !== 'ok') continue;
      const norm = normalizeLogin(d.login);
      norms.add(norm);
      const row = rows.get(d.anchor);
      if (row?.login && normalizeLogin(row.login) === norm) stored.set(norm, { anchor: row.anchor, dn: row.dn });
    }
    const claimed = spool.loginsClaimedBy([...norms]);
    for (const [norm, holder] of state.users.holdersOfNormalizedLogins([...norms].filter((n) => !claimed.has(n) && !stored.has(n)))) stored.set(norm, holder);
    const loginHolder = (norm: string) => (norms.has(norm) ? (claimed.get(norm) ?? stored.get(norm)) : this.ctx.loginHolder(norm));
    const okta = this.ctx.okta;
    if (!okta || !this.deps.okta) return { ...this.ctx, loginHolder };
    const ids = new Set<string>();
    for (const d of desired) {
      const id = rows.get(d.anchor)?.oktaId;
      if (id) ids.add(id);
    }
    const users = this.deps.okta.mirror.usersById([...ids]);
    return { ...this.ctx, loginHolder, okta: { ...okta, user: (id) => (ids.has(id) ? users.get(id) : okta.user(id)) } };
  }

  /**
   * Keep a planned page in the spool: the logins its creates and updates take (later pages see
   * them), and with `actions` the actions themselves and the anchors the page saw (a plan that
   * is printed or applied). A record skipped by a rule is out of scope: it does not count as seen.
   */
  keep(actions: readonly Action[], what: 'logins' | 'actions'): void {
    const logins = actions.filter(takesLogin).map((a) => ({ loginNorm: normalizeLogin(a.login), anchor: a.anchor, dn: a.dn }));
    const links = actions.flatMap((a) => (a.kind === 'link' ? [{ oktaId: a.oktaId, anchor: a.anchor, dn: a.dn }] : []));
    if (what === 'logins') {
      this.deps.spool.addPage([], [], logins, links);
      return;
    }
    this.deps.spool.addPage(
      actions.map((a) => ({ anchor: a.anchor, kind: a.kind, payload: a, quiet: needsNothing(a) })),
      actions.filter((a) => a.kind !== 'skip' && !a.anchor.startsWith('dn:')).map((a) => a.anchor),
      logins,
      links,
    );
  }

  private async transform(record: SourceRecord, previous: UserRow | undefined, trace: boolean): Promise<TransformOutcome> {
    const { state, spool, okta } = this.deps;
    // the directory gave something no transform should see (a text value that is not UTF-8)
    if (record.problem) return { kind: 'quarantine', anchor: record.anchor, step: 'directory', reason: record.problem, findings: [] };
    try {
      return await this.deps.pipeline.run(
        record,
        {
          logins: new RecordLogins(state, spool, okta, record),
          unique: new RecordUniques(spool, record),
          previous: previous ? { login: previous.login, loginSource: previous.loginSource } : null,
          now: this.now(),
        },
        trace ? { trace: true } : undefined,
      );
    } catch (e) {
      throw fatalCause(e);
    }
  }
}

/** Every action of a planned page, the rejected entries' last. */
export function actionsOf(page: PlannedPage): Action[] {
  return [...page.records.map((r) => r.action), ...page.rejected];
}

/** The plan's view of a run: logins held by records planned earlier in it, then by the state; Okta from the mirror. */
function planContext({ state, spool, lifecycle, okta, pipeline }: RecordPathDeps): PlanContext {
  return {
    lifecycle,
    loginHolder(norm) {
      const inRun = spool.loginClaimedBy(norm);
      if (inRun) return inRun;
      return state.users.holderOfNormalizedLogin(norm);
    },
    okta: okta && oktaKnowledge(okta, state, spool, pipeline),
  };
}

/** Okta as the plan sees it: lookups over the mirror; links claimed earlier in this run, then the state's. */
function oktaKnowledge({ mirror, config }: OktaView, state: StateStore, spool: PlanSpool, pipeline: Pipeline): OktaKnowledge {
  const lookups = { byLogin: (login: string) => mirror.byLogin(login), byValue: (a: string, v: string) => mirror.byValue(a, v) };
  return {
    user: (id) => mirror.user(id),
    match: (profile) => findMatch(config.match, profile, lookups),
    loginHolders: (login) => mirror.byLogin(login),
    linkHolder(oktaId) {
      const inRun = spool.linkClaimedBy(oktaId);
      if (inRun) return inRun;
      const row = state.users.byOktaId(oktaId);
      return row ? { anchor: row.anchor, dn: row.dn } : undefined;
    },
    drift: config.drift,
    mapped: mappedAttributes(pipeline),
  };
}

/** The login registry one record's transforms consult: its claims name the record's DN. */
class RecordLogins implements LoginRegistry {
  constructor(
    private readonly state: StateStore,
    private readonly spool: PlanSpool,
    private readonly okta: OktaView | undefined,
    private readonly record: Pick<SourceRecord, 'anchor' | 'dn'>,
  ) {}

  isAvailable(login: string, anchor: string, profile?: Readonly<Profile>): Availability {
    const key = normalizeLogin(login);
    const inRun = this.spool.loginClaimedBy(key);
    if (inRun && inRun.anchor !== anchor) return { heldBy: inRun.dn };
    const row = this.state.users.holderOfLogin(login);
    if (row && row.anchor !== anchor) return { heldBy: row.dn };
    if (!this.okta) return true;
    const holders = this.okta.mirror.byLogin(login);
    if (!holders.length) return true;
    const own = row?.anchor === anchor ? row.oktaId : this.state.users.get(anchor)?.oktaId;
    // the Okta user this record's match rules will link it to keeps its login (first contact)
    const linksTo = (u: (typeof holders)[number]) => !own && profile !== undefined && matchedBesidesLogin(this.okta!.config.match, profile, u);
    const other = holders.find((u) => u.id !== own && !linksTo(u));
    return other ? { heldBy: describeOktaUser(other) } : true;
  }

  claim(login: string, anchor: string): Availability {
    const holder = this.spool.claimLogin(normalizeLogin(login), anchor, dnOf(this.record, anchor));
    return holder.anchor === anchor ? true : { heldBy: holder.dn, inRun: true };
  }

  release(login: string, anchor: string): void {
    this.spool.releaseLogin(normalizeLogin(login), anchor);
  }
}

/** Unique attribute values (validate.unique): earlier runs' holders keep theirs, then first come first served. */
class RecordUniques implements UniqueRegistry {
  constructor(
    private readonly spool: PlanSpool,
    private readonly record: Pick<SourceRecord, 'anchor' | 'dn'>,
  ) {}

  claim(attribute: string, value: string, anchor: string): Availability {
    const holder = this.spool.claimUnique(attribute, value, anchor, dnOf(this.record, anchor));
    return holder.anchor === anchor ? true : { heldBy: holder.dn };
  }

  release(attribute: string, value: string, anchor: string): void {
    this.spool.releaseUnique(attribute, value, anchor);
  }
}

/** The DN a claim names: the record's own (steps claim for the record they transform). */
const dnOf = (record: Pick<SourceRecord, 'anchor' | 'dn'>, anchor: string) => (anchor === record.anchor ? record.dn : anchor);

export function toDesired(record: SourceRecord, o: TransformOutcome): Desired {
  if (o.kind === 'skip') return { kind: 'skip', anchor: record.anchor, dn: record.dn, step: o.step, reason: o.reason };
  if (o.kind === 'quarantine') return { kind: 'quarantine', anchor: record.anchor, dn: record.dn, step: o.step, reason: o.reason };
  const login = typeof o.profile.login === 'string' ? o.profile.login : o.login;
  if (!login) {
    return { kind: 'quarantine', anchor: record.anchor, dn: record.dn, step: 'login', reason: 'the transforms produced no login' };
  }
  // attributes without a value are not sent on create and are cleared on update (see diffProfiles)
  const profile: Profile = newProfile();
  for (const [k, v] of Object.entries(o.profile)) if (v !== null && v !== undefined) profile[k] = v;
  return { kind: 'ok', anchor: record.anchor, dn: record.dn, disabled: record.disabled, profile, login, loginSource: o.loginSource };
}

/** The step a record quarantined by Okta's user schema is listed under. */
export const SCHEMA_STEP = 'okta-schema';

/**
 * What the directory wants, if Okta's user schema allows it: otherwise the record is quarantined
 * with every attribute at fault and the limit it breaks, and nothing of it is sent to Okta.
 */
export function withinSchema(d: Desired, schema: UserSchema): Desired {
  if (d.kind !== 'ok') return d;
  const problems = profileProblems(d.profile, schema);
  if (!problems.length) return d;
  return { kind: 'quarantine', anchor: d.anchor, dn: d.dn, step: SCHEMA_STEP, reason: problems.map((p) => `${p.attribute}: ${p.reason}`).join('; ') };
}

/**
 * A registry the username or validate step consults failing (Okta refused the token, Okta or the
 * directory unreachable) reaches the path as a TransformRunError wrapping the real failure: the
 * real failure is what the caller gets, so that it has its own message and exit code (Okta
 * authentication: 5, directory: 4) instead of an internal error.
 */
export function fatalCause(e: unknown): unknown {
  let c: unknown = e;
  while (c instanceof TransformRunError && c.cause !== undefined) c = c.cause;
  return c instanceof OktaFatalError || c instanceof DirectoryError ? c : e;
}
