/**
 * bench/results.json: the last figures of every bench, one object per bench name, so the figures an
 * issue asks for are kept next to the code with the command and date that produced them:
 *
 *   { "okta": { "command": "npm run bench -- okta", "date": "2026-…Z",
 *               "figures": { "shareAchieved@0.5": { "value": 0.97, "unit": "× configured share", "goal": "≥ 0.95" } } } }
 *
 * A bench run replaces its own entry (all of its figures at once) and leaves the other benches'.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Figure {
  value: number;
  unit: string;
  /** The target the figure is held to, as text ("≥ 0.95"), when there is one. */
  goal?: string;
}

export type Figures = Record<string, Figure>;

export interface BenchResult {
  command: string;
  /** ISO 8601, when the bench finished. */
  date: string;
  figures: Figures;
}

/** A figure rounded to 4 decimals for the file. */
export const ratio = (x: number): number => Math.round(x * 10_000) / 10_000;

/** bench/results.json in the source tree (the benches run compiled from dist-bench/bench/). */
export const RESULTS_FILE = join(__dirname, '..', '..', 'bench', 'results.json');

export function readResults(file = RESULTS_FILE): Record<string, BenchResult> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, BenchResult>) : {};
}

/** Replace one bench's entry; the others are kept. Benches are written in name order. */
export function writeResult(bench: string, result: BenchResult, file = RESULTS_FILE): void {
  const all = { ...readResults(file), [bench]: result };
  const sorted = Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]]),
  );
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}
