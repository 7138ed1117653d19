/**
 * Transform benchmark: records/second of a realistic 10-step pipeline on one core, printed side by
 * side with a hand-written JavaScript function doing the same work (the baseline, measured in the
 * same run), as a ratio — the machines are shared and noisy, so only ratios compare across runs.
 * Usage: benchTransform() (wired into bench/main.ts), or
 *   npx tsc -p bench/tsconfig.json && node -e "require('./dist-bench/bench/transform.js').benchTransform()"
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SourceRecord } from '../src/directory/types';
import { compilePipelineOrThrow, InMemoryLoginRegistry, asciiFold, oktaLoginKey, type OktaProfile, type Pipeline, type TransformContext } from '../src/transform';
import { collapseWhitespace } from '../src/transform/text/fold';
import { isEmail } from '../src/transform/text/email';
import { toE164 } from '../src/transform/text/phone';

const RECORDS = 100_000;
const NOW = new Date('2025-01-15T10:00:00Z');

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'José', 'Zoë', 'Łukasz', 'Mary-Jane', 'Søren', 'Chloé', 'Jürgen', 'Ana', 'Dmitri', 'Noël', 'Siobhán', 'Björn', 'Ítalo', 'Renée', 'Omar', 'Wei', 'Priya', 'Kenji', 'Fatima'];
const SYL = ['ber', 'gar', 'cí', 'mül', 'son', 'ler', 'o\'', 'brien', 'ski', 'ová', 'sen', 'haus', 'dez', 'ríg', 'uez', 'ton', 'field', 'ström', 'lund', 'kov'];

export function makeRecords(n: number): SourceRecord[] {
  const r = prng(42);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const out: SourceRecord[] = [];
  for (let i = 0; i < n; i++) {
    const given = pick(FIRST) + (r() < 0.3 ? ' ' + pick(FIRST) : '');
    const sn = (pick(SYL) + pick(SYL) + pick(SYL)).replace(/^./, (c) => c.toUpperCase());
    const sam = (given[0]! + sn).toLowerCase().replace(/[^a-z]/g, '') + i;
    const attrs: SourceRecord['attributes'] = {
      samaccountname: [r() < 0.01 ? 'svc_' + sam : sam],
      givenname: [r() < 0.1 ? ` ${given}  ` : given],
      sn: [sn],
      mail: [`${sam}@Corp.Example`],
      employeeid: [String(100000 + i)],
      department: ['Dept ' + (i % 50)],
      title: [r() < 0.2 ? 'Senior  Engineer' : 'Engineer'],
      c: [pick(['US', 'DE', 'FR', 'GB'])],
      objectclass: ['top', 'person', 'organizationalPerson', 'user'],
      employeetype: [r() < 0.1 ? 'Contractor' : 'Employee'],
      costcenter: ['CC' + (i % 5000)],
    };
    if (r() < 0.5) attrs.mobile = [`+1 415 ${String(200 + (i % 700)).padStart(3, '0')} ${String(i % 10000).padStart(4, '0')}`];
    out.push({ anchor: `anchor-${i}`, dn: `CN=${given} ${sn},OU=Staff,DC=corp,DC=example`, disabled: false, attributes: attrs });
  }
  return out;
}

export function writeLookup(dir: string): string {
  const lines = ['cc,name,division'];
  for (let i = 0; i < 5000; i++) lines.push(`CC${i},Cost center ${i},Division ${i % 20}`);
  const file = path.join(dir, 'costcenters.csv');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

export const STEPS = [
  { name: 'service-accounts', skip: { if: "sAMAccountName =~ /^svc_/i or 'computer' in objectClass[]", reason: 'service account' } },
  {
    name: 'attributes',
    map: {
      firstName: '{givenName | collapse}',
      lastName: '{sn}',
      email: '{mail}',
      mobilePhone: '{mobile}',
      employeeNumber: '{employeeID}',
      department: '{department}',
      title: '{title}',
      countryCode: '{c | upper}',
    },
  },
  { set: { userType: 'Employee' } },
  { when: { if: "employeeType == 'Contractor'", steps: [{ set: { userType: 'Contractor' } }] } },
  { name: 'clean', normalize: { whitespace: { attributes: ['title'] }, unicode: { attributes: ['firstName', 'lastName'] }, email: { attributes: ['email'] } } },
  { name: 'phones', normalize: { phone: { attributes: ['mobilePhone'], region: '{c}' } } },
  {
    name: 'costcenter',
    lookup: { source: { type: 'csv', file: 'costcenters.csv' }, key: '{costCenter}', column: 'cc', map: { costCenter: '{row.name}', division: '{row.division}' } },
  },
  { name: 'login', username: { templates: ["{givenName | ascii-fold | lower | replace(/[^a-z0-9]+/, '')}.{sn | ascii-fold | lower | replace(/[^a-z0-9]+/, '')}@corp.example"] } },
  { name: 'checks', validate: { required: ['login', 'email', 'lastName'], email: ['email'] } },
  { name: 'display', map: { displayName: '{profile.firstName} {profile.lastName}' } },
];

/** The same work, written by hand (the baseline). */
function makeBaseline(lookup: Map<string, { name: string; division: string }>) {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return (rec: SourceRecord, reg: InMemoryLoginRegistry): OktaProfile | null => {
    const a = rec.attributes;
    const first = (k: string) => (a[k]?.[0] as string | undefined) ?? null;
    const sam = first('samaccountname');
    if ((sam && /^svc_/i.test(sam)) || a.objectclass?.includes('computer')) return null;
    const given = first('givenname');
    const sn = first('sn');
    const c = first('c');
    const p: OktaProfile = {
      firstName: given === null ? null : collapseWhitespace(given),
      lastName: sn,
      email: first('mail'),
      mobilePhone: first('mobile'),
      employeeNumber: first('employeeid'),
      department: first('department'),
      title: first('title'),
      countryCode: c === null ? null : c.toUpperCase(),
      userType: first('employeetype') === 'Contractor' ? 'Contractor' : 'Employee',
    };
    if (typeof p.title === 'string') p.title = collapseWhitespace(p.title);
    if (typeof p.firstName === 'string') p.firstName = p.firstName.normalize('NFC');
    if (typeof p.lastName === 'string') p.lastName = p.lastName.normalize('NFC');
    if (typeof p.email === 'string') {
      p.email = p.email.trim().toLowerCase();
      if (!isEmail(p.email)) return null;
    }
    if (typeof p.mobilePhone === 'string') p.mobilePhone = toE164(p.mobilePhone, c ?? undefined).e164;
    const cc = first('costcenter');
    const row = cc === null ? undefined : lookup.get(cc);
    if (row) {
      p.costCenter = row.name;
      p.division = row.division;
    }
    if (given === null || sn === null) return null;
    const base = `${clean(asciiFold(given))}.${clean(asciiFold(sn))}@corp.example`;
    let login = base;
    for (let n = 2; reg.claim(login, rec.anchor) !== true; n++) login = base.replace('@', `${n}@`);
    p.login = login;
    if (!p.login || !p.email || !p.lastName) return null;
    p.displayName = `${p.firstName} ${p.lastName}`;
    return p;
  };
}

async function timePipeline(p: Pipeline, records: SourceRecord[]): Promise<number> {
  const logins = new InMemoryLoginRegistry();
  const ctx: TransformContext = { now: NOW, logins };
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < records.length; i++) {
    const o = await p.run(records[i]!, ctx);
    if (o.kind === 'ok') ok++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (ok < records.length * 0.9) throw new Error(`benchmark pipeline produced only ${ok} ok outcomes`);
  return records.length / s;
}

async function timeBaseline(f: ReturnType<typeof makeBaseline>, records: SourceRecord[]): Promise<number> {
  const logins = new InMemoryLoginRegistry();
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < records.length; i++) {
    // awaited like the pipeline's run(), so both pay for one promise per record
    const prof = await Promise.resolve(f(records[i]!, logins));
    if (prof) ok++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (ok < records.length * 0.9) throw new Error(`benchmark baseline produced only ${ok} profiles`);
  return records.length / s;
}

export async function benchTransform(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-transform-'));
  try {
    writeLookup(dir);
    const records = makeRecords(RECORDS);
    const full = compilePipelineOrThrow(STEPS, { baseDir: dir });
    const noPhone = compilePipelineOrThrow(STEPS.filter((s) => s.name !== 'phones'), { baseDir: dir });
    await full.beginRun();
    await noPhone.beginRun();
    const lookup = new Map<string, { name: string; division: string }>();
    for (let i = 0; i < 5000; i++) lookup.set(`CC${i}`, { name: `Cost center ${i}`, division: `Division ${i % 20}` });
    const baseline = makeBaseline(lookup);
    const baselineNoPhone = makeBaseline(lookup);

    // sanity: the pipeline and the baseline agree on a sample
    {
      const reg1 = new InMemoryLoginRegistry();
      const reg2 = new InMemoryLoginRegistry();
      for (const r of records.slice(0, 200)) {
        const o = await full.run(r, { now: NOW, logins: reg1 });
        const b = baseline(r, reg2);
        if ((o.kind === 'ok') !== (b !== null) || (o.kind === 'ok' && b && o.profile.login !== b.login)) {
          throw new Error(`pipeline and baseline disagree on ${r.anchor}: ${JSON.stringify(o)} vs ${JSON.stringify(b)}`);
        }
      }
      if (oktaLoginKey('Zoë@X') !== 'zoe@x') throw new Error('login key');
    }

    // warm-up, then alternate measurements to spread machine noise over both sides
    await timePipeline(full, records.slice(0, 20_000));
    await timeBaseline(baseline, records.slice(0, 20_000));
    const res = { full: [] as number[], base: [] as number[], noPhone: [] as number[], baseNoPhone: [] as number[] };
    const noPhoneRecords = records.map((r) => {
      const { mobile: _m, ...attributes } = r.attributes;
      return { ...r, attributes };
    });
    for (let round = 0; round < 3; round++) {
      res.full.push(await timePipeline(full, records));
      res.base.push(await timeBaseline(baseline, records));
      res.noPhone.push(await timePipeline(noPhone, noPhoneRecords));
      res.baseNoPhone.push(await timeBaseline(baselineNoPhone, noPhoneRecords));
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    const row = (label: string, p: number, b: number) =>
      `  ${label.padEnd(44)} ${Math.round(p).toLocaleString('en-US').padStart(10)} rec/s   baseline ${Math.round(b).toLocaleString('en-US').padStart(10)} rec/s   ratio ${(p / b).toFixed(2)}`;
    console.log(`transform: 10-step pipeline, ${RECORDS.toLocaleString('en-US')} records, one core, median of 3 (goal ≥ 50,000 rec/s)`);
    console.log(row('pipeline (half the records have a phone)', med(res.full), med(res.base)));
    console.log(row('pipeline without phones (9 steps)', med(res.noPhone), med(res.baseNoPhone)));
    await full.close();
    await noPhone.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
