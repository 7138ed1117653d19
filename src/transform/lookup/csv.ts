/** CSV lookup source (csv-parse, streaming): header row → column names, BOM stripped, blank lines skipped. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

export async function readCsvLookup(
  file: string,
  opts: { delimiter: string; encoding: 'utf8' | 'latin1' },
  onHeader: (columns: string[]) => void,
  onRow: (row: Record<string, string>) => void,
): Promise<void> {
  let header: string[] | null = null;
  const source = createReadStream(file, { encoding: opts.encoding });
  const parser = source.pipe(
    parse({
      delimiter: opts.delimiter,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      columns: (h: string[]) => {
        header = h.map((x) => x.trim());
        onHeader(header);
        return header;
      },
    }),
  );
  source.on('error', (e) => parser.destroy(e));
  try {
    for await (const row of parser as AsyncIterable<Record<string, string>>) onRow(row);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ENOENT') throw new Error('no such file');
    throw err;
  }
}
