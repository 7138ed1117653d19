/**
 * A streaming LDIF content parser (RFC 2849): folded lines, comments, `attr: value`,
 * `attr:: base64`, `dn::`, attribute options (`userCertificate;binary`). Entries are yielded one at
 * a time as they are read. A malformed entry is yielded as an error naming its line, and parsing
 * goes on with the next entry. Change records (`changetype:`) are not content and are reported.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DirectoryError } from '../types';

export interface LdifEntry {
  dn: string;
  line: number;
  /** attribute description as written → values (base64 values decoded to Buffers) */
  attributes: Record<string, (string | Buffer)[]>;
}

export type LdifItem = { entry: LdifEntry } | { error: { line: number; dn?: string; message: string } };

export async function* parseLdifFile(path: string): AsyncGenerator<LdifItem> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (e) {
    throw new DirectoryError('ldif', `cannot read LDIF file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let logical: { text: string; line: number } | undefined;
  let record: { text: string; line: number }[] = [];

  function* flushRecord(): Generator<LdifItem> {
    if (logical) record.push(logical);
    logical = undefined;
    const item = record.length ? parseRecord(record) : undefined;
    if (item) yield item;
    record = [];
  }

  for await (const raw of lines) {
    lineNo++;
    if (raw.startsWith(' ')) {
      if (logical) logical.text += raw.slice(1);
      continue; // a folded comment line continues the comment, which is dropped
    }
    if (logical) {
      record.push(logical);
      logical = undefined;
    }
    if (raw === '' || /^\s+$/.test(raw)) {
      yield* flushRecord();
      continue;
    }
    if (raw.startsWith('#')) continue;
    logical = { text: raw, line: lineNo };
  }
  yield* flushRecord();
}

function parseRecord(lines: { text: string; line: number }[]): LdifItem | undefined {
  if (/^version:/i.test(lines[0].text)) {
    lines = lines.slice(1);
    if (!lines.length) return undefined; // `version: 1` on its own, before the first entry
  }
  const head = parseLine(lines[0].text);
  if (!head || head.name.toLowerCase() !== 'dn') {
    return { error: { line: lines[0].line, message: `expected "dn:" to start an entry, found ${JSON.stringify(lines[0].text.slice(0, 60))}` } };
  }
  const dn = Buffer.isBuffer(head.value) ? head.value.toString('utf8') : head.value;
  const attributes: Record<string, (string | Buffer)[]> = {};
  for (const l of lines.slice(1)) {
    const kv = parseLine(l.text);
    if (!kv) return { error: { line: l.line, dn, message: `malformed line ${JSON.stringify(l.text.slice(0, 60))}` } };
    if (kv.name.toLowerCase() === 'changetype') {
      return { error: { line: l.line, dn, message: 'change records (changetype:) are not directory content; export with slapcat or ldapsearch -L' } };
    }
    if (kv.url) return { error: { line: l.line, dn, message: `${kv.name}:< URL values are not supported` } };
    (attributes[kv.name] ??= []).push(kv.value);
  }
  return { entry: { dn, line: lines[0].line, attributes } };
}

function parseLine(text: string): { name: string; value: string | Buffer; url?: boolean } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9.;-]*):(:|<)? *(.*)$/.exec(text);
  if (!m) return undefined;
  const [, name, kind, rest] = m;
  if (kind === ':') {
    const value = rest.trim();
    if (!/^[A-Za-z0-9+/=]*$/.test(value)) return undefined;
    return { name, value: Buffer.from(value, 'base64') };
  }
  if (kind === '<') return { name, value: rest.trim(), url: true };
  return { name, value: rest };
}
