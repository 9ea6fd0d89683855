/** RFC 9457 problem details as returned by the OpenMES API (pure helpers). */

export interface Problem {
  title?: string;
  detail?: string;
  status?: number;
  code?: string;
  type?: string;
  /** Messages of the validation issues, when the API names them (e.g. « Saisissez au moins 2 caractères. »). */
  issues?: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Keeps only well-typed problem members; tolerates any body (HTML error page, null…). */
export function parseProblem(status: number, body: unknown): Problem {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const problem: Problem = { status: typeof o.status === 'number' ? o.status : status };
  const title = str(o.title);
  const detail = str(o.detail);
  const code = str(o.code);
  const type = str(o.type);
  if (title) problem.title = title;
  if (detail) problem.detail = detail;
  if (code) problem.code = code;
  if (type) problem.type = type;
  const issues = Array.isArray(o.issues) ? o.issues.map((i) => str((i as { message?: unknown } | null)?.message)).filter((m): m is string => m !== undefined) : [];
  if (issues.length) problem.issues = issues;
  return problem;
}

export function isProblemContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const mime = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/problem+json' || mime === 'application/json' || mime.endsWith('+json');
}
