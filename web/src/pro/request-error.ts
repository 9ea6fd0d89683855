/**
 * Errors of the OpenMES API as the professional portal shows them (pure helpers): problem+json under
 * /api, OperationOutcome under /fhir/R4. Both carry per-field issues that forms show next to the field.
 */
import { ApiError, type Problem } from '../api/problem.ts';

/** One issue the server named: `field` is the request path it applies to (e.g. `DocumentReference.type`). */
export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

export class RequestError extends ApiError {
  constructor(
    status: number,
    problem: Problem,
    readonly issues: readonly FieldIssue[],
  ) {
    super(status, problem);
    this.name = 'RequestError';
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

function problemIssues(body: Record<string, unknown>): FieldIssue[] {
  const list = Array.isArray(body.issues) ? body.issues : [];
  return list.flatMap((raw) => {
    const i = obj(raw);
    const message = str(i.message);
    return message ? [{ field: str(i.field) ?? '', code: str(i.code) ?? '', message }] : [];
  });
}

function outcomeIssues(body: Record<string, unknown>): FieldIssue[] {
  const list = Array.isArray(body.issue) ? body.issue : [];
  return list.flatMap((raw) => {
    const i = obj(raw);
    const details = obj(i.details);
    const coding = obj(Array.isArray(details.coding) ? details.coding[0] : undefined);
    const message = str(details.text) ?? str(i.diagnostics);
    const expression = Array.isArray(i.expression) ? str(i.expression[0]) : undefined;
    return message ? [{ field: expression ?? '', code: str(coding.code) ?? str(i.code) ?? '', message }] : [];
  });
}

/**
 * Reads an error body of either shape. The detail is the server's own message (shown as is: the
 * refusal of SPEC §3.2 must reach the professional word for word); field issues are kept apart.
 */
export function parseErrorBody(status: number, body: unknown): { problem: Problem; issues: FieldIssue[] } {
  const o = obj(body);
  if (o.resourceType === 'OperationOutcome') {
    const issues = outcomeIssues(o);
    const problem: Problem = { status };
    // An issue without a field (or on the pseudo-field `access` of a refusal) is the error itself.
    const whole = issues.find((i) => !isFieldOfRequest(i));
    if (whole) {
      problem.detail = whole.message;
      if (whole.code) problem.code = whole.code;
    }
    return { problem, issues: issues.filter(isFieldOfRequest) };
  }
  const problem: Problem = { status: typeof o.status === 'number' ? o.status : status };
  const title = str(o.title);
  const detail = str(o.detail);
  const code = str(o.code);
  if (title) problem.title = title;
  if (detail) problem.detail = detail;
  if (code) problem.code = code;
  // A refusal also arrives as one issue on the pseudo-field `access`: the detail already says it.
  return { problem, issues: problemIssues(o).filter(isFieldOfRequest) };
}

const isFieldOfRequest = (i: FieldIssue): boolean => i.field !== '' && i.field !== 'access';

/** The issues whose field is `field` or under it (`type` matches `DocumentReference.type.coding[0].code`). */
export function issuesFor(issues: readonly FieldIssue[], ...fields: string[]): FieldIssue[] {
  return issues.filter((i) => fields.some((f) => i.field === f || i.field.startsWith(`${f}.`) || i.field.startsWith(`${f}[`)));
}
