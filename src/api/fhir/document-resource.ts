import { OPENMES_EXTENSIONS } from './fhir-primitives.ts';
import type { StoredDocument } from '../../services/search-documents.ts';
import type { AppDeps } from '../build-app.ts';
import { toFhirDocumentReference } from './document-reference-mapper.ts';
import { documentFhirId } from './fhir-ids.ts';

/** DocumentReference as the PDSm resource of a stored document. */
export function documentResource(deps: AppDeps, d: StoredDocument, warning: boolean): Record<string, unknown> {
  const fhirId = documentFhirId(d.dossierId, d.documentId);
  const resource = toFhirDocumentReference(
    { ...d, documentId: fhirId, replaces: d.replaces ? documentFhirId(d.dossierId, d.replaces) : null },
    { baseUrl: `${deps.config.publicUrl}/fhir/R4`, patientId: d.dossierId, includeWarning: warning },
  );
  const extension = [...((resource.extension as unknown[] | undefined) ?? []), { url: OPENMES_EXTENSIONS.DEPOSIT_DATE, valueInstant: d.createdAt }];
  return { ...resource, meta: { ...(resource.meta as object), versionId: String(d.version), lastUpdated: d.updatedAt }, extension };
}

