import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Issue 8, item 12: a replacement is a new version of the same document. The patient's mask on the old
 * version carries over to the new one, and no resource returned names a version the caller may not see.
 */

let t: TestApp;
let patient: string;
/** A physician with the patient's consent, not the author: reads what the matrix and the masks allow. */
const colleague: Actor = {
  kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000121', displayName: 'Dr Anne Roux', rpps: '10000010099',
  profession: 'G15:10', specialty: null, structure: { finess: '750000003', name: 'Clinique' },
};
const holder = () => personFor(patient, 'Hugo Leroy');
const LABEL_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.13';
const LEVEL_N = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' };

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const call = async (actor: Actor, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<Res> =>
  t.app.inject({
    method, url,
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, 'content-type': method === 'PATCH' ? 'application/json-patch+json' : url.startsWith('/api') ? 'application/json' : 'application/fhir+json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
const feed = async (doc: Record<string, unknown>): Promise<string> => {
  const res = await call(doctor, 'POST', '/fhir/R4/DocumentReference', doc);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};
const read = (actor: Actor, id: string) => call(actor, 'GET', `/fhir/R4/DocumentReference/${id}`);
const mask = (actor: Actor, id: string, on: boolean) => call(actor, 'PATCH', `/fhir/R4/DocumentReference/${id}`,
  on ? [{ op: 'add', path: '/securityLabel/-', value: { system: LABEL_SYSTEM, code: 'MASQUE_PS' } }] : [{ op: 'replace', path: '/securityLabel', value: [LEVEL_N] }]);
const labelsOf = (res: Res) => (res.json().securityLabel as { coding: { code: string }[] }[]).map((l) => l.coding[0]!.code);
const searchEntries = async (actor: Actor) => {
  const res = await call(actor, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${patient}&_count=50`);
  expect(res.statusCode).toBe(200);
  return (res.json().entry ?? []).map((e: { resource: Record<string, unknown> }) => e.resource) as Record<string, unknown>[];
};

describe(`a replacement keeps the patient's mask and never names a version the caller may not see (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    patient = await insertDossier(t.db, { ins: insWithKey('1800575056777'), birthName: 'LEROY', firstNames: 'Hugo', birthDate: '1980-03-01', sex: 'M', state: 'active' });
    for (const [actor, url] of [[doctor, 'feeding-information'], [doctor, 'consents'], [colleague, 'consents']] as const) {
      const res = await call(actor, 'POST', `/api/dossiers/${patient}/${url}`, url === 'consents' ? { scope: 'professional' } : {});
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
  });
  afterAll(async () => t.close());

  it("the patient masks Z, its author replaces it: Z2 is masked too, so a consented colleague finds neither", async () => {
    const z = await feed(documentReference({ patientId: patient, title: 'Compte rendu Z' }));
    expect((await mask(holder(), z, true)).statusCode).toBe(200);
    expect((await read(colleague, z)).statusCode).toBe(404);

    const z2 = await feed(documentReference({ patientId: patient, title: 'Compte rendu Z2', replaces: z }));
    // The author reads the new version: masked (the patient's choice), and naming Z, which they may read.
    const byAuthor = await read(doctor, z2);
    expect(labelsOf(byAuthor)).toContain('MASQUE_PS');
    expect(byAuthor.json().relatesTo).toEqual([{ code: 'replaces', target: { reference: `DocumentReference/${z}` } }]);
    // The colleague: not found, like Z, and neither is listed.
    expect((await read(colleague, z2)).statusCode).toBe(404);
    expect((await searchEntries(colleague)).map((r) => r.id)).not.toContain(z2);
    // The patient sees their masked documents, and the link between them.
    expect((await read(holder(), z2)).json().relatesTo).toEqual([{ code: 'replaces', target: { reference: `DocumentReference/${z}` } }]);

    // The patient unmasks the new version only: the colleague reads Z2, which no longer names the still-masked Z.
    expect((await mask(holder(), z2, false)).statusCode).toBe(200);
    const byColleague = await read(colleague, z2);
    expect(byColleague.statusCode).toBe(200);
    expect(byColleague.json().relatesTo).toBeUndefined();
    expect(byColleague.body).not.toContain(z);
    const listed = (await searchEntries(colleague)).find((r) => r.id === z2);
    expect(listed).toBeDefined();
    expect(listed!.relatesTo).toBeUndefined();
    expect(JSON.stringify(await searchEntries(colleague))).not.toContain(z);
    expect((await read(colleague, z)).statusCode).toBe(404);
  });

  it("an author's own mask stays the author's: the new version is as they deposit it, and names no hidden version", async () => {
    const y = await feed(documentReference({ patientId: patient, title: 'Compte rendu Y', labels: ['MASQUE_PS'] }));
    const y2 = await feed(documentReference({ patientId: patient, title: 'Compte rendu Y2', replaces: y }));
    expect(labelsOf(await read(doctor, y2))).not.toContain('MASQUE_PS');
    const byColleague = await read(colleague, y2);
    expect(byColleague.statusCode).toBe(200);
    expect(byColleague.json().relatesTo).toBeUndefined();
    expect(byColleague.body).not.toContain(y);
  });

  it('a visible predecessor stays named: the link is removed only when the caller may not see the target', async () => {
    const x = await feed(documentReference({ patientId: patient, title: 'Compte rendu X' }));
    const x2 = await feed(documentReference({ patientId: patient, title: 'Compte rendu X2', replaces: x }));
    expect((await read(colleague, x2)).json().relatesTo).toEqual([{ code: 'replaces', target: { reference: `DocumentReference/${x}` } }]);
  });
});
