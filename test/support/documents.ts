import { randomUUID } from 'node:crypto';

/** A tiny valid PDF (header, one object, trailer): what the content check accepts as application/pdf. */
export function pdfBytes(text = 'OpenMES'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

export type DocOptions = {
  patientId: string;
  typeCode?: string;
  typeSystem?: string;
  labels?: string[];
  masterIdentifier?: string;
  date?: string;
  title?: string;
  replaces?: string;
  content?: Buffer;
  contentType?: string;
};

/** A PDSm-shaped DocumentReference with inline content, as professional software sends it. */
export function documentReference(o: DocOptions): Record<string, unknown> {
  const system = o.typeSystem ?? (/^\d+-\d$/.test(o.typeCode ?? '11488-4') ? 'http://loinc.org' : 'urn:oid:1.2.250.1.213.1.1.4.12');
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: o.masterIdentifier ?? `urn:uuid:${randomUUID()}` },
    type: { coding: [{ system, code: o.typeCode ?? '11488-4' }] },
    subject: { reference: `Patient/${o.patientId}` },
    date: o.date ?? '2026-01-10T09:00:00Z',
    description: o.title ?? 'Compte rendu de consultation',
    securityLabel: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] },
      ...(o.labels ?? []).map((code) => ({ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.13', code }] })),
    ],
    content: [{ attachment: { contentType: o.contentType ?? 'application/pdf', title: o.title ?? 'Compte rendu de consultation', data: (o.content ?? pdfBytes()).toString('base64') } }],
    ...(o.replaces ? { relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${o.replaces}` } }] } : {}),
  };
}
