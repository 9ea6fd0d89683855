import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentFhirId, parseDocumentFhirId } from './resource-ids.ts';

describe('dossier-scoped FHIR ids', () => {
  it('round-trip, and are valid FHIR ids (A-Z a-z 0-9 - ., at most 64)', () => {
    fc.assert(fc.property(fc.uuid(), fc.uuid(), (a, b) => {
      const id = documentFhirId(a, b);
      expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      expect(parseDocumentFhirId(id)).toEqual({ dossierId: a, documentId: b });
    }), { numRuns: 2000 });
  });

  it('anything else is not an id', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
      const parsed = parseDocumentFhirId(s);
      if (parsed) expect(documentFhirId(parsed.dossierId, parsed.documentId)).toBe(s);
    }), { numRuns: 2000 });
    expect(parseDocumentFhirId('not-an-id')).toBeNull();
  });
});
