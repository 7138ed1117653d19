/**
 * CSV for spreadsheets (RFC 4180): every cell quoted when it holds a comma, a double quote, a
 * carriage return or a line feed (quotes doubled), rows ended by CRLF, UTF-8 with a byte-order mark
 * so that Excel does not read names as Latin-1.
 *
 * Directory data is untrusted: a cell a spreadsheet would take for a formula (starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return; OWASP "CSV injection") is prefixed with a single quote,
 * which spreadsheets show as text. Phone numbers in E.164 (`+14155550100`) are prefixed too: the
 * cell reads `'+14155550100`, which is the price of never running `=HYPERLINK(…)` from a directory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A value as one CSV cell (neutralised and quoted as needed). */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : Array.isArray(value) ? value.map(String).join('; ') : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** A whole CSV document (header and rows), BOM included. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  let out = '\uFEFF' + csvRow(header);
  for (const r of rows) out += csvRow(r);
  return out;
}

/**
 * Writes a CSV file as rows come (a bounded buffer, flushed synchronously), so a report of a large
 * directory never holds its rows in memory. The file is created with mode 0600: it holds personal
 * data (names, e-mails, phone numbers).
 */
export class CsvFileWriter {
  private fd: number | null;
  private buf = '';
  rows = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
    private readonly flushAt = 64 * 1024,
  ) {
    this.fd = openSync(path, 'w', 0o600);
    this.buf = '\uFEFF' + csvRow(header);
  }

  write(cells: readonly unknown[]): void {
    if (this.fd === null) throw new Error(`CSV file ${this.path} is closed`);
    this.buf += csvRow(cells);
    this.rows++;
    if (this.buf.length >= this.flushAt) this.flush();
  }

  private flush(): void {
    if (this.fd === null || !this.buf) return;
    const bytes = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }

  close(): void {
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}
