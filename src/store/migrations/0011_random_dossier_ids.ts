import type { Migration } from '../migrator.ts';

// Frozen. Dossier ids were a name-based UUID of the INS (a hash anyone could invert given birth data: the
// NIR space is small). Every dossier gets a random id here; INS → dossier goes through dossier_by_ins
// only (docs/dossier-ids.md).
//
// Rewritten: every column holding a dossier id (dossier, dossier_by_ins, dossier_relationship both ids,
// account, outbox, dossier_settings, professional_block, consent, document_opposition, access_session,
// document, document_content, professional_first_access, document_visibility_event, notification,
// staged_binary, professional_first_feed, carer_invitation both ids) and every text holding one, as a
// uuid or inside a document/binary FHIR id (outbox and notification payloads and recipients, e-mail
// preferences and presence, actor snapshots, stored idempotent responses, authorization-server payloads,
// the development mailbox and the SMTP delivery keys).
//
// Not rewritten: the audit trail. audit_event stays append-only for every role (its trigger is never
// disabled) and each entry keeps the id it was chained with. dossier_former_id records, for each dossier,
// its former id and the head of the former chain at the change; the dossier's new chain continues that
// head (audit_head of the new id starts at the former seq and hash), so the verifier walks former chain
// → new chain as one, and the history reads both.
export const m0011: Migration = {
  name: '0011_random_dossier_ids',
  statements: [
    // A legal representative linked by computed id before having a dossier: keep the id reserved in the
    // index, as the import now does (it is remapped below like any other).
    `INSERT INTO dossier_by_ins (ins, dossier_id)
     SELECT DISTINCT ON (r.related_ins) r.related_ins, r.related_dossier_id FROM dossier_relationship r
     WHERE NOT EXISTS (SELECT 1 FROM dossier_by_ins b WHERE b.ins = r.related_ins)
     ORDER BY r.related_ins, r.related_dossier_id
     ON CONFLICT (ins) DO NOTHING`,
    `CREATE TABLE dossier_former_id (
      dossier_id uuid NOT NULL,
      former_dossier_id uuid NOT NULL UNIQUE,
      former_audit_seq bigint NOT NULL,
      former_audit_hash text,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, former_dossier_id)
    )`,
    `INSERT INTO dossier_former_id (dossier_id, former_dossier_id, former_audit_seq, former_audit_hash, changed_at)
     SELECT gen_random_uuid(), o.id, COALESCE(h.seq, 0), h.hash, now()
     FROM (SELECT dossier_id AS id FROM dossier UNION SELECT dossier_id FROM dossier_by_ins) o
     LEFT JOIN audit_head h ON h.dossier_id = o.id
     WHERE o.id <> '00000000-0000-0000-0000-000000000000'`,
    // The new chain continues the former one: its next entry is former seq + 1, chained on the former hash.
    `INSERT INTO audit_head (dossier_id, seq, hash)
     SELECT dossier_id, former_audit_seq, former_audit_hash FROM dossier_former_id WHERE former_audit_hash IS NOT NULL`,
    ...[
      ['dossier', 'dossier_id'], ['dossier_by_ins', 'dossier_id'], ['dossier_relationship', 'dossier_id'],
      ['dossier_relationship', 'related_dossier_id'], ['account', 'dossier_id'], ['outbox', 'dossier_id'],
      ['dossier_settings', 'dossier_id'], ['professional_block', 'dossier_id'], ['consent', 'dossier_id'],
      ['document_opposition', 'dossier_id'], ['access_session', 'dossier_id'], ['document', 'dossier_id'],
      ['document_content', 'dossier_id'], ['professional_first_access', 'dossier_id'],
      ['document_visibility_event', 'dossier_id'], ['notification', 'dossier_id'], ['staged_binary', 'dossier_id'],
      ['professional_first_feed', 'dossier_id'], ['carer_invitation', 'dossier_id'], ['carer_invitation', 'invitee_dossier_id'],
    ].map(([table, column]) =>
      `UPDATE ${table} t SET ${column} = m.dossier_id FROM dossier_former_id m WHERE t.${column} = m.former_dossier_id`),
    // Ids inside text: as a uuid, or as the first 16 bytes of a document/binary FHIR id (base64url of
    // dossier uuid ‖ document uuid, '_' written '.', 43 characters).
    `CREATE FUNCTION openmes_0011_rewrite_ids(t text) RETURNS text LANGUAGE plpgsql AS $$
     DECLARE
       result text := t;
       m record;
     BEGIN
       IF t IS NULL THEN RETURN NULL; END IF;
       FOR m IN
         SELECT DISTINCT x.g[1] AS old, f.dossier_id::text AS new
         FROM regexp_matches(t, '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', 'g') AS x(g)
         JOIN dossier_former_id f ON f.former_dossier_id = x.g[1]::uuid
       LOOP
         result := replace(result, m.old, m.new);
       END LOOP;
       FOR m IN
         SELECT DISTINCT y.tok AS old,
                translate(rtrim(encode(decode(replace(f.dossier_id::text, '-', ''), 'hex') || substring(y.b FROM 17 FOR 16), 'base64'), '='), '+/', '-.') AS new
         FROM regexp_matches(t, '(?:^|[^A-Za-z0-9._-])([A-Za-z0-9.-]{43})(?![A-Za-z0-9._-])', 'g') AS x(g)
         CROSS JOIN LATERAL (SELECT x.g[1] AS tok, decode(translate(x.g[1], '-.', '+/') || '=', 'base64') AS b) y
         JOIN dossier_former_id f ON length(y.b) = 32 AND f.former_dossier_id = encode(substring(y.b FROM 1 FOR 16), 'hex')::uuid
       LOOP
         result := replace(result, m.old, m.new);
       END LOOP;
       RETURN result;
     END $$`,
    ...[
      ['outbox', 'payload', 'jsonb'], ['notification', 'recipient', 'text'], ['notification', 'payload', 'jsonb'],
      ['notification_preference', 'recipient', 'text'], ['notification_presence', 'recipient', 'text'],
      ['dossier_settings', 'patient_informed_by', 'jsonb'], ['consent', 'recorded_by', 'jsonb'],
      ['document_opposition', 'recorded_by', 'jsonb'], ['document', 'author', 'jsonb'], ['staged_binary', 'staged_by', 'text'],
      ['carer_invitation', 'invited_by', 'text'], ['idempotency_record', 'principal', 'text'],
      ['idempotency_record', 'response', 'jsonb'], ['oidc_payload', 'payload', 'jsonb'], ['dev_mail', 'subject', 'text'],
      ['dev_mail', 'body_text', 'text'], ['dev_mail', 'delivery_key', 'text'], ['mail_delivery', 'delivery_key', 'text'],
    ].map(([table, column, type]) =>
      `UPDATE ${table} t SET ${column} = n.v${type === 'jsonb' ? '::jsonb' : ''}
       FROM (SELECT ctid AS row_id, ${column}::text AS old, openmes_0011_rewrite_ids(${column}::text) AS v FROM ${table}) n
       WHERE t.ctid = n.row_id AND n.v IS DISTINCT FROM n.old`),
    `DROP FUNCTION openmes_0011_rewrite_ids(text)`,
  ],
};
