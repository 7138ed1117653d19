/**
 * `npm run bench`: runs every benchmark side by side in one process and prints ratios, because the
 * machines are shared and noisy. Usage: node dist-bench/bench/main.js [name ...]
 */
import { benchTransform } from './transform';

type Bench = { name: string; run: () => Promise<void> };
const benches: Bench[] = [{ name: 'transform', run: benchTransform }];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const b of benches) {
    if (wanted.length && !wanted.includes(b.name)) continue;
    await b.run();
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
