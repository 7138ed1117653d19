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
 * deactivated users), compared with normalizeLogin (case- and diacritic-insensitive).
 *
 * A registry that answers synchronously (the in-memory one, a state cache) costs no promise: the
 * search only becomes asynchronous from the first registry answer that is a promise.
 */
import { toStr } from '../expr/values';
import type { Ev } from '../expr/scope';
import { normalizeLogin, type Profile } from '../../okta/profile';
import type { UsernameConfig } from '../schema';
import type { Availability, LoginRegistry, MaybePromise } from '../types';
import { TransformRunError } from '../errors';
import { finding, quarantine, type CompiledStep, type Path, type RunState, type StepCompiler } from './common';

const isThenable = <T>(v: MaybePromise<T>): v is Promise<T> => typeof (v as Promise<T>)?.then === 'function';

export function compileUsername(c: StepCompiler, p: Path, name: string, spec: UsernameConfig): CompiledStep {
  const templates: Ev[] = spec.templates.map((t, i) => c.template([...p, 'templates', i], t).ev);
  const attr = spec.attribute;
  const suffix = spec.suffix;
  if (suffix && suffix.max < suffix.start) c.error([...p, 'suffix', 'max'], `max (${suffix.max}) is below start (${suffix.start})`);
  c.assigned(name, [[attr, p]]);
  c.usesAsync = true;

  const registryFailed = (e: unknown): never => {
    if (e instanceof TransformRunError) throw e;
    throw new TransformRunError(`username step '${name}': login registry failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  };

  /*
   * Per record, the synchronous path allocates no closures: the search state travels as arguments
   * (a closure per step of the search showed up as a fifth of the pipeline's allocations).
   */

  /**
   * Claim first (synchronous in the agent: records claim in the order they arrive, so equal names
   * get the same logins on every run), then ask the registry whether anyone else holds the login
   * (state, Okta); if so, give the claim back. true = taken by this anchor.
   */
  function take(reg: LoginRegistry, login: string, anchor: string, holders: string[], profile: Profile): MaybePromise<boolean> {
    try {
      const cl = reg.claim(login, anchor);
      return isThenable(cl)
        ? cl.then((x) => afterClaim(reg, login, anchor, holders, profile, x), registryFailed)
        : afterClaim(reg, login, anchor, holders, profile, cl);
    } catch (e) {
      return registryFailed(e);
    }
  }
  function afterClaim(reg: LoginRegistry, login: string, anchor: string, holders: string[], profile: Profile, cl: Availability): MaybePromise<boolean> {
    if (cl !== true) {
      holders.push(`'${login}' ${typeof cl === 'object' && cl.inRun ? 'claimed in this run by' : 'held by'} ${holderOf(cl)}`);
      return false;
    }
    const a = reg.isAvailable(login, anchor, profile);
    return isThenable(a) ? a.then((x) => afterAvail(reg, login, anchor, holders, x), registryFailed) : afterAvail(reg, login, anchor, holders, a);
  }
  function afterAvail(reg: LoginRegistry, login: string, anchor: string, holders: string[], a: Availability): MaybePromise<boolean> {
    if (a === true) return true;
    holders.push(`'${login}' held by ${holderOf(a)}`);
    const r = reg.release(login, anchor);
    return isThenable(r) ? r.then(() => false, registryFailed) : false;
  }

  /** The i-th login to try: the fixed candidates, then numeric suffixes on the login source. */
  function loginAt(fixed: readonly string[], source: string, i: number): string {
    if (i < fixed.length) return fixed[i];
    const at = source.lastIndexOf('@');
    const local = at < 0 ? source : source.slice(0, at);
    const domain = at < 0 ? '' : source.slice(at);
    return `${local}${suffix ? suffix.separator : ''}${suffix ? suffix.start + i - fixed.length : ''}${domain}`;
  }

  function exec(st: RunState): void | Promise<void> {
    const reg = st.ctx.logins;
    if (!reg) throw new TransformRunError(`username step '${name}': ctx.logins (a LoginRegistry) is required`);
    const candidates: string[] = [];
    let seen: Set<string> | null = null;
    for (let i = 0; i < templates.length; i++) {
      const v = toStr(templates[i](st));
      if (v === null || v === '') continue;
      if (templates.length > 1) {
        const k = normalizeLogin(v);
        if ((seen ??= new Set()).has(k)) continue;
        seen.add(k);
      }
      candidates.push(v);
    }
    if (candidates.length === 0) {
      quarantine(st, name, 'no login: every username template has a missing value');
      return;
    }
    const source = candidates[0];
    const prev = st.ctx.previous;
    const stable = !!prev?.login && prev.loginSource === source;
    const fixed = stable ? [prev.login!, ...candidates] : candidates;
    return search(st, reg, fixed, source, stable, [], 0);
  }

  function search(
    st: RunState,
    reg: LoginRegistry,
    fixed: readonly string[],
    source: string,
    stable: boolean,
    holders: string[],
    i: number,
  ): void | Promise<void> {
    const anchor = st.record.anchor;
    const total = fixed.length + (suffix ? suffix.max - suffix.start + 1 : 0);
    for (; i < total; i++) {
      const login = loginAt(fixed, source, i);
      const before = holders.length;
      const r = take(reg, login, anchor, holders, st.profile);
      if (r === true) return success(st, reg, source, stable, holders, login);
      if (r !== false) {
        const idx = i;
        return r.then((ok) => {
          if (ok) return success(st, reg, source, stable, holders, login);
          if (idx >= fixed.length) holders.length = before; // only the named candidates are worth reporting
          return search(st, reg, fixed, source, stable, holders, idx + 1);
        });
      }
      if (i >= fixed.length) holders.length = before;
    }
    const tried = suffix ? ` and suffixes ${suffix.start}–${suffix.max}` : '';
    finding(st, 'username.conflict', name, attr, source, null, holders.join('; '));
    quarantine(st, name, `no available login: ${holders.join('; ')}${tried} taken`);
  }

  function success(st: RunState, reg: LoginRegistry, source: string, stable: boolean, holders: string[], chosen: string): void {
    const anchor = st.record.anchor;
    st.profile[attr] = chosen;
    st.loginSource = source;
    (st.releases ??= []).push(() => reg.release(chosen, anchor));
    const kept = stable && st.ctx.previous!.login === chosen;
    if (!kept && chosen !== source) finding(st, 'username.conflict', name, attr, source, chosen, holders.join('; '));
  }

  return { name, kind: 'username', exec };
}

function holderOf(a: Availability): string {
  return typeof a === 'object' ? a.heldBy : 'another user';
}
