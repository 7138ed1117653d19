/**
 * The group plan for people (`plan`: tables after the users' tables) and for programs (`plan --json`:
 * a `groupActions` list), read from the plan's TEMP tables a batch at a time; membership lists are
 * held for one group at a time.
 *
 * Per group: what happens to its Okta group — create, take over (an OKTA_GROUP of that name exists),
 * rename (old → new name or description), membership changes only, left the directory (the Okta
 * group is kept, the agent's memberships removed), quarantined (with the reason) — and the members to
 * add and to remove, with counts.
 *
 * Whether a group is created or an existing one taken over is only known by asking Okta:
 * `lookUpFirstContacts` (src/sync/groups/first-contact-lookup.ts) does that read-only, for a bounded
 * number of groups (the plan's `--limit`); its answers are passed in. Groups beyond it show
 * "create or take over".
 */
import type { StateStore } from '../state/store';
import type { GroupPlan } from '../sync/groups';
import type { FirstContactLookup } from '../sync/groups/first-contact-lookup';
import type { EnsurePayload, GonePayload, KeepPayload, QuarantinePayload, RenamePayload } from '../sync/groups/rules';
import { table } from './table';

export type GroupPlanAction = 'create' | 'take over' | 'create or take over' | 'rename' | 'members' | 'left the directory' | 'quarantine';

/** One group of the plan, as shown. */
export interface GroupPlanRow {
  anchor: string;
  dn: string;
  /** The Okta group's name after the run (create, take over, rename: what the templates say). */
  name: string | null;
  action: GroupPlanAction;
  oktaId: string | null;
  /** rename: the name and description applied so far; take over: the Okta group's. */
  from?: { name: string | null; description: string | null };
  description?: string | null;
  /** quarantine: why; create or take over: why Okta was not asked. */
  reason?: string;
  /** Members to add and to remove (none are written for a quarantined group). */
  add: number;
  remove: number;
}

/** The plan's groups with something to do (unchanged groups are left out), in plan order. */
export function* groupPlanRows(
  plan: GroupPlan,
  state: StateStore,
  firstContacts: ReadonlyMap<string, FirstContactLookup> = new Map(),
): Generator<GroupPlanRow> {
  if (!plan.spool) return;
  for (const a of plan.spool.actionsWithCounts()) {
    const base = { anchor: a.anchor, add: a.adds, remove: a.removes };
    switch (a.kind) {
      case 'ensure': {
        const p = a.payload as EnsurePayload;
        const fc = firstContacts.get(a.anchor);
        if (fc?.kind === 'quarantine') {
          yield { ...base, dn: p.dn, name: p.name, action: 'quarantine', oktaId: null, reason: fc.reason, add: 0, remove: 0 };
        } else if (fc?.kind === 'take over') {
          const g = fc.group;
          yield {
            ...base,
            dn: p.dn,
            name: p.name,
            description: p.description,
            action: 'take over',
            oktaId: g.id,
            from: { name: g.name, description: g.description ?? null },
          };
        } else {
          yield {
            ...base,
            dn: p.dn,
            name: p.name,
            description: p.description,
            action: fc?.kind === 'create' ? 'create' : 'create or take over',
            oktaId: null,
          };
        }
        break;
      }
      case 'rename': {
        const p = a.payload as RenamePayload;
        yield { ...base, dn: p.dn, name: p.name, description: p.description, action: 'rename', oktaId: p.oktaId, from: p.from };
        break;
      }
      case 'keep': {
        if (!a.adds && !a.removes) break;
        const p = a.payload as KeepPayload;
        yield { ...base, dn: p.dn, name: state.groups.get(a.anchor)?.name ?? null, action: 'members', oktaId: p.oktaId };
        break;
      }
      case 'gone': {
        const p = a.payload as GonePayload;
        yield { ...base, dn: p.dn, name: state.groups.get(a.anchor)?.name ?? null, action: 'left the directory', oktaId: p.oktaId };
        break;
      }
      case 'quarantine': {
        const p = a.payload as QuarantinePayload;
        yield { ...base, dn: p.dn, name: null, action: 'quarantine', oktaId: null, reason: p.reason, add: 0, remove: 0 };
        break;
      }
    }
  }
}

const clip = (s: string | null | undefined, max = 60) => (s == null ? '' : s.length > max ? s.slice(0, max - 1) + '…' : s);
const quoted = (s: string | null | undefined) => (s == null ? '∅' : `"${clip(s, 40)}"`);

/** What changes in the Okta group's profile: name and description, old → new. */
function profileChanges(r: GroupPlanRow): string[] {
  const parts: string[] = [];
  if (r.from?.name !== r.name) parts.push(`rename ${quoted(r.from?.name)} → ${quoted(r.name)}`);
  if ((r.from?.description ?? null) !== (r.description ?? null)) parts.push(`description ${quoted(r.from?.description)} → ${quoted(r.description)}`);
  return parts;
}

function actionText(r: GroupPlanRow): string {
  switch (r.action) {
    case 'take over':
      return [`take over ${r.oktaId} (${quoted(r.from?.name)})`, ...profileChanges(r)].join('; ');
    case 'rename':
      return profileChanges(r).join('; ');
    case 'left the directory':
      return "left the directory: remove the agent's memberships, keep the Okta group";
    case 'create or take over':
      return r.reason ? `create or take over (${clip(r.reason, 50)})` : 'create or take over';
    default:
      return r.action;
  }
}

/**
 * The group plan as tables (at most `limit` rows each): the groups with changes, the members to add
 * and remove, and the quarantined groups.
 */
export function* formatGroupPlan(
  plan: GroupPlan,
  state: StateStore,
  limit = 200,
  firstContacts: ReadonlyMap<string, FirstContactLookup> = new Map(),
): Generator<string> {
  const { spool } = plan;
  if (!spool) return;
  const changes: string[][] = [];
  const quarantined: string[][] = [];
  let nChanges = 0;
  let nQuarantined = 0;
  const skipOps = new Set<string>();
  const names = new Map<string, string>();
  for (const r of groupPlanRows(plan, state, firstContacts)) {
    if (r.action === 'quarantine') {
      skipOps.add(r.anchor);
      if (nQuarantined++ < limit) quarantined.push([clip(r.dn), r.reason ?? '']);
      continue;
    }
    names.set(r.anchor, r.name ?? r.dn);
    if (nChanges++ < limit) changes.push([clip(r.name ?? '', 40), actionText(r), String(r.add), String(r.remove), clip(r.dn)]);
  }
  const more = (n: number) => (n > limit ? `, first ${limit} shown; --json for all` : '');
  if (nChanges) {
    yield `\nGroup changes (${nChanges}${more(nChanges)}):`;
    yield table(changes, ['group', 'action', 'add', 'remove', 'dn']);
  }
  const members: string[][] = [];
  let nOps = 0;
  for (const op of spool.memberOps()) {
    if (skipOps.has(op.groupAnchor)) continue;
    if (nOps++ >= limit) continue;
    const group = names.get(op.groupAnchor) ?? state.groups.get(op.groupAnchor)?.name ?? spool.runGroup(op.groupAnchor)?.name ?? op.groupAnchor;
    members.push([clip(group, 40), op.op === 'add' ? '+' : '-', op.login ?? '', clip(op.dn ?? op.userAnchor)]);
  }
  if (nOps) {
    yield `\nGroup members to add (+) or remove (-) (${nOps}${more(nOps)}):`;
    yield table(members, ['group', '+/-', 'login', 'dn']);
  }
  if (nQuarantined) {
    yield `\nQuarantined groups (${nQuarantined}${more(nQuarantined)}):`;
    yield table(quarantined, ['dn', 'reason']);
  }
}

/** The group plan as a JSON array member `"groupActions":[…]`, a group at a time, with its members to add and remove. */
export function* groupPlanJson(plan: GroupPlan, state: StateStore, firstContacts: ReadonlyMap<string, FirstContactLookup> = new Map()): Generator<string> {
  const { spool } = plan;
  yield '"groupActions":[';
  let first = true;
  if (spool) {
    for (const r of groupPlanRows(plan, state, firstContacts)) {
      const add: { login: string | null; dn: string | null }[] = [];
      const remove: { login: string | null; dn: string | null }[] = [];
      if (r.action !== 'quarantine') for (const op of spool.memberOps(r.anchor)) (op.op === 'add' ? add : remove).push({ login: op.login, dn: op.dn });
      const { anchor: _anchor, ...shown } = r;
      yield (first ? '\n' : ',\n') + JSON.stringify({ ...shown, members: { add, remove } });
      first = false;
    }
  }
  yield '\n]';
}

/**
 * A streamed JSON object document (`chunks`) with more members appended before its closing brace
 * (`member` chunks, e.g. from {@link groupPlanJson}).
 */
export function* withJsonMember(chunks: Iterable<string>, member: Iterable<string>): Generator<string> {
  let held: string | undefined;
  for (const c of chunks) {
    if (held !== undefined) yield held;
    held = c;
  }
  const m = /\}\s*$/.exec(held ?? '');
  if (!held || !m) throw new Error('withJsonMember: the document is not a JSON object');
  yield held.slice(0, m.index) + ',';
  yield* member;
  yield held.slice(m.index);
}
