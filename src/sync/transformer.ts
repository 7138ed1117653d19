/**
 * Connects the compiled transform pipeline to a run: supplies each record's previous state and the
 * registries the username/validate steps consult, and turns the pipeline's outcome into the
 * planner's {@link Desired}.
 *
 * Login availability = nobody else claimed it earlier in this run (the plan spool), nobody else
 * holds it in the state, and (when an Okta reader is given) no Okta user other than this record's
 * own holds it, including deactivated users. Logins compare as Okta compares them.
 */
import type { SourceRecord } from '../directory/types';
import type { OktaSink } from '../okta/client';
import { normalizeLogin, type Profile } from '../okta/profile';
import type { PlanSpool, StateStore, UserRow } from '../state/store';
import type { Availability, LoginRegistry, Pipeline, TransformOutcome, UniqueRegistry } from '../transform';
import type { RecordTransformer } from './plan-run';
import { fatalCause } from './preflight/errors';
import type { Desired } from './types';

export class RunLoginRegistry implements LoginRegistry {
  /** DNs of the records being transformed right now, so a claim can name its holder. */
  readonly dns = new Map<string, string>();

  constructor(
    private readonly state: StateStore,
    private readonly spool: PlanSpool,
    private readonly okta: Pick<OktaSink, 'getUser'> | undefined,
  ) {}

  async isAvailable(login: string, anchor: string): Promise<Availability> {
    const key = normalizeLogin(login);
    const inRun = this.spool.loginClaimedBy(key);
    if (inRun && inRun.anchor !== anchor) return { heldBy: inRun.dn };
    const row = this.state.users.holderOfLogin(login);
    if (row && row.anchor !== anchor) return { heldBy: row.dn };
    if (!this.okta) return true;
    const user = await this.okta.getUser(login);
    if (!user) return true;
    const own = row?.anchor === anchor ? row.oktaId : this.state.users.get(anchor)?.oktaId;
    return user.id === own ? true : { heldBy: `Okta user ${user.id} (${user.status})` };
  }

  claim(login: string, anchor: string): Availability {
    const holder = this.spool.claimLogin(normalizeLogin(login), anchor, this.dns.get(anchor) ?? anchor);
    return holder.anchor === anchor ? true : { heldBy: holder.dn, inRun: true };
  }

  release(login: string, anchor: string): void {
    this.spool.releaseLogin(normalizeLogin(login), anchor);
  }
}

/** Unique attribute values (validate.unique): earlier runs' holders keep theirs, then first come first served. */
export class RunUniqueRegistry implements UniqueRegistry {
  constructor(
    private readonly spool: PlanSpool,
    private readonly dns: ReadonlyMap<string, string>,
  ) {}

  claim(attribute: string, value: string, anchor: string): Availability {
    const holder = this.spool.claimUnique(attribute, value, anchor, this.dns.get(anchor) ?? anchor);
    return holder.anchor === anchor ? true : { heldBy: holder.dn };
  }

  release(attribute: string, value: string, anchor: string): void {
    this.spool.releaseUnique(attribute, value, anchor);
  }
}

export class PipelineTransformer implements RecordTransformer {
  private logins?: RunLoginRegistry;
  private unique?: RunUniqueRegistry;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly state: StateStore,
    private readonly okta: Pick<OktaSink, 'getUser'> | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async beginRun(spool: PlanSpool): Promise<void> {
    this.logins = new RunLoginRegistry(this.state, spool, this.okta);
    this.unique = new RunUniqueRegistry(spool, this.logins.dns);
    await this.pipeline.beginRun();
  }

  async transform(record: SourceRecord, previous: UserRow | undefined): Promise<Desired> {
    this.logins?.dns.set(record.anchor, record.dn);
    try {
      const outcome = await this.pipeline.run(record, {
        logins: this.logins,
        unique: this.unique,
        previous: previous ? { login: previous.login, loginSource: previous.loginSource } : null,
        now: this.now(),
      });
      return toDesired(record, outcome);
    } catch (e) {
      // a registry failure (Okta refused the token, Okta unreachable) is the run's failure, with its own exit code
      throw fatalCause(e);
    } finally {
      this.logins?.dns.delete(record.anchor);
    }
  }

  async close(): Promise<void> {
    await this.pipeline.close();
  }
}

export function toDesired(record: SourceRecord, o: TransformOutcome): Desired {
  if (o.kind === 'skip') return { kind: 'skip', anchor: record.anchor, dn: record.dn, step: o.step, reason: o.reason };
  if (o.kind === 'quarantine') return { kind: 'quarantine', anchor: record.anchor, dn: record.dn, step: o.step, reason: o.reason };
  const login = typeof o.profile.login === 'string' ? o.profile.login : o.login;
  if (!login) {
    return { kind: 'quarantine', anchor: record.anchor, dn: record.dn, step: 'login', reason: 'the transforms produced no login' };
  }
  // attributes without a value are not sent on create and are cleared on update (see diffProfiles)
  const profile: Profile = {};
  for (const [k, v] of Object.entries(o.profile)) if (v !== null && v !== undefined) profile[k] = v;
  return { kind: 'ok', anchor: record.anchor, dn: record.dn, disabled: record.disabled, profile, login, loginSource: o.loginSource };
}
