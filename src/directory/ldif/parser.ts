/**
 * A streaming LDIF content parser (RFC 2849): folded lines, comments, `attr: value`,
 * `attr:: base64`, `dn::`, attribute options (`userCertificate;binary`). Entries are yielded one at
 * a time as they are read. A malformed entry is yielded as an error naming its line, and parsing
 * goes on with the next entry. Change records (`changetype:`) are not content and are reported.
 *
 * The file is read as bytes: a value is text when it is UTF-8 (a folded value is joined before it is
 * decoded, so a character split across lines survives), and otherwise its bytes (a Buffer), like a
 * base64 value, for the reader to judge (only binary attributes may hold bytes). A DN must be UTF-8.
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
  // latin1: one character per byte, so lines are split on bytes and decoded as UTF-8 afterwards
  const stream = createReadStream(path, { encoding: 'latin1' });
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
  let inComment = false;
  /** A continuation line with nothing before it to continue, in the current record. */
  let orphan: number | undefined;

  function* flushRecord(): Generator<LdifItem> {
    if (logical) record.push(logical);
    logical = undefined;
    const item = record.length ? parseRecord(record) : undefined;
    if (orphan !== undefined) {
      const dn = item && ('entry' in item ? item.entry.dn : item.error.dn);
      yield { error: { line: orphan, dn, message: 'a continuation line (starting with a space) with no line before it to continue' } };
    } else if (item) {
      yield item;
    }
    record = [];
    orphan = undefined;
  }

  for await (const raw of lines) {
    lineNo++;
    if (raw.startsWith(' ') && (logical || inComment || !/^\s+$/.test(raw))) {
      if (logical) logical.text += raw.slice(1);
      else if (!inComment) orphan ??= lineNo;
      continue; // a folded comment line continues the comment, which is dropped
    }
    inComment = false;
    if (logical) {
      record.push(logical);
      logical = undefined;
    }
    if (raw === '' || /^\s+$/.test(raw)) {
      yield* flushRecord();
      continue;
    }
    if (raw.startsWith('#')) {
      inComment = true;
      continue;
    }
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
    return { error: { line: lines[0].line, message: `expected "dn:" to start an entry, found ${shown(lines[0].text)}` } };
  }
  const dn = utf8OrBytes(head.value);
  if (Buffer.isBuffer(dn)) return { error: { line: lines[0].line, message: 'the DN is not valid UTF-8' } };
  const attributes: Record<string, (string | Buffer)[]> = {};
  for (const l of lines.slice(1)) {
    const kv = parseLine(l.text);
    if (!kv) return { error: { line: l.line, dn, message: `malformed line ${shown(l.text)}` } };
    if (kv.name.toLowerCase() === 'dn') {
      return { error: { line: l.line, dn, message: 'a second "dn:" line in one entry (entries are separated by a blank line)' } };
    }
    if (kv.name.toLowerCase() === 'changetype') {
      return { error: { line: l.line, dn, message: 'change records (changetype:) are not directory content; export with slapcat or ldapsearch -L' } };
    }
    if (kv.url) return { error: { line: l.line, dn, message: `${kv.name}:< URL values are not supported` } };
    (attributes[kv.name] ??= []).push(kv.value);
  }
  return { entry: { dn, line: lines[0].line, attributes } };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes (a Buffer, or a string of latin1 characters, one per byte) as UTF-8 text, or the bytes when they are not UTF-8. */
function utf8OrBytes(v: string | Buffer): string | Buffer {
  if (typeof v === 'string' && !/[^\x00-\x7f]/.test(v)) return v; // ASCII: the common case
  const bytes = typeof v === 'string' ? Buffer.from(v, 'latin1') : v;
  try {
    return UTF8.decode(bytes);
  } catch {
    return bytes;
  }
}

/** A line (latin1 characters) quoted for a message, as the text it is. */
function shown(line: string): string {
  const v = utf8OrBytes(line);
  return JSON.stringify((typeof v === 'string' ? v : v.toString('utf8')).slice(0, 60));
}

/** One logical line (latin1 characters, one per byte). Raw values come back as text or bytes, base64 values as bytes. */
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
  return { name, value: utf8OrBytes(rest) };
}
