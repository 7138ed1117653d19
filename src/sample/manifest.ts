/**
 * What a sample file says about itself, in LDIF comments (which slapadd, ldapadd and the agent's
 * LDIF reader skip), so the sample is one self-describing file:
 *
 * ```
 * version: 1
 *
 * # ldap-okta-sync sample: …
 * # sample: {"format":1,"percent":25,…}              the manifest (JSON on one line)
 * # sample-stratum: {"id":1,"signature":…,"weight":4}  one line per stratum
 *
 * # sample-record: 1 9f0c…-…                          before each user: its stratum and anchor
 * dn: uid=…
 * ```
 *
 * A forecast reads the manifest and the record lines back (a line at a time: a sample of any
 * size), keyed by anchor and by DN (a sample loaded into a directory without its anchors still
 * matches by DN).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { normalizeDn } from '../directory/dn';
import type { WeightedStratum } from './strata';

export interface SampleManifest {
  format: 1;
  percent: number;
  /** Names the key (not the key). */
  keyId: string;
  /** The sample's suffix (what the directory's common root became); null when users and groups share no root. */
  suffix: string | null;
  /** The configured base DNs as the sample names them: what a rehearsal's configuration uses. */
  baseDns: { users: string[]; groups: string[] };
  users: { directory: number; sample: number };
  groups: { directory: number; sample: number };
}

const MANIFEST = 'sample: ';
const STRATUM = 'sample-stratum: ';
const RECORD = 'sample-record: ';

/** The file's head: `version: 1`, a comment for people, the manifest and the strata. */
export function manifestHeader(m: SampleManifest, strata: readonly WeightedStratum[]): string {
  const lines = [
    'version: 1',
    '',
    `# ldap-okta-sync sample: ${m.percent}% of the users (${m.users.sample} of ${m.users.directory}), stratified by preflight problems;`,
    `# every name, e-mail, phone, number and DN value replaced by a keyed pseudonym (key ${m.keyId}).`,
    '# Load with slapadd, or ldapadd -x -e relax -D <root DN> -W -f <file> (relax keeps the anchors).',
    `# ${MANIFEST}${JSON.stringify(m)}`,
    ...strata.map((s) => `# ${STRATUM}${JSON.stringify({ id: s.id, signature: s.signature, directory: s.directory, sample: s.sample, weight: s.weight })}`),
    '',
    '',
  ];
  return lines.join('\n');
}

/** The comment before a user entry. */
export function recordComment(stratum: number, anchor: string): string {
  return `${RECORD}${stratum} ${anchor}`;
}

export interface SampleRecordKey {
  anchor: string;
  dnNorm: string;
  stratum: number;
}

export interface ReadSample {
  manifest: SampleManifest;
  strata: Pick<WeightedStratum, 'id' | 'signature' | 'directory' | 'sample' | 'weight'>[];
}

/** Read a sample file's manifest and strata, handing its records over a batch at a time. Throws when the file is not a sample. */
export async function readSample(path: string, onRecords: (rows: SampleRecordKey[]) => void): Promise<ReadSample> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let manifest: SampleManifest | undefined;
  const strata: ReadSample['strata'] = [];
  let pending: { stratum: number; anchor: string } | undefined;
  let batch: SampleRecordKey[] = [];
  for await (const line of lines) {
    if (line.startsWith('# ')) {
      const text = line.slice(2);
      if (text.startsWith(RECORD)) {
        const [id, ...anchor] = text.slice(RECORD.length).split(' ');
        pending = { stratum: Number(id), anchor: anchor.join(' ') };
      } else if (text.startsWith(STRATUM)) strata.push(JSON.parse(text.slice(STRATUM.length)) as ReadSample['strata'][number]);
      else if (text.startsWith(MANIFEST)) manifest = JSON.parse(text.slice(MANIFEST.length)) as SampleManifest;
      continue;
    }
    if (pending && /^dn::? /i.test(line)) {
      const dn = line.startsWith('dn:: ') ? Buffer.from(line.slice(5), 'base64').toString('utf8') : line.slice(4);
      batch.push({ ...pending, dnNorm: normalizeDn(dn) });
      pending = undefined;
      if (batch.length >= 1000) {
        onRecords(batch);
        batch = [];
      }
    }
  }
  if (batch.length) onRecords(batch);
  if (!manifest || manifest.format !== 1) throw new Error(`${path} is not a sample written by \`ldap-okta-sync sample\` (no "# sample:" manifest line)`);
  return { manifest, strata };
}
