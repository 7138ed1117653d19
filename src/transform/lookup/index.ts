/**
 * Lookup tables, loaded and indexed once per run: key (trimmed, optionally lower-cased) → row(s).
 * Only the columns the step's templates read are kept, so a large HR extract costs little memory.
 * Per record a lookup is one Map get.
 */
import { readCsvLookup } from './csv';
import { readSqliteLookup } from './sqlite';
import { didYouMean } from '../suggest';

export type Row = Record<string, string>;

export interface LookupSourceSpec {
  type: 'csv' | 'sqlite';
  file: string;
  delimiter?: string;
  encoding?: 'utf8' | 'latin1';
  table?: string;
  query?: string;
}

export class LookupIndex {
  /** key → one row, or several in source order */
  private map = new Map<string, Row | Row[]>();
  loadedRows = 0;

  constructor(
    readonly keyColumn: string,
    readonly columns: readonly string[],
    readonly ignoreCase: boolean,
  ) {}

  normKey(k: string): string {
    const t = k.trim();
    return this.ignoreCase ? t.toLowerCase() : t;
  }

  get(key: string): Row | Row[] | undefined {
    return this.map.get(this.normKey(key));
  }

  /** Check the header: the key column and every referenced column must exist. */
  checkColumns(header: string[]): void {
    const have = new Set(header);
    for (const col of [this.keyColumn, ...this.columns]) {
      if (!have.has(col)) throw new Error(`no column '${col}'${didYouMean(col, header)} (columns: ${header.join(', ')})`);
    }
  }

  add(raw: Record<string, string>): void {
    const k = raw[this.keyColumn];
    if (k === undefined) return;
    const key = this.normKey(k);
    if (key === '') return;
    const row: Row = {};
    for (const c of this.columns) {
      const v = raw[c];
      if (v !== undefined && v !== '') row[c] = v;
    }
    this.loadedRows++;
    const prev = this.map.get(key);
    if (prev === undefined) this.map.set(key, row);
    else if (Array.isArray(prev)) prev.push(row);
    else this.map.set(key, [prev, row]);
  }

  clear(): void {
    this.map = new Map();
    this.loadedRows = 0;
  }
}

/** Load `spec` into `index` (cleared first). Errors name the file. */
export async function loadLookup(spec: LookupSourceSpec, index: LookupIndex): Promise<void> {
  index.clear();
  try {
    if (spec.type === 'csv') {
      const opts = { delimiter: spec.delimiter ?? ',', encoding: spec.encoding ?? 'utf8' } as const;
      await readCsvLookup(
        spec.file,
        opts,
        (h) => index.checkColumns(h),
        (r) => index.add(r),
      );
    } else {
      readSqliteLookup(
        { file: spec.file, table: spec.table, query: spec.query },
        (h) => index.checkColumns(h),
        (r) => index.add(r),
      );
    }
  } catch (e) {
    index.clear();
    const msg = (e as Error).message;
    throw new Error(msg.includes(spec.file) ? msg : `${spec.file}: ${msg}`, { cause: e });
  }
}
