/**
 * Change positions (checkpoints): when an incremental scan may resume from an earlier one, and
 * the filter clause that selects what changed since. Pure functions.
 */
import { gte } from './filter';
import type { Checkpoint } from './source';

export type ResumeVerdict = { ok: true } | { ok: false; reason: string };

/** CSN "20261128203024.445174Z#000000#000#000000": compare by text (fixed-width fields sort correctly). */
function csnTime(csn: string): string {
  return csn.split('#')[0];
}

export function canResume(previous: Checkpoint, current: Checkpoint): ResumeVerdict {
  if (current.kind === 'none') return { ok: false, reason: 'the source cannot report changes (every run is a full run)' };
  if (previous.kind !== current.kind) {
    return { ok: false, reason: `change tracking changed from ${previous.kind} to ${current.kind}` };
  }
  if (previous.kind === 'ad-usn' && current.kind === 'ad-usn') {
    if (previous.dc.toLowerCase() !== current.dc.toLowerCase()) {
      return { ok: false, reason: `the domain controller changed from ${previous.dc} to ${current.dc}: USNs are per DC` };
    }
    if (previous.invocationId.toLowerCase() !== current.invocationId.toLowerCase()) {
      return {
        ok: false,
        reason: `the invocationId of ${current.dc} changed from ${previous.invocationId} to ${current.invocationId} (restored from a backup?)`,
      };
    }
    if (BigInt(current.usn) < BigInt(previous.usn)) {
      return { ok: false, reason: `highestCommittedUSN of ${current.dc} went back from ${previous.usn} to ${current.usn}` };
    }
    return { ok: true };
  }
  if (previous.kind === 'ldap-csn' && current.kind === 'ldap-csn') {
    if (csnTime(current.csn) < csnTime(previous.csn)) {
      return { ok: false, reason: `contextCSN went back from ${previous.csn} to ${current.csn} (restored from a backup?)` };
    }
    return { ok: true };
  }
  return { ok: true };
}

/**
 * Whether the server's change position is exactly where it was: nothing was written since (an
 * idle poll stops there). Only for positions that move with every write: a USN of the same DC
 * and invocationId, or every contextCSN value; never for timestamps (the agent's clock) or files.
 */
export function samePosition(previous: Checkpoint, current: Checkpoint): boolean {
  if (previous.kind === 'ad-usn' && current.kind === 'ad-usn') {
    return (
      previous.dc.toLowerCase() === current.dc.toLowerCase() &&
      previous.invocationId.toLowerCase() === current.invocationId.toLowerCase() &&
      previous.usn === current.usn
    );
  }
  if (previous.kind === 'ldap-csn' && current.kind === 'ldap-csn') {
    const [a, b] = [previous.csns, current.csns];
    return !!a && !!b && a.length === b.length && a.every((c, i) => c === b[i]);
  }
  return false;
}

/** Subtract seconds from a generalized time (YYYYMMDDHHMMSS[.fff]Z). */
export function generalizedTimeMinus(ts: string, seconds: number): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(ts);
  if (!m) throw new Error(`not a generalized time: ${ts}`);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - seconds * 1000);
  return toGeneralizedTime(d);
}

export function toGeneralizedTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/**
 * The filter clause selecting entries changed after a checkpoint.
 * - ad-usn: uSNChanged above the stored highestCommittedUSN (read before the previous scan).
 * - ldap-csn: entryCSN at or above the stored contextCSN. OpenLDAP advances contextCSN only past
 *   committed writes, so nothing older can appear later; the boundary entry is re-read (the
 *   overlap) and costs nothing, because an unchanged record plans no write.
 * - ldap-timestamp: modifyTimestamp within `overlapSeconds` before the stored time (second
 *   granularity and clock skew); re-read entries are de-duplicated by the plan the same way.
 */
export function changedSince(since: Checkpoint, overlapSeconds: number): string | undefined {
  switch (since.kind) {
    case 'ad-usn':
      return gte('uSNChanged', String(BigInt(since.usn) + 1n));
    case 'ldap-csn':
      return gte('entryCSN', since.csn);
    case 'ldap-timestamp':
      return gte('modifyTimestamp', generalizedTimeMinus(since.timestamp, overlapSeconds));
    case 'none':
      return undefined;
  }
}
