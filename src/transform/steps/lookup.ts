/**
 * `lookup`: enrich the profile from a CSV file or SQLite table keyed by a value of the record.
 * The source is loaded and indexed in `beginRun()`; per record it is one Map lookup.
 * Zero matches → keep (finding), map the configured default row (finding) or quarantine;
 * several → first (finding) or quarantine.
 */
import * as path from 'node:path';
import { toStr } from '../expr/values';
import type { Ev } from '../expr/scope';
import { LookupIndex, loadLookup, type Row } from '../lookup';
import type { LookupConfig } from '../schema';
import { TransformRunError } from '../errors';
import { finding, quarantine, toProfileValue, type CompiledStep, type Path, type RunState, type StepCompiler } from './common';

export function compileLookup(c: StepCompiler, p: Path, name: string, spec: LookupConfig): CompiledStep {
  const key = c.template([...p, 'key'], spec.key).ev;
  const columns = new Set<string>();
  const attrs: string[] = [];
  const evs: Ev[] = [];
  for (const [attr, src] of Object.entries(spec.map)) {
    attrs.push(attr);
    evs.push(c.template([...p, 'map', attr], src, columns).ev);
  }
  if (spec.onMissing === 'default' && !spec.default) c.error([...p, 'default'], "onMissing is 'default' but no default row is given");
  if (spec.default && spec.onMissing !== 'default') c.error([...p, 'default'], "a default row is given but onMissing is not 'default'");
  if (spec.default) {
    for (const col of columns) {
      if (!(col in spec.default)) c.error([...p, 'default'], `the default row has no value for column '${col}' used by map`);
    }
  }
  const src = spec.source;
  if (src.type === 'sqlite' && (src.table === undefined) === (src.query === undefined)) {
    c.error([...p, 'source'], 'give exactly one of table or query');
  }
  c.assigned(
    name,
    attrs.map((a) => [a, [...p, 'map', a]]),
  );

  const index = new LookupIndex(spec.column, [...columns], spec.ignoreCase);
  const file = path.resolve(c.baseDir, src.file);
  let loaded = false;
  c.resources.push({
    async begin() {
      await loadLookup({ ...src, file }, index);
      loaded = true;
    },
    async close() {
      index.clear();
      loaded = false;
    },
  });
  const defaultRow: Row | null = spec.default ? { ...spec.default } : null;
  const n = attrs.length;
  const apply = (st: RunState, row: Row) => {
    st.row = row;
    for (let i = 0; i < n; i++) st.profile[attrs[i]] = toProfileValue(evs[i](st));
    st.row = null;
  };

  return {
    name,
    kind: 'lookup',
    exec(st) {
      if (!loaded) throw new TransformRunError(`lookup step '${name}': beginRun() was not called (the lookup source is not loaded)`);
      const k = toStr(key(st));
      const hit = k === null ? undefined : index.get(k);
      if (hit === undefined) {
        const what = k === null ? `no key (${spec.key} is missing)` : `no row with ${spec.column} = '${k}'`;
        if (spec.onMissing === 'quarantine') {
          finding(st, 'lookup.no-match', name, null, undefined, undefined, what);
          quarantine(st, name, `lookup: ${what}`);
        } else if (spec.onMissing === 'default') {
          apply(st, defaultRow!);
          finding(st, 'lookup.default', name, null, undefined, undefined, `${what}: default used`);
        } else {
          finding(st, 'lookup.no-match', name, null, undefined, undefined, `${what}: profile kept`);
        }
        return;
      }
      if (Array.isArray(hit)) {
        const msg = `${hit.length} rows with ${spec.column} = '${k}'`;
        if (spec.onMultiple === 'quarantine') {
          finding(st, 'lookup.multiple', name, null, undefined, undefined, msg);
          quarantine(st, name, `lookup: ${msg}`);
          return;
        }
        finding(st, 'lookup.multiple', name, null, undefined, undefined, `${msg}: first used`);
        apply(st, hit[0]);
        return;
      }
      apply(st, hit);
    },
  };
}
