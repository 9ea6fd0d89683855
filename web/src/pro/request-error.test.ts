import { describe, expect, it } from 'vitest';
import { issuesFor, parseErrorBody } from './request-error.ts';

const BLOCKED = "Le patient vous a retiré les droits d'accès à son DMP.";

describe('API errors as the professional portal shows them', () => {
  it('keeps a FHIR refusal word for word as the detail (SPEC §3.2)', () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden', details: { coding: [{ system: 'urn:openmes:reason', code: 'POLICY_BLOCKED_PROFESSIONAL' }], text: BLOCKED }, expression: ['access'] }],
    };
    expect(parseErrorBody(403, outcome)).toEqual({ problem: { status: 403, detail: BLOCKED, code: 'POLICY_BLOCKED_PROFESSIONAL' }, issues: [] });
  });

  it('reads FHIR validation issues per field, and "not found" as the error itself', () => {
    const invalid = {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'invalid', details: { coding: [{ code: 'DOCUMENT_TYPE_UNKNOWN' }], text: 'Le type de document X est inconnu.' }, expression: ['type'] },
        { severity: 'error', code: 'invalid', details: { coding: [{ code: 'FHIR_REQUIRED' }], text: 'Le titre est obligatoire.' }, expression: ['DocumentReference.content[0].attachment.title'] },
      ],
    };
    const parsed = parseErrorBody(400, invalid);
    expect(parsed.problem).toEqual({ status: 400 });
    expect(parsed.issues.map((i) => i.field)).toEqual(['type', 'DocumentReference.content[0].attachment.title']);
    const missing = parseErrorBody(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', details: { coding: [{ code: 'RESOURCE_NOT_FOUND' }], text: 'Ressource introuvable.' } }] });
    expect(missing).toEqual({ problem: { status: 404, detail: 'Ressource introuvable.', code: 'RESOURCE_NOT_FOUND' }, issues: [] });
  });

  it('reads problem+json with its issues, leaving out the refusal pseudo-field', () => {
    const body = {
      type: 'urn:openmes:error:ACCESS_DENIED', title: "Vous n'avez pas accès à cette ressource.", status: 403, code: 'ACCESS_DENIED',
      detail: "Le patient s'est opposé à l'accès en urgence (bris de glace) à son DMP.",
      issues: [{ field: 'access', code: 'POLICY_EMERGENCY_BLOCKED', message: "Le patient s'est opposé à l'accès en urgence (bris de glace) à son DMP." }],
    };
    const parsed = parseErrorBody(403, body);
    expect(parsed.problem.detail).toBe("Le patient s'est opposé à l'accès en urgence (bris de glace) à son DMP.");
    expect(parsed.issues).toEqual([]);
    const invalid = parseErrorBody(400, { status: 400, code: 'VALIDATION_FAILED', issues: [{ field: 'reason', code: 'VALIDATION_SCHEMA', message: 'trop court' }] });
    expect(issuesFor(invalid.issues, 'reason')).toEqual([{ field: 'reason', code: 'VALIDATION_SCHEMA', message: 'trop court' }]);
  });

  it('tolerates any body (HTML error page, nothing)', () => {
    expect(parseErrorBody(502, '<html>')).toEqual({ problem: { status: 502 }, issues: [] });
    expect(parseErrorBody(500, undefined)).toEqual({ problem: { status: 500 }, issues: [] });
  });

  it('matches issues on a field and the paths under it', () => {
    const issues = [
      { field: 'type.coding[0].code', code: 'A', message: 'a' },
      { field: 'typeCode', code: 'B', message: 'b' },
      { field: 'type', code: 'C', message: 'c' },
    ];
    expect(issuesFor(issues, 'type').map((i) => i.code)).toEqual(['A', 'C']);
  });
});
