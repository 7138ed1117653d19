/**
 * The configuration reference (docs/configuration.md, `config reference`): every option with its
 * type, default and description, generated from the JSON schema of the one zod schema the agent
 * validates with, so it cannot drift from what the agent accepts (a test compares the file with
 * this output). Sections in schema order; a union (the `source:` types, the transform steps, the
 * lookup sources) gets one table per variant; a recursive reference (steps inside `when`) is named,
 * not expanded again.
 */
import { configJsonSchema } from './schema';

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  $defs?: Record<string, JsonSchema>;
}

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function code(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? '`' + s.slice(0, 57) + '…`' : '`' + s + '`';
}

class Renderer {
  private readonly out: string[] = [];
  private readonly expanded = new Set<string>();

  constructor(private readonly defs: Record<string, JsonSchema>) {}

  resolve(s: JsonSchema): JsonSchema {
    if (!s.$ref) return s;
    const name = s.$ref.replace('#/$defs/', '');
    return this.defs[name] ?? s;
  }

  /** A short type: string, integer 1–32, `a` \| `b`, list of …, map of …. */
  typeOf(raw: JsonSchema): string {
    const s = this.resolve(raw);
    if (s.const !== undefined) return code(s.const);
    if (s.enum) return s.enum.map(code).join(' \\| ');
    const alts = s.anyOf ?? s.oneOf;
    if (alts) return [...new Set(alts.map((a) => this.typeOf(a)))].join(' \\| ');
    if (s.type === 'array') return `list of ${s.items ? this.typeOf(s.items) : 'values'}`;
    if (s.type === 'object' && !s.properties && typeof s.additionalProperties === 'object') return `map of ${this.typeOf(s.additionalProperties)}`;
    if (s.type === 'object') return 'object';
    const t = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
    const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
    if (s.minimum !== undefined && max !== undefined) return `${t} ${s.minimum}–${max}`;
    if (s.minimum !== undefined) return `${t} ≥ ${s.minimum}`;
    if (s.exclusiveMinimum !== undefined) return `${t} > ${s.exclusiveMinimum}${max !== undefined ? `, ≤ ${max}` : ''}`;
    if (max !== undefined) return `${t} ≤ ${max}`;
    return t;
  }

  /** The rows of an object's properties, depth first (nested objects as dotted keys). */
  rows(s: JsonSchema, prefix: string, rows: Row[], later: [string, JsonSchema][]): void {
    const required = new Set(s.required ?? []);
    for (const [name, rawProp] of Object.entries(s.properties ?? {})) {
      const prop = this.resolve(rawProp);
      const key = prefix ? `${prefix}.${name}` : name;
      rows.push({
        key,
        type: this.typeOf(rawProp),
        default: prop.default !== undefined ? code(prop.default) : required.has(name) ? '**required**' : '',
        description: cell(prop.description ?? ''),
      });
      this.expand(rawProp, key, rows, later);
    }
  }

  /**
   * What is inside a value: an object's keys (inline), a union of objects (tables of their own,
   * after this one), the items of a list (`key[]`). A recursive reference is expanded once.
   */
  expand(raw: JsonSchema, key: string, rows: Row[], later: [string, JsonSchema][]): void {
    if (raw.$ref) {
      if (this.expanded.has(raw.$ref)) return;
      this.expanded.add(raw.$ref);
    }
    const s = this.resolve(raw);
    if (s.properties) return this.rows(s, key, rows, later);
    const alts = (s.anyOf ?? s.oneOf ?? []).map((v) => this.resolve(v));
    const objects = alts.filter((v) => v.properties);
    if (objects.length > 1) later.push([key, s]);
    else if (objects.length === 1) this.rows(objects[0], key, rows, later);
    for (const list of [s, ...alts].filter((v) => v.type === 'array' && v.items)) this.expand(list.items!, `${key}[]`, rows, later);
  }

  table(rows: Row[]): void {
    if (!rows.length) return;
    this.out.push('| key | type | default | description |', '|---|---|---|---|');
    for (const r of rows) this.out.push(`| \`${r.key}\` | ${r.type} | ${r.default} | ${r.description} |`);
    this.out.push('');
  }

  /** An object, and after its table the unions found in it, one table per variant. */
  object(level: number, s: JsonSchema, prefix: string): void {
    const rows: Row[] = [];
    const later: [string, JsonSchema][] = [];
    this.rows(s, prefix, rows, later);
    this.table(rows);
    for (const [key, union] of later) this.union(key, level + 1, union);
  }

  union(key: string, level: number, union: JsonSchema): void {
    for (const raw of union.oneOf ?? union.anyOf ?? []) {
      const v = this.resolve(raw);
      if (!v.properties) continue;
      const tag = Object.entries(v.properties).find(([, p]) => p.const !== undefined);
      const name = tag ? `${tag[0]}: ${String(tag[1].const)}` : Object.keys(v.properties).join(', ');
      this.out.push(`${'#'.repeat(Math.min(level, 6))} \`${key}\` — ${name}`, '');
      if (v.description) this.out.push(cell(v.description), '');
      this.object(level, v, key);
    }
  }

  section(name: string, raw: JsonSchema, required: boolean): void {
    const s = this.resolve(raw);
    this.out.push(`## \`${name}\`${required ? ' (required)' : ''}`, '');
    if (s.description) this.out.push(cell(s.description), '');
    const variants = (s.oneOf ?? s.anyOf ?? []).map((v) => this.resolve(v)).filter((v) => v.properties);
    if (s.properties) this.object(2, s, name);
    else if (variants.length) this.union(name, 3, s);
    else if (s.type === 'array' && s.items) {
      this.out.push(`A list; default ${code(s.default ?? [])}. Each item:`, '');
      const item = this.resolve(s.items);
      if (item.description) this.out.push(cell(item.description), '');
      const rows: Row[] = [];
      const later: [string, JsonSchema][] = [];
      this.expand(s.items, `${name}[]`, rows, later);
      this.table(rows);
      for (const [key, union] of later) this.union(key, 3, union);
    }
  }

  text(): string {
    return this.out.join('\n');
  }

  push(...lines: string[]): void {
    this.out.push(...lines);
  }
}

/** docs/configuration.md: the whole reference, in Markdown. */
export function configReference(): string {
  const schema = configJsonSchema() as JsonSchema;
  const r = new Renderer(schema.$defs ?? {});
  r.push(
    '# Configuration reference',
    '',
    '<!-- Generated from the configuration schema by `ldap-okta-sync config reference`; do not edit.',
    '     `npm run docs` rewrites it, and a test fails when it is stale. -->',
    '',
    'One YAML file (default `/etc/ldap-okta-sync/config.yaml`, or `-c FILE`, or `$LDAP_OKTA_SYNC_CONFIG`).',
    'Unknown keys are rejected; relative paths are resolved against the directory of the file; secrets',
    'are only ever references (`${env:NAME}`, `${file:/absolute/path}`, `${credential:NAME}`).',
    '[`config/example.yaml`](../config/example.yaml) shows every option in context. Keys are written',
    'as paths: `source.users.baseDns` is `baseDns:` under `users:` under `source:`; `[]` is an item of a list.',
    '',
  );
  const required = new Set(schema.required ?? []);
  for (const [name, s] of Object.entries(schema.properties ?? {})) r.section(name, s, required.has(name));
  return r.text().replace(/\n+$/, '\n');
}
