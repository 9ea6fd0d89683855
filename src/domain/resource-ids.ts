/**
 * FHIR ids of dossier-scoped resources carry the dossier: the 32 bytes (dossier uuid ‖ document uuid) in
 * base64url with '.' for '_' (FHIR ids allow only A-Z a-z 0-9 - .), 43 characters (FHIR allows 64). A read then goes straight to its dossier's partition, with no global
 * lookup table, and an id from one dossier can never reach another.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const bytesUuid = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export function documentFhirId(dossierId: string, documentId: string): string {
  return Buffer.concat([uuidBytes(dossierId), uuidBytes(documentId)]).toString('base64url').replace(/_/g, '.');
}

/** The (dossier, document) of a DocumentReference/Binary id, or null for anything malformed. */
export function parseDocumentFhirId(id: string): { dossierId: string; documentId: string } | null {
  if (!/^[A-Za-z0-9.-]{43}$/.test(id)) return null;
  const bytes = Buffer.from(id.replace(/\./g, '_'), 'base64url');
  if (bytes.length !== 32) return null;
  const dossierId = bytesUuid(bytes.subarray(0, 16));
  const documentId = bytesUuid(bytes.subarray(16));
  return UUID.test(dossierId) && UUID.test(documentId) && documentFhirId(dossierId, documentId) === id ? { dossierId, documentId } : null;
}

export function isUuid(id: string): boolean {
  return UUID.test(id.toLowerCase());
}
