/**
 * Ranged retrieval (Active Directory): a multi-valued attribute with more values than the server's
 * MaxValRange (1,500 by default) comes back as `member;range=0-1499` and must be read on in
 * further base searches (`member;range=1500-*`, …) until a range ends in `*`.
 */
import type { Searcher } from './connection';

const RANGE = /^(.+);range=(\d+)-(\d+|\*)$/i;

/** Replace every `attr;range=a-b` of a raw entry by `attr` with all of its values. */
export async function completeRanges(client: Searcher, entry: Record<string, unknown> & { dn: string }, onEntryRead: () => void): Promise<void> {
  for (const key of Object.keys(entry)) {
    const m = RANGE.exec(key);
    if (!m) continue;
    const attr = m[1];
    const values = toStrings(entry[key]);
    delete entry[key];
    let end = m[3];
    while (end !== '*') {
      const next = Number(end) + 1;
      const { searchEntries } = await client.search(entry.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [`${attr};range=${next}-*`] });
      onEntryRead();
      const e = (searchEntries[0] ?? {}) as Record<string, unknown>;
      const k = Object.keys(e).find((x) => RANGE.test(x) && RANGE.exec(x)![1].toLowerCase() === attr.toLowerCase());
      if (!k) break; // the attribute shrank while we read it; what we have is what there is
      values.push(...toStrings(e[k]));
      end = RANGE.exec(k)![3];
    }
    const existing = entry[attr];
    entry[attr] = existing === undefined ? values : [...toStrings(existing), ...values];
  }
}

function toStrings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}
