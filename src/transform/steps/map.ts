/** `map` (attributes from templates) and `set` (literal values). */
import type { Ev } from '../expr/scope';
import type { ProfileValue } from '../../okta/profile';
import { toProfileValue, type CompiledStep, type Path, type StepCompiler } from './common';

export function compileMap(c: StepCompiler, path: Path, name: string, spec: Record<string, string>): CompiledStep {
  const attrs: string[] = [];
  const evs: Ev[] = [];
  for (const [attr, src] of Object.entries(spec)) {
    attrs.push(attr);
    evs.push(c.template([...path, attr], src).ev);
    // entries are assigned in order, so a later entry may read an earlier one via profile.<name>
    c.assigned(name, [[attr, [...path, attr]]]);
  }
  const n = attrs.length;
  return {
    name,
    kind: 'map',
    exec(st) {
      const p = st.profile;
      for (let i = 0; i < n; i++) p[attrs[i]] = toProfileValue(evs[i](st));
    },
  };
}

export function compileSet(c: StepCompiler, path: Path, name: string, spec: Readonly<Record<string, ProfileValue>>): CompiledStep {
  const keys = Object.keys(spec);
  const values: ProfileValue[] = keys.map((k) => {
    const v = spec[k];
    return Array.isArray(v) ? v.slice() : v;
  });
  c.assigned(
    name,
    keys.map((k) => [k, [...path, k]]),
  );
  const n = keys.length;
  return {
    name,
    kind: 'set',
    exec(st) {
      const p = st.profile;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        p[keys[i]] = Array.isArray(v) ? v.slice() : v; // a fresh array per record: profiles are handed out
      }
    },
  };
}
