import type { Actor } from '../../src/domain/actor.ts';
import { importTokenKeys, issueAccessToken } from '../../src/services/access-token.ts';
import { createGrantLiveness } from '../../src/services/grant-liveness.ts';
import { loadSigningKey, migrateDatabase } from '../../src/services/prepare-database.ts';
import { openDb } from '../../src/store/db.ts';
import { findDossierIdByIns, newDossierId } from '../../src/store/dossier-repo.ts';

/** The feeding professional (a physician with a structure). */
export const FEEDER: Extract<Actor, { kind: 'professional' }> = {
  kind: 'professional', accountId: 'c7a50000-0000-4000-8000-000000000001', displayName: 'Dr Camille Crash', rpps: '10000000771',
  profession: 'G15:10', specialty: 'SM54', structure: { finess: '750000771', name: 'Clinique du test de crash' },
};

/** A valid INS (NIR of a test person; key = 97 − N mod 97). */
const FIRST13 = '1800575077001';
export const INS = `${FIRST13}${String(97n - (BigInt(FIRST13) % 97n)).padStart(2, '0')}`;

/**
 * Migrates the database, inserts the active dossier the writers feed (the product creates dossiers by
 * import; a fixture does it directly), and returns an access token for the feeding professional, signed
 * with the platform's key (the one the application loads).
 */
export async function seed(databaseUrl: string, issuer: string): Promise<{ dossierId: string; token: string }> {
  const db = await openDb({ databaseUrl, poolSize: 2 });
  try {
    const report = await migrateDatabase(db);
    if (!report.ok) throw new Error(`migration ${report.failed} failed: ${report.error}`);
    // Dossier ids are random: a rerun on the same database finds the dossier through the INS index.
    let dossierId = await findDossierIdByIns(db, INS);
    if (!dossierId) {
      dossierId = newDossierId();
      const created = new Date();
      await db.query(
        `INSERT INTO dossier (dossier_id, ins, ins_oid, state, birth_name, first_names, birth_date, sex, birth_place, email, created_at, opposition_deadline)
         VALUES ($1, $2, '1.2.250.1.213.1.4.10', 'active', 'CRASH', 'Test', '1980-05-01', 'M', '75056', NULL, $3, $4)`,
        [dossierId, INS, created, new Date(created.getTime() + 42 * 86_400_000)]);
      await db.query('INSERT INTO dossier_by_ins (ins, dossier_id) VALUES ($1, $2)', [INS, dossierId]);
    }
    // The app runs with OPENMES_ACCESS_TOKEN_TTL_SECONDS=3600 (crash-feed.ts): the longest lifetime it accepts.
    const keys = await importTokenKeys(await loadSigningKey(db, new Date()), issuer, { maxLifetimeSeconds: 3600, grants: createGrantLiveness({ db, clock: () => new Date() }) });
    // Long enough for the whole run (the writers never sign in again).
    const token = await issueAccessToken(keys, FEEDER, 3600, new Date());
    return { dossierId, token };
  } finally {
    await db.close();
  }
}

/** A tiny valid PDF, different for every document (so each gets its own content row). */
export function pdf(text: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

/** A PDSm DocumentReference with inline content, as professional software sends it. */
export function documentReference(dossierId: string, masterIdentifier: string, title: string): Record<string, unknown> {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: masterIdentifier },
    type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
    subject: { reference: `Patient/${dossierId}` },
    date: '2026-01-10T09:00:00Z',
    description: title,
    securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }],
    content: [{ attachment: { contentType: 'application/pdf', title, data: pdf(title).toString('base64') } }],
  };
}
