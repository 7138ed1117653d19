/**
 * `validate`: required attributes, patterns, e-mail and E.164 formats, Okta's profile length
 * limits, extra maximum lengths, and uniqueness across the directory (injected UniqueRegistry:
 * the first holder keeps a value, a newcomer is quarantined naming the holder). Every failure is
 * a finding; any failure quarantines the record with all of them in the reason. Uniqueness is
 * claimed only when every other check passed, so a broken record never blocks a good one.
 */
import { isEmail } from '../text/email';
import { isValidE164 } from '../text/phone';
import type { ValidateConfig } from '../schema';
import { OKTA_PROFILE_LIMITS, textLength, type ProfileValue } from '../../okta/profile';
import type { FindingType } from '../types';
import { TransformRunError } from '../errors';
import { finding, present, quarantine, type CompiledStep, type Path, type RunState, type StepCompiler } from './common';

type Check = (st: RunState, fail: Fail) => void;
type Fail = (st: RunState, type: FindingType, attr: string, value: ProfileValue | undefined, msg: string) => void;

function eachText(v: ProfileValue | undefined, f: (s: string) => void): void {
  if (typeof v === 'string') f(v);
  else if (Array.isArray(v)) for (const x of v) f(String(x));
  else if (typeof v === 'number' || typeof v === 'boolean') f(String(v));
}

/** A check that every text value of profile[a] passes `ok` (a single string without a closure per record). */
function textCheck(a: string, ok: (s: string) => boolean, type: FindingType, msg: (s: string) => string): Check {
  return (st, fail) => {
    const v = st.profile[a];
    if (typeof v === 'string') {
      if (!ok(v)) fail(st, type, a, v, msg(v));
      return;
    }
    eachText(v, (s) => {
      if (!ok(s)) fail(st, type, a, v, msg(s));
    });
  };
}

export function compileValidate(c: StepCompiler, p: Path, name: string, spec: ValidateConfig): CompiledStep {
  const checks: Check[] = [];

  c.checkProfileAttrs([...p, 'required'], spec.required);
  for (const a of spec.required) {
    checks.push((st, fail) => {
      if (!present(st.profile[a])) fail(st, 'validate.required', a, st.profile[a], `${a} is required`);
    });
  }

  for (const [a, src] of Object.entries(spec.pattern)) {
    c.checkProfileAttrs([...p, 'pattern'], [a]);
    let re: RegExp;
    try {
      re = new RegExp(src, 'u'); // Unicode mode (\p{L} works) …
    } catch (e) {
      try {
        re = new RegExp(src); // … or a legacy pattern such as [A-Z]\-\d+
      } catch {
        c.error([...p, 'pattern', a], `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
        continue;
      }
    }
    checks.push(
      textCheck(
        a,
        (s) => re.test(s),
        'validate.pattern',
        (s) => `${a} '${s}' does not match /${src}/`,
      ),
    );
  }

  c.checkProfileAttrs([...p, 'email'], spec.email);
  for (const a of spec.email) {
    checks.push(textCheck(a, isEmail, 'validate.email', (s) => `${a} '${s}' is not a valid e-mail address`));
  }

  c.checkProfileAttrs([...p, 'e164'], spec.e164);
  for (const a of spec.e164) {
    checks.push(textCheck(a, isValidE164, 'validate.e164', (s) => `${a} '${s}' is not a valid E.164 phone number`));
  }

  const limits = new Map<string, { min?: number; max: number }>();
  if (spec.oktaLimits) for (const [a, l] of Object.entries(OKTA_PROFILE_LIMITS)) limits.set(a, l);
  for (const [a, max] of Object.entries(spec.maxLength)) {
    c.checkProfileAttrs([...p, 'maxLength'], [a]);
    limits.set(a, { min: limits.get(a)?.min, max: Math.min(max, limits.get(a)?.max ?? Infinity) });
  }
  // parallel arrays: destructuring [a, l] per record would allocate an iterator each time
  const limitAttrs = [...limits.keys()];
  const limitDefs = [...limits.values()];
  if (limitAttrs.length) {
    const checkLen = (st: RunState, a: string, s: string, l: { min?: number; max: number }) => {
      const n = textLength(s);
      if (n > l.max) fail(st, 'validate.length', a, st.profile[a], `${a} is ${n} characters, more than ${l.max}`);
      else if (l.min !== undefined && n < l.min) fail(st, 'validate.length', a, st.profile[a], `${a} is ${n} characters, fewer than ${l.min}`);
    };
    // (no closure inside the loop below: one capturing a, l would cost a context per iteration)
    const checkLens = (st: RunState, a: string, v: ProfileValue, l: { min?: number; max: number }) => eachText(v, (s) => checkLen(st, a, s, l));
    checks.push((st) => {
      for (let i = 0; i < limitAttrs.length; i++) {
        const a = limitAttrs[i];
        const l = limitDefs[i];
        const v = st.profile[a];
        if (v === undefined || v === null) continue;
        if (typeof v === 'string') checkLen(st, a, v, l);
        else checkLens(st, a, v, l);
      }
    });
  }

  /** A failed check is a finding; exec turns the new findings into the quarantine reason. */
  const fail: Fail = (st, type, attr, value, msg) => {
    finding(st, type, name, attr, value ?? null, undefined, msg);
  };

  const unique = spec.unique.map((u) => (typeof u === 'string' ? { attribute: u, ignoreCase: false } : u));
  c.checkProfileAttrs(
    [...p, 'unique'],
    unique.map((u) => u.attribute),
  );
  if (unique.length) c.usesAsync = true;

  async function claimUnique(st: RunState): Promise<void> {
    const reg = st.ctx.unique;
    if (!reg) throw new TransformRunError(`validate step '${name}': ctx.unique (a UniqueRegistry) is required for 'unique'`);
    const anchor = st.record.anchor;
    const failures: string[] = [];
    for (const u of unique) {
      const v = st.profile[u.attribute];
      if (!present(v)) continue;
      const values = Array.isArray(v) ? v : [v];
      for (const x of values) {
        const raw = String(x);
        const value = u.ignoreCase ? raw.toLowerCase() : raw;
        let r;
        try {
          r = await reg.claim(u.attribute, value, anchor);
        } catch (e) {
          throw new TransformRunError(`validate step '${name}': unique registry failed: ${(e as Error).message}`, { cause: e });
        }
        if (r === true) {
          (st.releases ??= []).push(() => reg.release(u.attribute, value, anchor));
          continue;
        }
        const holder = typeof r === 'object' ? r.heldBy : 'another user';
        const msg = `${u.attribute} '${raw}' is already held by ${holder}`;
        finding(st, 'validate.unique', name, u.attribute, v, undefined, msg);
        failures.push(msg);
      }
    }
    if (failures.length) quarantine(st, name, failures.join('; '));
  }

  return {
    name,
    kind: 'validate',
    exec(st) {
      const before = st.findings.length;
      for (let i = 0; i < checks.length; i++) checks[i](st, fail);
      if (st.findings.length > before) {
        quarantine(
          st,
          name,
          st.findings
            .slice(before)
            .map((f) => f.message)
            .join('; '),
        );
        return;
      }
      if (unique.length) return claimUnique(st);
    },
  };
}
