/**
 * YAML parsing with source positions: maps a key path (as zod or a compiler reports it) back to
 * the line and column in the file, so every configuration error names file, line and key.
 */
import { isMap, isSeq, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Expansions of aliases (`*name`) a configuration may use; more is an alias bomb (billion laughs). */
export const MAX_ALIAS_COUNT = 100;
import type { KeyPath } from '../util/config-check';

export interface ParsedYaml {
  value: unknown;
  /** YAML syntax errors (with position); when present, `value` is unusable. */
  syntaxErrors: { line: number; column: number; message: string }[];
  /** Position of the deepest existing node on the path; for a missing key, its parent. */
  positionOf(path: KeyPath, opts?: { key?: string }): { line: number; column: number } | undefined;
}

export function parseYamlWithPositions(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntaxErrors = doc.errors.map((e) => ({ ...pos(e.pos[0]), message: e.message.split('\n')[0] }));
  // YAML allows no control characters but tab and line breaks (the parser lets them through)
  const control = CONTROL.exec(text);
  if (control) {
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    syntaxErrors.push({
      ...pos(control.index),
      message: `control character ${code} is not allowed in YAML (a stray byte from an editor, or not a text file?)`,
    });
  }

  function positionOf(path: KeyPath, opts: { key?: string } = {}) {
    let node: unknown = doc.contents;
    let best: Node | undefined = doc.contents ?? undefined;
    const full = opts.key !== undefined ? [...path, opts.key] : path;
    for (let i = 0; i < full.length; i++) {
      const seg = full[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        // the last segment points at the key itself (that is where a reader looks for "key: value")
        const keyNode = pair.key as Node | null;
        best = (i === full.length - 1 && keyNode ? keyNode : (pair.value as Node | null)) ?? keyNode ?? best;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        best = item;
        node = item;
      } else {
        break;
      }
    }
    return best?.range ? pos(best.range[0]) : undefined;
  }

  if (syntaxErrors.length) return { value: undefined, syntaxErrors, positionOf };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), syntaxErrors, positionOf };
  } catch (e) {
    // yaml throws (without a position) when aliases expand too often: point at the first alias
    let at = 0;
    visit(doc, {
      Alias(_, node) {
        at = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const message = /alias/i.test((e as Error).message)
      ? `aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies of their anchors (an alias bomb?)`
      : (e as Error).message;
    return { value: undefined, syntaxErrors: [{ ...pos(at), message }], positionOf };
  }
}
