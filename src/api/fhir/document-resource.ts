import { fhirSystemForOid } from '../../domain/terminology/svs-value-set.ts';
import { visibleToPatientSince } from '../../services/patient-visibility.ts';
import { OPENMES_EXTENSIONS } from './fhir-primitives.ts';
import type { StoredDocument } from '../../services/search-documents.ts';
import type { AppDeps } from '../build-app.ts';
import { toFhirDocumentReference } from './document-reference-mapper.ts';
import { documentFhirId } from '../../domain/resource-ids.ts';

/** The J01 coding of a stored author specialty (its code system is the one the value set gives it). */
function authorSpecialtyCoding(deps: AppDeps, code: string | null): { system: string; code: string; display?: string } | undefined {
  if (!code) return undefined;
  const concept = deps.reference.documents.valueSets.J01.get(code);
  return concept ? { system: fhirSystemForOid(concept.codeSystem), code, display: concept.display } : undefined;
}

/**
 * DocumentReference as the PDSm resource of a stored document, with when it was added to the space and,
 * for a document first hidden from the patient, since when the patient sees it (the portal's
 * « Nouvellement visible »).
 */
export function documentResource(deps: AppDeps, d: StoredDocument, warning: boolean): Record<string, unknown> {
  const fhirId = documentFhirId(d.dossierId, d.documentId);
  const specialty = authorSpecialtyCoding(deps, d.authorSpecialty);
  const resource = toFhirDocumentReference(
    { ...d, documentId: fhirId, replaces: d.replaces ? documentFhirId(d.dossierId, d.replaces) : null },
    { baseUrl: `${deps.config.publicUrl}/fhir/R4`, patientId: d.dossierId, includeWarning: warning, ...(specialty ? { authorSpecialty: specialty } : {}) },
  );
  const visibleSince = visibleToPatientSince(deps, d, deps.clock());
  const extension = [
    ...((resource.extension as unknown[] | undefined) ?? []),
    { url: OPENMES_EXTENSIONS.DEPOSIT_DATE, valueInstant: d.createdAt },
    ...(visibleSince ? [{ url: OPENMES_EXTENSIONS.VISIBLE_TO_PATIENT_SINCE, valueInstant: visibleSince }] : []),
  ];
  return { ...resource, meta: { ...(resource.meta as object), versionId: String(d.version), lastUpdated: d.updatedAt }, extension };
}
