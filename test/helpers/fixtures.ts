/** Shared test fixtures kept as files under test/fixtures/, read by name. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

/**
 * The `transforms:` section in test/fixtures/transform/<name>.yaml, as text to put into a config
 * file beside the other sections.
 */
export function transformsYaml(name: string): string {
  const file = join(FIXTURES_DIR, 'transform', `${name}.yaml`);
  const text = readFileSync(file, 'utf8');
  if (!/^transforms:\s*$/m.test(text)) throw new Error(`${file} has no top-level transforms: section`);
  return text;
}
