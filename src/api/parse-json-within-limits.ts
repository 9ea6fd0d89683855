/** What a JSON body may hold, whatever its size (issue 8, item 1). */
export const JSON_LIMITS = {
  /** Nesting of objects and arrays: a FHIR resource needs about ten levels. */
  maxDepth: 64,
  /** Object members and array elements, counted by their separators: a bundle of documents needs a few thousand. */
  maxItems: 100_000,
} as const;

export type JsonFault = 'SYNTAX' | 'DEPTH' | 'ITEMS' | 'FORBIDDEN_KEY';
export type JsonParseOutcome = { ok: true; value: unknown } | { ok: false; fault: JsonFault };

/**
 * Parses a JSON text after a linear scan that refuses it, before any parsing, when nested deeper than
 * `maxDepth` or holding more than `maxItems` members and elements; then refuses `__proto__` keys and
 * `constructor.prototype` (prototype poisoning, as Fastify's own JSON parser does). A leading BOM is dropped.
 *
 * Self-contained on purpose (no imports, no inner functions, no closures): the parser worker threads
 * run its source text (json-parser-pool.ts).
 */
export function parseJsonWithinLimits(input: string, maxDepth: number, maxItems: number): JsonParseOutcome {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let depth = 0;
  let items = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump to the closing quote (long strings, such as base64 content, are crossed at indexOf speed).
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return { ok: false, fault: 'SYNTAX' };
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      items++;
      if (depth > maxDepth) return { ok: false, fault: 'DEPTH' };
      if (items > maxItems) return { ok: false, fault: 'ITEMS' };
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c) {
      items++;
      if (items > maxItems) return { ok: false, fault: 'ITEMS' };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, fault: 'SYNTAX' };
  }
  if (text.includes('__proto__') || text.includes('constructor')) {
    const pending: unknown[] = [value];
    while (pending.length > 0) {
      const node = pending.pop();
      if (node === null || typeof node !== 'object') continue;
      if (Object.prototype.hasOwnProperty.call(node, '__proto__')) return { ok: false, fault: 'FORBIDDEN_KEY' };
      const ctor = (node as Record<string, unknown>).constructor;
      if (Object.prototype.hasOwnProperty.call(node, 'constructor') && ctor !== null && typeof ctor === 'object'
        && Object.prototype.hasOwnProperty.call(ctor, 'prototype')) return { ok: false, fault: 'FORBIDDEN_KEY' };
      for (const child of Object.values(node)) pending.push(child);
    }
  }
  return { ok: true, value };
}
