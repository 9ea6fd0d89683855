/**
 * PostgreSQL array literals built directly (`{"a","b",NULL}`), for the bulk `unnest($1::text[])`
 * statements: every element quoted, `"` and `\` escaped. The same text is accepted by PostgreSQL and
 * PGlite, and building it in one pass is several times cheaper than the drivers' generic serialisers.
 */
const NEEDS_ESCAPE = /["\\]/;

export function textArrayLiteral(values: readonly (string | number | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number') out += String(v);
    else if (NEEDS_ESCAPE.test(v)) out += `"${v.replace(/["\\]/g, '\\$&')}"`;
    else out += `"${v}"`;
  }
  return `${out}}`;
}
