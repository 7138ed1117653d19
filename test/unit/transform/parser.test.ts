import { parseExpression, parsePlaceholder } from '../../../src/transform/expr/parser';
import { ExprSyntaxError } from '../../../src/transform/expr/ast';

function syntaxError(src: string): ExprSyntaxError {
  try {
    parseExpression(src);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${src}`);
}

describe('expression parser', () => {
  test('pipe binds tighter than comparison, comparison tighter than not/and/or', () => {
    const n = parseExpression("department | lower == 'sales' and not $disabled or x");
    expect(n.t).toBe('or');
    if (n.t !== 'or') return;
    expect(n.l.t).toBe('and');
    if (n.l.t !== 'and') return;
    expect(n.l.l).toMatchObject({ t: 'cmp', op: '==', l: { t: 'call', name: 'lower', args: [{ t: 'attr', name: 'department' }] } });
    expect(n.l.r).toMatchObject({ t: 'not', e: { t: 'special', name: 'disabled' } });
  });

  test('pipe arguments follow the piped value', () => {
    expect(parseExpression("mail | replace(/x/, 'y')")).toMatchObject({
      t: 'call',
      name: 'replace',
      args: [
        { t: 'attr', name: 'mail' },
        { t: 'regex', source: 'x' },
        { t: 'lit', v: 'y' },
      ],
    });
  });

  test('references: attribute (lower-cased, with hyphen and ;), index, profile, row, specials', () => {
    expect(parseExpression('msDS-cloudExtensionAttribute1')).toMatchObject({ t: 'attr', name: 'msds-cloudextensionattribute1', index: undefined });
    expect(parseExpression('userCertificate;binary')).toMatchObject({ t: 'attr', name: 'usercertificate;binary' });
    expect(parseExpression('proxyAddresses[]')).toMatchObject({ t: 'attr', index: 'all' });
    expect(parseExpression('memberOf[2]')).toMatchObject({ t: 'attr', index: 2 });
    expect(parseExpression('profile.firstName')).toMatchObject({ t: 'profile', name: 'firstName' });
    expect(parseExpression('row.dept')).toMatchObject({ t: 'row', name: 'dept' });
    expect(parseExpression('$anchor')).toMatchObject({ t: 'special', name: 'anchor' });
  });

  test('literals: strings with escapes, negative numbers, lists, booleans, null, ternary', () => {
    expect(parseExpression("'it\\'s'")).toMatchObject({ t: 'lit', v: "it's" });
    expect(parseExpression('"a\\u00e9"')).toMatchObject({ t: 'lit', v: 'aé' });
    expect(parseExpression('-12')).toMatchObject({ t: 'lit', v: -12 });
    expect(parseExpression("['a', 1]")).toMatchObject({ t: 'list', items: [{ v: 'a' }, { v: 1 }] });
    expect(parseExpression('a ? true : null')).toMatchObject({ t: 'cond', a: { v: true }, b: { v: null } });
  });

  test('a placeholder ends at the first } outside strings and regexes', () => {
    const src = "{x | replace(/\\d{3}/, '}')}tail";
    const { end } = parsePlaceholder(src, 1);
    expect(src.slice(end)).toBe('}tail');
  });

  test.each([
    ["a = 'b'", "unexpected '=' (use '==' to compare)", 2],
    ['lower(x', "expected ')' but found end of expression", 7],
    ["'abc", 'unterminated string', 0],
    ['x =~ /abc', 'unterminated regular expression', 5],
    ['a &b', "unexpected '&'", 2],
    ['$foo', "unknown variable '$foo'", 0],
    ['x | 12', "expected a function name after '|'", 4],
    ['memberOf[-1]', 'an index must be a non-negative integer', 9],
    ['a.b', "unexpected '.' after 'a'", 1],
    ['a b', "unexpected 'b'", 2],
    ['', 'unexpected end of expression', 0],
  ])('syntax error %p → %p at %p', (src, msg, pos) => {
    const e = syntaxError(src);
    expect(e.message).toContain(msg);
    expect(e.pos).toBe(pos);
  });

  test('unclosed placeholder', () => {
    expect(() => parsePlaceholder('{abc', 1)).toThrow("unclosed '{'");
  });
});
