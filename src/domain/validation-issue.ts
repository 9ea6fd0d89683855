/**
 * One problem found while validating input. Validation returns these as values (never throws):
 * `field` names the offending input (dotted path), `code` is a stable UPPER_SNAKE code with an area
 * prefix (IDENTITY_…, TERMINOLOGY_…), `message` is French, for the user, and names the rule broken.
 */
export type ValidationIssue = {
  field: string;
  code: string;
  message: string;
};

/** Result of a validation that also normalises its input. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Builds a `ValidationIssue`. */
export function issue(field: string, code: string, message: string): ValidationIssue {
  return { field, code, message };
}

/** Joins a field prefix (e.g. `patient`) and a field name (`birthName`) into a dotted path. */
export function fieldPath(prefix: string | undefined, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** True when `value` is a real calendar date written `YYYY-MM-DD` (2023-02-29 is refused). */
export function isIsoCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= daysInMonth;
}
