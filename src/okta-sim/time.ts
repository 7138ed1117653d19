/** Timestamps given to seeding APIs (Date, ISO string or epoch ms) → epoch ms. */
export function toMs(v: Date | string | number): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  if (Number.isNaN(ms)) throw new Error(`invalid date: ${String(v)}`);
  return ms;
}
