/**
 * `username`: build a unique login.
 *
 * 1. Candidates come from the templates in order; the first one present is the *login source*.
 * 2. Stability: when `ctx.previous.loginSource` equals this run's login source, the previous login
 *    is kept (even a suffixed one) as long as the registry still lets this anchor have it.
 * 3. Otherwise the first candidate that is available and can be claimed wins; then numeric
 *    suffixes on the first candidate, before '@' (john.doe2@corp.example … up to `max`).
 * 4. Nothing left → quarantine naming the holders.
 * Availability is decided by the injected LoginRegistry (agent claims + Okta, including
 * deactivated users), compared with oktaLoginKey (case- and diacritic-insensitive).
 */
import { toStr } from '../expr/values';
import type { Ev } from '../expr/scope';
import { oktaLoginKey } from '../text/login-key';
import type { UsernameConfig } from '../schema';
import type { Availability, LoginRegistry } from '../types';
import { TransformRunError } from '../errors';
import { finding, quarantine, type CompiledStep, type Path, type RunState, type StepCompiler } from './common';

export function compileUsername(c: StepCompiler, p: Path, name: string, spec: UsernameConfig): CompiledStep {
  const templates: Ev[] = spec.templates.map((t, i) => c.template([...p, 'templates', i], t).ev);
  const attr = spec.attribute;
  const suffix = spec.suffix;
  if (suffix && suffix.max < suffix.start) c.error([...p, 'suffix', 'max'], `max (${suffix.max}) is below start (${suffix.start})`);
  c.assigned([attr]);
  c.usesAsync = true;

  async function take(reg: LoginRegistry, login: string, anchor: string, holders: string[]): Promise<boolean> {
    try {
      return await tryTake(reg, login, anchor, holders);
    } catch (e) {
      throw new TransformRunError(`username step '${name}': login registry failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async function tryTake(reg: LoginRegistry, login: string, anchor: string, holders: string[]): Promise<boolean> {
    const a = await reg.isAvailable(login, anchor);
    if (a !== true) {
      holders.push(`'${login}' held by ${holderOf(a)}`);
      return false;
    }
    const cl = await reg.claim(login, anchor);
    if (cl !== true) {
      holders.push(`'${login}' claimed in this run by ${holderOf(cl)}`);
      return false;
    }
    return true;
  }

  async function exec(st: RunState): Promise<void> {
    const reg = st.ctx.logins;
    if (!reg) throw new TransformRunError(`username step '${name}': ctx.logins (a LoginRegistry) is required`);
    const anchor = st.record.anchor;
    const candidates: string[] = [];
    const seen = new Set<string>();
    for (const t of templates) {
      const v = toStr(t(st));
      if (v === null || v === '') continue;
      const k = oktaLoginKey(v);
      if (seen.has(k)) continue;
      seen.add(k);
      candidates.push(v);
    }
    if (candidates.length === 0) {
      quarantine(st, name, 'no login: every username template has a missing value');
      return;
    }
    const source = candidates[0]!;
    const holders: string[] = [];
    let chosen: string | null = null;

    const prev = st.ctx.previous;
    if (prev?.login && prev.loginSource === source) {
      if (await take(reg, prev.login, anchor, holders)) chosen = prev.login;
    }
    if (chosen === null) {
      for (const cand of candidates) {
        if (await take(reg, cand, anchor, holders)) {
          chosen = cand;
          break;
        }
      }
    }
    if (chosen === null && suffix) {
      const at = source.lastIndexOf('@');
      const local = at < 0 ? source : source.slice(0, at);
      const domain = at < 0 ? '' : source.slice(at);
      for (let n = suffix.start; n <= suffix.max; n++) {
        const cand = `${local}${suffix.separator}${n}${domain}`;
        const before = holders.length;
        if (await take(reg, cand, anchor, holders)) {
          chosen = cand;
          break;
        }
        holders.length = before; // only the named candidates are worth reporting
      }
    }
    if (chosen === null) {
      const tried = suffix ? ` and suffixes ${suffix.start}–${suffix.max}` : '';
      finding(st, 'username.conflict', name, attr, source, null, holders.join('; '));
      quarantine(st, name, `no available login: ${holders.join('; ')}${tried} taken`);
      return;
    }
    st.profile[attr] = chosen;
    st.loginSource = source;
    const claimed = chosen;
    (st.releases ??= []).push(() => reg.release(claimed, anchor));
    const kept = prev?.login === chosen && prev.loginSource === source;
    if (!kept && chosen !== source) {
      finding(st, 'username.conflict', name, attr, source, chosen, holders.join('; '));
    }
  }

  return { name, kind: 'username', exec };
}

function holderOf(a: Availability): string {
  return typeof a === 'object' ? a.heldBy : 'another user';
}
