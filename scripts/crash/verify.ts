import { parseDocumentFhirId } from '../../src/domain/resource-ids.ts';
import { describeProblem, verifyAudit } from '../../src/services/verify-audit.ts';
import { openDb } from '../../src/store/db.ts';
import type { Ack, Unacked } from './writers.ts';

export type Verification = {
  documents: number;
  lost: string[];
  idMismatches: string[];
  duplicates: { byMasterIdentifier: number; byCount: number; auditEntries: number; outboxRows: number };
  phantoms: string[];
  orphans: { documentWithoutAudit: string[]; auditWithoutDocument: string[]; documentWithoutOutbox: string[]; outboxWithoutDocument: string[]; documentWithoutContent: string[] };
  idempotency: { missing: string[]; wrongOutcome: string[] };
  committedUnacked: number;
  chain: { entries: number; chains: number; problems: string[] };
};

type FeedOutcome = { ok?: boolean; value?: { documentId?: string }[] };

/**
 * The R5 invariants, read from the database after the run: every acknowledged write is there exactly
 * once with the id it was acknowledged with; each document has its audit entry, its notification
 * (outbox) and its content, and nothing of these exists without its document; each acknowledged key has
 * its stored outcome; every audit chain verifies.
 */
export async function verifyRun(databaseUrl: string, dossierId: string, principal: string, acked: Ack[], unacked: Unacked[], attempted: Set<string>): Promise<Verification> {
  const db = await openDb({ databaseUrl, poolSize: 2 });
  try {
    const docs = (await db.query<{ document_id: string; master_identifier: string; has_content: boolean }>(
      `SELECT d.document_id, d.master_identifier, c.sha256 IS NOT NULL AS has_content
         FROM document d LEFT JOIN document_content c ON c.dossier_id = d.dossier_id AND c.sha256 = d.sha256
        WHERE d.dossier_id = $1`, [dossierId])).rows;
    const audits = (await db.query<{ target_id: string; n: number }>(
      // The entry that records the creation; a later conditional-create hit on the same masterIdentifier
      // (without the Idempotency-Key) is traced as DOCUMENT_ALREADY_PRESENT, and a retry with the same key is
      // re-decided and traced as a replay (details.replay): neither is a second creation.
      `SELECT target_id, count(*)::int AS n FROM audit_event
        WHERE dossier_id = $1 AND action = 'document.feed' AND outcome = 'allowed' AND reason <> 'DOCUMENT_ALREADY_PRESENT'
          AND coalesce(details->>'replay', 'false') <> 'true'
        GROUP BY target_id`, [dossierId])).rows;
    const outbox = (await db.query<{ id: string; n: number }>(
      `SELECT payload->>'documentId' AS id, count(*)::int AS n FROM outbox
        WHERE dossier_id = $1 AND payload->>'type' = 'document.added' GROUP BY 1`, [dossierId])).rows;
    const records = (await db.query<{ idempotency_key: string; status_code: number; response: FeedOutcome }>(
      'SELECT idempotency_key, status_code, response FROM idempotency_record WHERE principal = $1', [principal])).rows;

    const byMi = new Map<string, string[]>();
    for (const d of docs) byMi.set(d.master_identifier, [...(byMi.get(d.master_identifier) ?? []), d.document_id]);
    const docIds = new Set(docs.map((d) => d.document_id));
    const auditBy = new Map(audits.map((a) => [a.target_id, a.n]));
    const outboxBy = new Map(outbox.map((o) => [o.id, o.n]));
    const recordBy = new Map(records.map((r) => [r.idempotency_key, r]));

    const lost: string[] = [];
    const idMismatches: string[] = [];
    const missing: string[] = [];
    const wrongOutcome: string[] = [];
    for (const a of acked) {
      const documentId = parseDocumentFhirId(a.id)?.documentId;
      const stored = byMi.get(a.masterIdentifier) ?? [];
      if (stored.length === 0 || !documentId || !docIds.has(documentId)) lost.push(a.key);
      else if (!stored.includes(documentId)) idMismatches.push(a.key);
      const record = recordBy.get(a.key);
      if (!record || record.status_code !== 1) missing.push(a.key);
      else if (record.response.value?.[0]?.documentId !== documentId) wrongOutcome.push(a.key);
    }
    const unackedMis = new Set(unacked.map((u) => u.masterIdentifier));
    const chain = await verifyAudit(db);
    return {
      documents: docs.length,
      lost,
      idMismatches,
      duplicates: {
        byMasterIdentifier: [...byMi.values()].reduce((n, ids) => n + Math.max(0, ids.length - 1), 0),
        byCount: docs.length - byMi.size,
        auditEntries: audits.reduce((n, a) => n + Math.max(0, a.n - 1), 0),
        outboxRows: outbox.reduce((n, o) => n + Math.max(0, o.n - 1), 0),
      },
      phantoms: docs.filter((d) => !attempted.has(d.master_identifier)).map((d) => d.master_identifier),
      orphans: {
        documentWithoutAudit: docs.filter((d) => !auditBy.has(d.document_id)).map((d) => d.document_id),
        auditWithoutDocument: audits.filter((a) => !docIds.has(a.target_id)).map((a) => a.target_id),
        documentWithoutOutbox: docs.filter((d) => !outboxBy.has(d.document_id)).map((d) => d.document_id),
        outboxWithoutDocument: outbox.filter((o) => !docIds.has(o.id)).map((o) => o.id),
        documentWithoutContent: docs.filter((d) => !d.has_content).map((d) => d.document_id),
      },
      idempotency: { missing, wrongOutcome },
      committedUnacked: docs.filter((d) => unackedMis.has(d.master_identifier)).length,
      chain: { entries: chain.entries, chains: chain.chains, problems: chain.problems.map(describeProblem) },
    };
  } finally {
    await db.close();
  }
}

export function orphanCount(v: Verification): number {
  return Object.values(v.orphans).reduce((n, list) => n + list.length, 0);
}

export function duplicateCount(v: Verification): number {
  return v.duplicates.byMasterIdentifier + v.duplicates.byCount + v.duplicates.auditEntries + v.duplicates.outboxRows;
}
