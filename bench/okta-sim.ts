/**
 * Okta simulator benchmark: the simulator must stay usable as a 100k-user org in tests, benchmarks
 * and the demo. Each operation is measured at 10,000 and at 100,000 users in the same run and
 * printed per item with the ratio between the two sizes (the machines are shared and noisy, so only
 * ratios compare across runs): seeding, lookups by login, creates, a full listing by cursor, and a
 * sparse search across all pages. Lookups and creates should cost the same at both sizes (ratio ≈ 1);
 * a listing page should cost the same early and late in the listing (cursor seek, no rescan from the
 * start: the "late / early pages" ratio ≈ 1); a search scans linearly (the same cost a user scanned).
 * Usage: `npm run bench okta-sim`
 */
import { BUCKETS, startOktaSimulator, type BucketName, type OktaSimulator } from '../src/okta-sim';
import { ratio, type Figures as BenchFigures } from './results';

const SIZES = [10_000, 100_000];
const LOOKUPS = 500;
const CREATES = 200;
const PAGE = 200;
const NO_LIMIT = 1_000_000_000;

interface Figures {
  n: number;
  seedUs: number;
  lookupUs: number;
  createUs: number;
  pages: number;
  earlyPageMs: number;
  latePageMs: number;
  searchUsPerUser: number;
}

const profile = (n: number | string, department = 'Common') => ({
  login: `user${n}@example.com`,
  email: `user${n}@example.com`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  department,
});

async function get(sim: OktaSimulator, url: string): Promise<{ status: number; json: unknown; next?: string }> {
  const res = await fetch(url.startsWith('http') ? url : sim.url + url, { headers: { Accept: 'application/json', Authorization: `SSWS ${sim.token}` } });
  const json: unknown = await res.json();
  const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  return { status: res.status, json, next };
}

async function post(sim: OktaSimulator, url: string, body: unknown): Promise<number> {
  const res = await fetch(sim.url + url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: `SSWS ${sim.token}` },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function measure(n: number): Promise<Figures> {
  const rateLimits = Object.fromEntries(BUCKETS.map((b) => [b, NO_LIMIT])) as Record<BucketName, number>;
  const sim = await startOktaSimulator({ rateLimits });
  try {
    let t0 = process.hrtime.bigint();
    sim.store.seedUsers(
      (function* () {
        for (let i = 0; i < n; i++) {
          yield { status: i % 50 === 0 ? ('DEPROVISIONED' as const) : ('ACTIVE' as const), profile: profile(i, i % 1000 === 7 ? 'Rare' : 'Common') };
        }
      })(),
    );
    const seedUs = (since(t0) * 1000) / n;

    t0 = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) {
      const r = await get(sim, `/api/v1/users/user${(i * 7919) % n}%40example.com`);
      if (r.status !== 200) throw new Error(`lookup answered ${r.status}`);
    }
    const lookupUs = (since(t0) * 1000) / LOOKUPS;

    t0 = process.hrtime.bigint();
    for (let i = 0; i < CREATES; i++) {
      const status = await post(sim, '/api/v1/users', { profile: profile(`new${i}`) });
      if (status !== 200) throw new Error(`create answered ${status}`);
    }
    const createUs = (since(t0) * 1000) / CREATES;

    const pageMs: number[] = [];
    let url: string | undefined = `/api/v1/users?limit=${PAGE}`;
    let listed = 0;
    while (url) {
      const p0 = process.hrtime.bigint();
      const r = await get(sim, url);
      pageMs.push(since(p0));
      listed += (r.json as unknown[]).length;
      url = r.next;
    }
    // the default listing leaves out DEPROVISIONED users (every 50th seeded one)
    if (listed !== n - n / 50 + CREATES) throw new Error(`listing returned ${listed} users, not ${n - n / 50 + CREATES}`);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const k = Math.min(50, Math.floor(pageMs.length / 3));

    t0 = process.hrtime.bigint();
    let found = 0;
    url = `/api/v1/users?limit=20&search=${encodeURIComponent('profile.department eq "rare"')}`;
    while (url) {
      const r = await get(sim, url);
      found += (r.json as unknown[]).length;
      url = r.next;
    }
    if (found !== n / 1000) throw new Error(`search found ${found} users, not ${n / 1000}`);
    const searchUsPerUser = (since(t0) * 1000) / n;

    return {
      n,
      seedUs,
      lookupUs,
      createUs,
      pages: pageMs.length,
      // the first page is left out of "early": it warms up the connection
      earlyPageMs: mean(pageMs.slice(1, k + 1)),
      latePageMs: mean(pageMs.slice(-k - 1, -1)),
      searchUsPerUser,
    };
  } finally {
    await sim.close();
  }
}

export async function benchOktaSim(): Promise<BenchFigures> {
  console.log(`\n== okta-sim: the simulator at ${SIZES.map((s) => s.toLocaleString('en-US')).join(' and ')} users (in process, no rate limits)`);
  await measure(2_000); // warm-up (JIT, sockets), not printed
  const figs: Figures[] = [];
  for (const n of SIZES) figs.push(await measure(n));
  const [a, b] = [figs[0], figs[figs.length - 1]];
  const f2 = (x: number) => x.toFixed(2);
  const rows: [string, (f: Figures) => number, string][] = [
    ['seed, a user', (f) => f.seedUs, 'µs'],
    [`GET user by login (${LOOKUPS}), a request`, (f) => f.lookupUs, 'µs'],
    [`POST user (${CREATES}), a request`, (f) => f.createUs, 'µs'],
    [`full listing, ${PAGE} a page: early pages`, (f) => f.earlyPageMs, 'ms'],
    ['  late pages', (f) => f.latePageMs, 'ms'],
    ['sparse search over all pages, a user scanned', (f) => f.searchUsPerUser, 'µs'],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const col = (f: Figures) => `${f.n.toLocaleString('en-US')} users`.padStart(16);
  console.log(`  ${''.padEnd(w)}  ${figs.map(col).join('')}   ${`${b.n / 1000}k / ${a.n / 1000}k`.padStart(10)}`);
  for (const [label, get, unit] of rows) {
    console.log(`  ${label.padEnd(w)}  ${figs.map((f) => `${f2(get(f))} ${unit}`.padStart(16)).join('')}   ${f2(get(b) / get(a)).padStart(10)}`);
  }
  for (const f of figs) console.log(`  ${f.n.toLocaleString('en-US')} users: ${f.pages} pages, late / early pages ratio ${f2(f.latePageMs / f.earlyPageMs)}`);
  const figures: BenchFigures = {};
  for (const f of figs) {
    const k = `@${f.n / 1000}k`;
    figures[`lookup${k}`] = { value: ratio(f.lookupUs), unit: 'µs a request' };
    figures[`create${k}`] = { value: ratio(f.createUs), unit: 'µs a request' };
    figures[`latePagesToEarly${k}`] = { value: ratio(f.latePageMs / f.earlyPageMs), unit: '× early pages' };
    figures[`searchPerUser${k}`] = { value: ratio(f.searchUsPerUser), unit: 'µs a user scanned' };
  }
  return figures;
}
