/**
 * Applying the group plan, after the users were applied (so users created this run have their
 * Okta ids). Order: the directory side of the state (groups read, direct members, groups gone);
 * then removals from groups that left the directory; then group creates / first-contact matches /
 * renames; then membership adds and removes — each phase a bounded number of requests at a time.
 * The Okta side of the state changes only after Okta confirmed each write.
 *
 * Errors: a 4xx on a group quarantines that group with Okta's errorCode and summary (its other
 * operations are skipped; it is retried every run); 5xx and timeouts (after the executor's retries)
 * are counted as failed, the state is not updated, and the group is re-planned by the next run; a bad
 * token or an unreachable org ({@link OktaFatalError}) stops the run.
 *
 * No journal is needed: membership PUT/DELETE are idempotent, and a group create whose answer was
 * lost is found by name on the next attempt and matched (first contact), never duplicated.
 */
import type { OktaGroup, OktaSink } from '../../okta/client';
import { OktaError, OktaFatalError, toOktaError } from '../../okta/errors';
import type { GroupSpool } from '../../state/group-spool';
import type { StateStore } from '../../state/store';
import type { Logger } from '../../util/log';
import type { GroupApplyCounts } from './index';
import type { EnsurePayload, RenamePayload } from './rules';
import { decideFirstContact, type FirstContact, type FirstContactLookups } from './first-contact';

export interface GroupApplyDeps {
  state: StateStore;
  sink: OktaSink;
  tables: GroupSpool;
  runId: number;
  log: Logger;
  concurrency: number;
  signal?: AbortSignal;
  /** Plan-time quarantines (counted in the result). */
  plannedQuarantines: number;
}

function describe(e: OktaError): string {
  return `Okta ${e.errorCode ?? `HTTP ${e.status ?? '-'}`}: ${e.errorSummary}${e.errorCauses.length ? ` (${e.errorCauses.join('; ')})` : ''}`;
}

const isNameTaken = (e: OktaError) => e.status === 400 && e.errorCode === 'E0000001';

class GroupApplier {
  readonly counts: GroupApplyCounts = { created: 0, matched: 0, updated: 0, membersAdded: 0, membersRemoved: 0, quarantined: 0, failed: 0 };
  /** Groups quarantined or failed this run: their remaining operations are skipped. */
  private readonly blocked = new Set<string>();
  /** Groups with an operation that failed (5xx, timeout): re-planned by the next run. */
  private readonly unsettled = new Set<string>();
  private readonly quarantinedHere = new Set<string>();
  private fatal: Error | undefined;

  constructor(private readonly d: GroupApplyDeps) {
    this.counts.quarantined = d.plannedQuarantines;
  }

  async run(): Promise<GroupApplyCounts> {
    const { tables } = this.d;
    tables.recordDirectory(this.d.runId);
    await this.pool(tables.ops(['gone']), (op) => this.member(op.groupAnchor, op.op, op.userAnchor));
    await this.pool(tables.actions<EnsurePayload | RenamePayload>(['ensure', 'rename']), (a) =>
      a.kind === 'ensure' ? this.ensure(a.anchor, a.payload) : this.rename(a.anchor, a.payload as RenamePayload),
    );
    await this.pool(tables.ops(['ensure', 'rename', 'keep']), (op) => this.member(op.groupAnchor, op.op, op.userAnchor));
    if (!this.d.signal?.aborted) this.settle();
    this.d.log.info('groups applied', { ...this.counts, ...(this.d.signal?.aborted ? { interrupted: true } : {}) });
    return this.counts;
  }

  /** Run `fn` over `items` with bounded concurrency; a fatal error stops taking new items and is rethrown. */
  private async pool<T>(items: Iterator<T>, fn: (item: T) => Promise<void>): Promise<void> {
    if (this.fatal) throw this.fatal;
    const worker = async () => {
      for (;;) {
        if (this.fatal || this.d.signal?.aborted) return;
        const next = items.next();
        if (next.done) return;
        try {
          await fn(next.value);
        } catch (e) {
          this.fatal ??= e instanceof Error ? e : new Error(String(e));
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: this.d.concurrency }, worker));
    const fatal = this.fatal as Error | undefined; // set by the workers
    if (fatal) throw fatal;
  }

  /** Settle every group whose planned writes were all confirmed; forget gone groups with nothing left. */
  private settle(): void {
    const { tables } = this.d;
    const done: { anchor: string; kind: string }[] = [];
    for (const a of tables.actions(['ensure', 'rename', 'keep', 'gone'])) {
      if (!this.blocked.has(a.anchor) && !this.unsettled.has(a.anchor)) done.push({ anchor: a.anchor, kind: a.kind });
      if (done.length >= 1000) this.settleBatch(done.splice(0));
    }
    this.settleBatch(done);
  }

  private settleBatch(done: { anchor: string; kind: string }[]): void {
    const { state } = this.d;
    state.transaction(() => {
      for (const g of done) {
        state.groups.settle(g.anchor);
        if (g.kind === 'gone') state.groups.forgetIfDone(g.anchor);
      }
    });
  }

  /** Classify an error: rethrow fatal ones, return the OktaError otherwise. */
  private oktaError(e: unknown): OktaError {
    if (e instanceof OktaFatalError) throw e;
    return toOktaError(e);
  }

  private quarantine(anchor: string, dn: string, reason: string): void {
    this.blocked.add(anchor);
    this.d.state.groups.recordQuarantine(anchor, reason, this.d.runId);
    if (!this.quarantinedHere.has(anchor)) {
      this.quarantinedHere.add(anchor);
      this.counts.quarantined++;
    }
    this.d.log.warn('group quarantined', { dn, anchor, reason });
  }

  private failed(anchor: string, dn: string, what: string, e: OktaError, block: boolean): void {
    this.counts.failed++;
    this.unsettled.add(anchor);
    if (block) this.blocked.add(anchor);
    this.d.log.error(`Okta ${what} failed; it will be retried by the next run`, { dn, anchor, error: describe(e) });
  }

  /** First contact (see first-contact.ts): take over an existing OKTA_GROUP of that name, or create one. */
  private async ensure(anchor: string, p: EnsurePayload): Promise<void> {
    const { sink, state } = this.d;
    try {
      const first = decideFirstContact(anchor, p.name, await sink.findGroupsByName(p.name), this.lookups);
      if (first.kind !== 'create') return await this.firstContact(anchor, p, first);
      let created: OktaGroup;
      try {
        created = await sink.createGroup(p.name, p.description);
      } catch (e) {
        const err = this.oktaError(e);
        if (!isNameTaken(err)) throw err;
        // the name exists after all (search lag, or our own create whose answer was lost): first contact again
        const again = decideFirstContact(anchor, p.name, await sink.findGroupsByName(p.name), this.lookups);
        if (again.kind === 'create') return this.quarantine(anchor, p.dn, describe(err));
        return await this.firstContact(anchor, p, again);
      }
      // what we sent is what the state records as applied (Okta's echo might differ in form: no PUT every run)
      state.groups.recordLinked(anchor, created.id, 'created', p.name, p.description);
      this.counts.created++;
    } catch (e) {
      const err = this.oktaError(e);
      if (err.ambiguous) return this.failed(anchor, p.dn, 'group create', err, true);
      return this.quarantine(anchor, p.dn, describe(err));
    }
  }

  private readonly lookups: FirstContactLookups = {
    holderOf: (oktaId) => this.d.state.groups.byOktaId(oktaId),
    // the removals from groups that left the directory ran before the first contacts
    releases: (holder) => holder.removedRun !== null && this.d.state.groups.appliedMemberCount(holder.anchor) === 0,
  };

  /**
   * Take over an existing OKTA_GROUP (from a directory group that left the directory, if it was
   * managed for one), and make its profile what the templates say; or quarantine.
   */
  private async firstContact(anchor: string, p: EnsurePayload, first: Exclude<FirstContact, { kind: 'create' }>): Promise<void> {
    const { state, sink } = this.d;
    if (first.kind === 'quarantine') return this.quarantine(anchor, p.dn, first.reason);
    const g = first.group;
    if (first.from) state.groups.transferLink(first.from.anchor, anchor, g.id, g.name, g.description);
    else state.groups.recordLinked(anchor, g.id, 'matched', g.name, g.description);
    this.counts.matched++;
    if (g.name !== p.name || (g.description ?? null) !== p.description) {
      await sink.updateGroup(g.id, p.name, p.description);
      state.groups.recordProfile(anchor, p.name, p.description);
      this.counts.updated++;
    }
  }

  /** The directory group's name or description changed: replace the Okta group's profile. */
  private async rename(anchor: string, p: RenamePayload): Promise<void> {
    const { sink, state } = this.d;
    try {
      await sink.updateGroup(p.oktaId, p.name, p.description);
      state.groups.recordProfile(anchor, p.name, p.description);
      this.counts.updated++;
    } catch (e) {
      const err = this.oktaError(e);
      if (err.ambiguous) return this.failed(anchor, p.dn, 'group rename', err, true);
      if (err.status === 404) return this.oktaGroupGone(anchor, p.dn, p.oktaId);
      return this.quarantine(anchor, p.dn, describe(err));
    }
  }

  /** Someone deleted the Okta group the agent manages: forget it; the next run creates (or matches) it again. */
  private oktaGroupGone(anchor: string, dn: string, oktaId: string): void {
    if (this.blocked.has(anchor)) return;
    this.d.state.groups.unlink(anchor);
    this.quarantine(anchor, dn, `the Okta group ${oktaId} no longer exists in Okta; the next run creates it again`);
  }

  private async member(groupAnchor: string, op: 'add' | 'remove', userAnchor: string): Promise<void> {
    if (this.blocked.has(groupAnchor)) return;
    const { state, sink, log } = this.d;
    const group = state.groups.get(groupAnchor);
    if (!group?.oktaId) {
      if (op === 'remove') state.groups.recordMemberRemoved(groupAnchor, userAnchor);
      return;
    }
    const user = state.users.get(userAnchor);
    if (!user?.oktaId) {
      // not (yet) in Okta: created by a later run, and added then
      if (op === 'add') log.debug('group member not added: the user is not in Okta yet', { group: group.dn, user: userAnchor });
      else state.groups.recordMemberRemoved(groupAnchor, userAnchor);
      return;
    }
    try {
      if (op === 'add') {
        await sink.addGroupMember(group.oktaId, user.oktaId);
        state.groups.recordMemberAdded(groupAnchor, userAnchor);
        this.counts.membersAdded++;
      } else {
        await sink.removeGroupMember(group.oktaId, user.oktaId);
        state.groups.recordMemberRemoved(groupAnchor, userAnchor);
        this.counts.membersRemoved++;
      }
    } catch (e) {
      const err = this.oktaError(e);
      if (err.ambiguous) return this.failed(groupAnchor, group.dn, `group member ${op} (${user.dn})`, err, false);
      if (err.status === 404) {
        let exists: OktaGroup | null;
        try {
          exists = await sink.getGroup(group.oktaId);
        } catch (e2) {
          return this.failed(groupAnchor, group.dn, `group member ${op} (${user.dn})`, this.oktaError(e2), false);
        }
        if (!exists) return this.oktaGroupGone(groupAnchor, group.dn, group.oktaId);
        // the user is gone from Okta (deleted by hand): the users sync reports it; this membership waits
        return this.failed(groupAnchor, group.dn, `group member ${op} (${user.dn}: the Okta user ${user.oktaId} was not found)`, err, false);
      }
      return this.quarantine(groupAnchor, group.dn, `${describe(err)} (adding or removing ${user.dn})`);
    }
  }
}

export async function applyGroupPlan(deps: GroupApplyDeps): Promise<GroupApplyCounts> {
  return new GroupApplier(deps).run();
}
