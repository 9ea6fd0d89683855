import { issue, type ValidationIssue } from './validation-issue.ts';

/**
 * Which characters make sense in a value, by where it comes from.
 * - `line`: query and path parameters, identifiers, object keys: no control character at all (C0, DEL, C1).
 * - `text`: strings of a request body (free text included): tab, line feed and carriage return are allowed,
 *   the other C0 controls and DEL are not (as FHIR's `string` type says).
 * Both refuse lone UTF-16 surrogates (not Unicode; drivers would silently replace them) and U+0000, which
 * PostgreSQL refuses in text and jsonb (the request would fail with a 500 deep in a service).
 */
export type TextContext = 'line' | 'text';

export type TextFault = 'NUL' | 'CONTROL' | 'SURROGATE' | 'TOO_LONG';
export type InputFault = TextFault | 'NUMBER_RANGE';

export const INPUT_ISSUE_CODES: Readonly<Record<InputFault, string>> = {
  NUL: 'INPUT_NUL_CHARACTER',
  CONTROL: 'INPUT_CONTROL_CHARACTER',
  SURROGATE: 'INPUT_INVALID_UNICODE',
  TOO_LONG: 'INPUT_TOO_LONG',
  NUMBER_RANGE: 'INPUT_NUMBER_OUT_OF_RANGE',
};

const CONTROL: Readonly<Record<TextContext, RegExp>> = {
  line: /[\u0001-\u001F\u007F-\u009F]/,
  text: /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F]/,
};
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Native in Node ≥ 20 (ES2024, not yet in our TypeScript lib); the regular expression otherwise. */
function isWellFormed(s: string): boolean {
  const native = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? native.call(s) : !LONE_SURROGATE.test(s);
}

/** What is wrong with one string, or null. */
export function textFault(s: string, context: TextContext, maxLength = Number.POSITIVE_INFINITY): TextFault | null {
  if (s.length > maxLength) return 'TOO_LONG';
  if (s.includes('\u0000')) return 'NUL';
  if (CONTROL[context].test(s)) return 'CONTROL';
  if (!isWellFormed(s)) return 'SURROGATE';
  return null;
}

/** A number a request may carry: finite and exactly representable (1e400 parses as Infinity, 1e20 overflows bigint). */
export function isNumberInRange(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER;
}

export type JsonLimits = { maxKeyLength: number; maxStringLength?: number };
export type JsonFault = { path: Array<string | number>; fault: InputFault };

/**
 * The first unacceptable value of a parsed JSON (or form) body: a string (`text`), a key (`line`) or a
 * number out of range, with its path. Iterative and linear (each entry points to its parent; the path is
 * built only for the fault), so a deeply nested body can neither overflow the stack nor cost quadratic time.
 */
export function findJsonFault(value: unknown, limits: JsonLimits): JsonFault | null {
  type Entry = { value: unknown; key: string | number | null; parent: Entry | null };
  const pathOf = (e: Entry): Array<string | number> => {
    const path: Array<string | number> = [];
    for (let at: Entry | null = e; at && at.key !== null; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Entry[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const v = entry.value;
    if (typeof v === 'string') {
      const fault = textFault(v, 'text', limits.maxStringLength);
      if (fault) return { path: pathOf(entry), fault };
    } else if (typeof v === 'number') {
      if (!isNumberInRange(v)) return { path: pathOf(entry), fault: 'NUMBER_RANGE' };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: entry });
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const child: Entry = { value: (v as Record<string, unknown>)[key], key, parent: entry };
        const fault = textFault(key, 'line', limits.maxKeyLength);
        if (fault) return { path: pathOf(child), fault };
        stack.push(child);
      }
    }
  }
  return null;
}

/** A field name safe to show back (in JSON, HTML or a log): controls and lone surrogates escaped, at most 80 characters. */
export function printableField(name: string): string {
  let out = '';
  // The string iterator yields a surrogate pair as one character, a lone surrogate as itself.
  for (const ch of name.length > 80 ? `${name.slice(0, 79)}…` : name) {
    out += ch.length === 1 && /[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/.test(ch) ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

/** `content[0].attachment.title` from a JSON path. */
export function jsonPathField(path: ReadonlyArray<string | number>, root?: string): string {
  let out = root ?? '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

const WHAT: Readonly<Record<InputFault, (max?: number) => string>> = {
  NUL: () => 'contient un caractère nul (U+0000), qui n’est pas accepté : retirez-le puis réessayez.',
  CONTROL: () => 'contient un caractère de contrôle invisible, qui n’est pas accepté : retirez-le puis réessayez.',
  SURROGATE: () => 'contient une suite de caractères Unicode invalide (demi-paire de substitution isolée) : corrigez la saisie puis réessayez.',
  TOO_LONG: (max) => `est trop long${max ? ` (au plus ${max} caractères)` : ''} : raccourcissez-le puis réessayez.`,
  NUMBER_RANGE: () => 'est un nombre hors des limites acceptées.',
};

/** The issue that names the field and says what to do, in French. `kind` words the field (« Le paramètre », « Le champ »). */
export function inputIssue(field: string, fault: InputFault, kind: 'paramètre' | 'champ' | 'adresse', max?: number): ValidationIssue {
  const shown = printableField(field);
  const subject = kind === 'adresse' ? 'L’adresse demandée' : `Le ${kind} « ${shown} »`;
  return issue(shown, INPUT_ISSUE_CODES[fault], `${subject} ${WHAT[fault](max)}`);
}
