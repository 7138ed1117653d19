/**
 * `normalize`: clean profile attributes set by earlier steps, in the order whitespace → unicode →
 * email → phone. Each change is a finding (before/after); invalid e-mails and phone numbers are
 * dropped (null), kept, or quarantine the record, per config.
 */
import { collapseWhitespace } from '../text/fold';
import { isEmail } from '../text/email';
import { isRegion, toE164 } from '../text/phone';
import { toStr } from '../expr/values';
import type { Ev } from '../expr/scope';
import type { NormalizeConfig } from '../schema';
import type { ProfileValue } from '../../okta/profile';
import { finding, quarantine, type CompiledStep, type Path, type RunState, type StepCompiler } from './common';

type Fix = (s: string) => string;
const NON_ASCII = /[^\x00-\x7f]/;

export function compileNormalize(c: StepCompiler, path: Path, name: string, spec: NormalizeConfig): CompiledStep {
  const parts: ((st: RunState) => void)[] = [];

  if (spec.whitespace) {
    const sel = spec.whitespace.attributes;
    if (sel !== '*') c.checkProfileAttrs([...path, 'whitespace', 'attributes'], sel);
    parts.push(textFixer(name, sel, collapseWhitespace, 'whitespace.normalized'));
  }
  if (spec.unicode) {
    const sel = spec.unicode.attributes;
    if (sel !== '*') c.checkProfileAttrs([...path, 'unicode', 'attributes'], sel);
    const form = spec.unicode.form;
    parts.push(textFixer(name, sel, (s) => (NON_ASCII.test(s) ? s.normalize(form) : s), 'unicode.normalized'));
  }
  if (spec.email) {
    const e = spec.email;
    c.checkProfileAttrs([...path, 'email', 'attributes'], e.attributes);
    const lower = e.lowercase;
    const attrs = e.attributes;
    parts.push((st) => {
      for (const a of attrs) {
        const before = st.profile[a];
        if (typeof before !== 'string') continue;
        let v = before.trim();
        if (lower) v = v.toLowerCase();
        if (v !== before) {
          finding(st, 'email.normalized', name, a, before, v);
          st.profile[a] = v;
        }
        if (!isEmail(v)) {
          if (invalid(st, name, a, v, e.invalid, 'email.invalid', `'${v}' is not a valid e-mail address`)) return;
        }
      }
    });
  }
  if (spec.phone) {
    const ph = spec.phone;
    c.checkProfileAttrs([...path, 'phone', 'attributes'], ph.attributes);
    const region = c.template([...path, 'phone', 'region'], ph.region);
    if (region.constant) {
      const r = toStr(region.ev(null as never));
      if (r === null || !isRegion(r)) c.error([...path, 'phone', 'region'], `unknown region '${r}' (an ISO 3166 country code such as 'US' or 'DE')`);
    }
    const regionEv: Ev = region.ev;
    const attrs = ph.attributes;
    parts.push((st) => {
      for (const a of attrs) {
        const before = st.profile[a];
        if (typeof before !== 'string') continue;
        const r = toE164(before, toStr(regionEv(st)) ?? undefined);
        if (r.e164 === null) {
          if (invalid(st, name, a, before, ph.invalid, 'phone.invalid', `'${before}': ${r.reason}`)) return;
          continue;
        }
        if (r.e164 !== before) {
          st.profile[a] = r.e164;
          finding(st, 'phone.normalized', name, a, before, r.e164, r.ext ? `extension ${r.ext} dropped (E.164 has none)` : undefined);
        }
      }
    });
  }

  const n = parts.length;
  return {
    name,
    kind: 'normalize',
    exec(st) {
      for (let i = 0; i < n && !st.stop; i++) parts[i](st);
    },
  };
}

/** Apply the configured action for an invalid value; true when the record was quarantined. */
function invalid(
  st: RunState,
  step: string,
  attr: string,
  value: string,
  action: 'drop' | 'keep' | 'quarantine',
  type: 'email.invalid' | 'phone.invalid',
  message: string,
): boolean {
  if (action === 'drop') {
    st.profile[attr] = null;
    finding(st, type, step, attr, value, null, message + ' (dropped)');
    return false;
  }
  if (action === 'keep') {
    finding(st, type, step, attr, value, value, message + ' (kept)');
    return false;
  }
  finding(st, type, step, attr, value, undefined, message);
  quarantine(st, step, `${attr}: ${message}`);
  return true;
}

/** A list of text (a list of numbers, which Okta also has, is not text). */
const isTextList = (v: ProfileValue | undefined): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function textFixer(step: string, sel: '*' | string[], fix: Fix, type: 'whitespace.normalized' | 'unicode.normalized') {
  const one = (st: RunState, a: string, v: ProfileValue | undefined) => {
    if (typeof v === 'string') {
      const after = fix(v);
      if (after !== v) {
        st.profile[a] = after === '' ? null : after;
        finding(st, type, step, a, v, st.profile[a]);
      }
    } else if (isTextList(v)) {
      let changed = false;
      const out = v
        .map((x) => {
          const y = fix(x);
          if (y !== x) changed = true;
          return y;
        })
        .filter((x) => x !== '');
      if (changed) {
        st.profile[a] = out.length ? out : null;
        finding(st, type, step, a, v, st.profile[a]);
      }
    }
  };
  if (sel === '*') {
    return (st: RunState) => {
      for (const a in st.profile) one(st, a, st.profile[a]);
    };
  }
  return (st: RunState) => {
    for (const a of sel) one(st, a, st.profile[a]);
  };
}
