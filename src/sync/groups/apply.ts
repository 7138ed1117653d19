/**
 * Applying the group plan, in two phases around the users' apply. Before the users
 * ({@link GroupApplier.prepare}): the directory side of the state (groups read, direct members,
 * groups gone); removals from groups that left the directory; group creates / first-contact
 * matches / renames — so that a user created this run joins its groups with its create (up to 20
 * OKTA_GROUPs in the create's `groupIds`: one request instead of one per membership,
 * {@link GroupApplier.joinsOnCreate}). After the users ({@link GroupApplier.finish}): the other
 * membership adds and removes (users created this run have their Okta ids) — each phase a bounded
 * number of requests at a time. The Okta side of the state changes only after Okta confirmed each
 * write.
 *
 * Errors (classified by okta/errors.ts): a 4xx on a group quarantines that group with Okta's
 * errorCode and summary (its other operations are skipped; it is retried every run); 5xx and
 * timeouts (after the executor's retries) are counted as failed, the state is not updated, and the
 * group is re-planned by the next run; a bad token or an unreachable org stops the run.
 *
 * Every write is journaled before it is sent, like the users' writes. A group create whose answer
 * was lost is found by name (by the next start's recovery, or on the next attempt by first
 * contact), never duplicated; profile replaces and membership PUT/DELETE are idempotent and sent
 * again by the next run.
 *
 * First contact is decided from the agent's mirror of Okta (its groups); a create Okta refuses
 * because the name exists after all (created since the mirror's refresh) asks Okta by name and
 * decides again. Okta's answers to the writes are recorded in the mirror.
 */
import type { OktaGroup, OktaClient } from '../../okta/client';
import { classifyOktaFailure, OktaError, type OktaFailure } from '../../okta/errors';
import type { GroupSpool } from '../../state/group-spool';
import type { JournalEntry, OktaMirror, StateStore } from '../../state/store';
import type { Logger } from '../../util/log';
import type { GroupApplyCounts } from './index';
import type { EnsurePayload, RenamePayload } from './rules';
import { decideFirstContact, groupsNamed, type FirstContact, type FirstContactLookups } from './first-contact';

export interface GroupApplyDeps {
  state: StateStore;
  /** The agent's mirror of Okta: first contact reads it; Okta's answers are recorded in it. */
  mirror: OktaMirror;
  oktaClient: OktaClient;
  tables: GroupSpool;
  runId: number;
  log: Logger;
  concurrency: number;
  signal?: AbortSignal;
  /** Plan-time quarantines (counted in the result). */
  plannedQuarantines: number;
}

/** A group a user joins with its create. */
export interface CreateJoin {
  groupAnchor: string;
  groupId: string;
}

/** Okta's limit on the groups of a create (`groupIds`). */
const MAX_GROUP_IDS = 20;

const isNameTaken = (e: unknown) => e instanceof OktaError && e.status === 400 && e.errorCode === 'E0000001';

/** The journal op of a group create (settled by name at the next start: {@link recoverGroupCreate}). */
export const GROUP_CREATE = 'group-create';

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

  /** Before the users' apply: the directory side, removals from groups that left, first contacts, creates, renames. */
  async prepare(): Promise<void> {
    const { tables } = this.d;
    tables.recordDirectory(this.d.runId);
    await this.pool(tables.ops(['gone']), (op) => this.member(op.groupAnchor, op.op, op.userAnchor));
    await this.pool(tables.actions<EnsurePayload | RenamePayload>(['ensure', 'rename']), (a) =>
      a.kind === 'ensure' ? this.ensure(a.anchor, a.payload) : this.rename(a.anchor, a.payload as RenamePayload),
    );
  }

  /**
   * The groups a user created this run joins with its create: the OKTA_GROUPs this plan adds it to
   * that have an Okta id and were not blocked (quarantined or failed) this run; at most 20 (Okta's
   * limit on `groupIds`), the others are added by {@link finish}.
   */
  joinsOnCreate(userAnchor: string): CreateJoin[] {
    if (this.fatal) return [];
    const out: CreateJoin[] = [];
    for (const groupAnchor of this.d.tables.addsOf(userAnchor, ['ensure', 'rename', 'keep'])) {
      if (out.length >= MAX_GROUP_IDS) break;
      const groupId = this.blocked.has(groupAnchor) ? null : this.d.state.groups.get(groupAnchor)?.oktaId;
      if (groupId) out.push({ groupAnchor, groupId });
    }
    return out;
  }

  /** Okta confirmed a create that carried these groups: the memberships are applied, {@link finish} skips them. */
  joined(userAnchor: string, userId: string, joins: readonly CreateJoin[]): void {
    const { state, mirror, tables } = this.d;
    state.transaction(() => {
      for (const j of joins) {
        state.groups.recordMemberAdded(j.groupAnchor, userAnchor);
        mirror.groups.memberAdded(j.groupId, userId);
      }
    });
    tables.addsDone(
      userAnchor,
      joins.map((j) => j.groupAnchor),
    );
    this.counts.membersAdded += joins.length;
  }

  /** After the users' apply: the membership adds and removes left, then every group whose writes were all confirmed is settled. */
  async finish(): Promise<GroupApplyCounts> {
    const { tables } = this.d;
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

  /**
   * The one tail of a failed group write (okta/errors.ts classifies it): fatal and internal errors
   * are rethrown and stop the run; a write that may have happened is counted as failed (the group
   * is re-planned by the next run); a refusal is returned, for the caller to quarantine the group.
   */
  private refusal(e: unknown, anchor: string, dn: string, what: string, block: boolean): OktaFailure | undefined {
    const failure = classifyOktaFailure(e);
    if (failure.kind === 'refused') return failure;
    this.failed(anchor, dn, what, failure.reason, block);
    return undefined;
  }

  private failed(anchor: string, dn: string, what: string, error: string, block: boolean): void {
    this.counts.failed++;
    this.unsettled.add(anchor);
    if (block) this.blocked.add(anchor);
    this.d.log.error(`Okta ${what} failed; it will be retried by the next run`, { dn, anchor, error });
  }

  /** Send one write under a journal entry (committed first, removed with the state update `record`). */
  private journaled<T>(anchor: string, op: string, payload: unknown, send: () => Promise<T>, record: (value: T) => void): Promise<T> {
    // a group create whose outcome is unknown stays journaled: the next start looks the name up
    const keep = (e: unknown) => op === GROUP_CREATE && e instanceof OktaError && e.ambiguous;
    return this.d.state.journal.around({ runId: this.d.runId, anchor, op, payload }, send, record, keep);
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

  /** First contact (see first-contact.ts): take over an existing OKTA_GROUP of that name, or create one. */
  private async ensure(anchor: string, p: EnsurePayload): Promise<void> {
    const { oktaClient, state, mirror } = this.d;
    try {
      const first = decideFirstContact(anchor, p.name, mirror.groups.named(p.name), this.lookups);
      if (first.kind !== 'create') return await this.firstContact(anchor, p, first);
      try {
        await this.journaled(
          anchor,
          GROUP_CREATE,
          { name: p.name, description: p.description },
          () => oktaClient.createGroup(p.name, p.description),
          (created: OktaGroup) => {
            // what we sent is what the state records as applied (Okta's echo might differ in form: no PUT every run)
            state.groups.recordLinked(anchor, created.id, 'created', p.name, p.description);
            mirror.groups.put([created]);
            this.counts.created++;
          },
        );
      } catch (e) {
        if (!isNameTaken(e)) throw e;
        // the name exists after all (created since the mirror's refresh, or our own create whose answer was lost): ask Okta, decide again
        const named = await oktaClient.findGroupsByName(p.name);
        mirror.groups.put(named);
        const again = decideFirstContact(anchor, p.name, named, this.lookups);
        if (again.kind === 'create') return this.quarantine(anchor, p.dn, classifyOktaFailure(e).reason);
        return await this.firstContact(anchor, p, again);
      }
    } catch (e) {
      const refused = this.refusal(e, anchor, p.dn, 'group create', true);
      if (refused) this.quarantine(anchor, p.dn, refused.reason);
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
    const { state } = this.d;
    if (first.kind === 'quarantine') return this.quarantine(anchor, p.dn, first.reason);
    const g = first.group;
    if (first.from) state.groups.transferLink(first.from.anchor, anchor, g.id, g.name, g.description);
    else state.groups.recordLinked(anchor, g.id, 'matched', g.name, g.description);
    this.counts.matched++;
    if (g.name !== p.name || (g.description ?? null) !== p.description) await this.replaceProfile(anchor, g.id, p.name, p.description);
  }

  /** Replace the Okta group's profile (name, description) with what the templates say. */
  private async replaceProfile(anchor: string, oktaId: string, name: string, description: string | null): Promise<void> {
    await this.journaled(
      anchor,
      'group-update',
      { oktaId, name, description },
      () => this.d.oktaClient.updateGroup(oktaId, name, description),
      (updated) => {
        this.d.state.groups.recordProfile(anchor, name, description);
        this.d.mirror.groups.put([updated]);
        this.counts.updated++;
      },
    );
  }

  /** The directory group's name or description changed: replace the Okta group's profile. */
  private async rename(anchor: string, p: RenamePayload): Promise<void> {
    try {
      await this.replaceProfile(anchor, p.oktaId, p.name, p.description);
    } catch (e) {
      const refused = this.refusal(e, anchor, p.dn, 'group rename', true);
      if (!refused) return;
      if (refused.error.status === 404) return this.oktaGroupGone(anchor, p.dn, p.oktaId);
      return this.quarantine(anchor, p.dn, refused.reason);
    }
  }

  /** Someone deleted the Okta group the agent manages: forget it; the next run creates (or matches) it again. */
  private oktaGroupGone(anchor: string, dn: string, oktaId: string): void {
    if (this.blocked.has(anchor)) return;
    this.d.state.groups.unlink(anchor);
    this.d.mirror.groups.remove(oktaId);
    this.quarantine(anchor, dn, `the Okta group ${oktaId} no longer exists in Okta; the next run creates it again`);
  }

  private async member(groupAnchor: string, op: 'add' | 'remove', userAnchor: string): Promise<void> {
    if (this.blocked.has(groupAnchor)) return;
    const { state, oktaClient, log } = this.d;
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
    const [groupId, userId] = [group.oktaId, user.oktaId];
    const what = `group member ${op} (${user.dn})`;
    try {
      await this.journaled(
        groupAnchor,
        `group-member-${op}`,
        { groupId, userId, userAnchor },
        () => (op === 'add' ? oktaClient.addGroupMember(groupId, userId) : oktaClient.removeGroupMember(groupId, userId)),
        () => {
          if (op === 'add') state.groups.recordMemberAdded(groupAnchor, userAnchor);
          else state.groups.recordMemberRemoved(groupAnchor, userAnchor);
          if (op === 'add') this.d.mirror.groups.memberAdded(groupId, userId);
          else this.d.mirror.groups.memberRemoved(groupId, userId);
          this.counts[op === 'add' ? 'membersAdded' : 'membersRemoved']++;
        },
      );
    } catch (e) {
      const refused = this.refusal(e, groupAnchor, group.dn, what, false);
      if (!refused) return;
      if (refused.error.status === 404) {
        let exists: OktaGroup | null;
        try {
          exists = await oktaClient.getGroup(groupId);
        } catch (e2) {
          const again = this.refusal(e2, groupAnchor, group.dn, what, false);
          if (again) this.quarantine(groupAnchor, group.dn, again.reason);
          return;
        }
        if (!exists) return this.oktaGroupGone(groupAnchor, group.dn, groupId);
        // the user is gone from Okta (deleted by hand): the users sync reports it; this membership waits
        return this.failed(groupAnchor, group.dn, `group member ${op} (${user.dn}: the Okta user ${userId} was not found)`, refused.reason, false);
      }
      return this.quarantine(groupAnchor, group.dn, `${refused.reason} (adding or removing ${user.dn})`);
    }
  }
}

/** The group plan's apply: {@link GroupApplier.prepare} before the users, {@link GroupApplier.finish} after them. */
export function groupApplier(deps: GroupApplyDeps): GroupApplier {
  return new GroupApplier(deps);
}

export type { GroupApplier };

/**
 * A group create a previous process left in the journal: the OKTA_GROUP of that name, when no
 * directory group manages it, is the one that create made (recorded as created, with the profile
 * sent); otherwise the entry is dropped and first contact decides on the next run.
 */
export async function recoverGroupCreate(j: JournalEntry, { state, oktaClient, log }: Pick<GroupApplyDeps, 'state' | 'oktaClient' | 'log'>): Promise<void> {
  const p = j.payload as { name: string; description: string | null };
  const { okta } = groupsNamed(p.name, await oktaClient.findGroupsByName(p.name));
  state.transaction(() => {
    if (okta && !state.groups.byOktaId(okta.id)) {
      state.groups.recordLinked(j.anchor, okta.id, 'created', p.name, p.description);
      log.warn('recovered a group create whose result was not recorded', { anchor: j.anchor, name: p.name, oktaId: okta.id });
    } else {
      log.warn('an unfinished group create will be planned again', { anchor: j.anchor, name: p.name });
    }
    state.journal.end(j.id);
  });
}
