/** The one value formatter of the reports (plan, preflight, explain). */
import { showValue } from '../../../src/output/value';

test.each([
  [undefined, '∅'],
  [null, '∅'],
  ['Ada', '"Ada"'],
  [' Ada ', '" Ada "'],
  ['', '""'],
  [42, '42'],
  [false, 'false'],
  [['a', 'b c'], '["a", "b c"]'],
  [[1, 2], '[1, 2]'],
] as const)('%j → %s', (value, shown) => expect(showValue(value as never)).toBe(shown));
