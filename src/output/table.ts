/** Text tables for terminals: columns aligned by display width, numbers right-aligned. */

/** Terminal columns a string takes: East Asian wide characters take two, combining marks none. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (/\p{M}/u.test(ch)) continue;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}

const pad = (s: string, width: number, left: boolean) => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return left ? fill + s : s + fill;
};

export function table(rows: (string | number)[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(String(c)))));
  const fmt = (row: (string | number)[]) =>
    row
      .map((c, i) => pad(String(c), widths[i], typeof c === 'number'))
      .join('  ')
      .trimEnd();
  const out = all.map(fmt);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.join('\n');
}
