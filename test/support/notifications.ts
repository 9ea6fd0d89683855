import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Actor } from '../../src/domain/actor.ts';
import { loadReferenceData } from '../../src/services/load-reference-data.ts';
import type { ServiceDeps } from '../../src/services/service-deps.ts';
import { insertAccount } from '../../src/store/account-repo.ts';
import type { Db, Queryable } from '../../src/store/db.ts';

/** The service dependencies a dispatcher needs to deliver notifications, for a test database and clock. */
export function serviceDeps(db: Db, clock: () => Date): ServiceDeps {
  return {
    db, clock, lifecycle: { oppositionWindowDays: 42, retentionYears: 10 },
    settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20 * 1024 * 1024 }, reference: loadReferenceData(clock()),
  };
}

/** Gives a person (the holder of `dossierId`) an account with an e-mail address, as activation does. */
export async function personAccount(db: Queryable, actor: Extract<Actor, { kind: 'person' }>, email: string): Promise<void> {
  const [given, ...family] = actor.displayName.split(' ');
  await insertAccount(db, {
    account_id: actor.accountId, kind: 'patient', email, password_hash: null, given_name: given ?? '', family_name: family.join(' '),
    dossier_id: actor.dossierId, rpps: null, profession: null, specialty: null, structure_finess: null, structure_name: null,
  }, new Date('2026-01-01T00:00:00Z'));
}

/** Gives a professional an account (the directory entry and where their notifications are read). */
export async function professionalAccount(db: Queryable, actor: Extract<Actor, { kind: 'professional' }>, email: string | null): Promise<void> {
  const [given, ...family] = actor.displayName.replace(/^Dr /, '').split(' ');
  await insertAccount(db, {
    account_id: actor.accountId, kind: 'professional', email, password_hash: null, given_name: given ?? '', family_name: family.join(' '),
    dossier_id: null, rpps: actor.rpps, profession: actor.profession, specialty: actor.specialty,
    structure_finess: actor.structure?.finess ?? null, structure_name: actor.structure?.name ?? null,
  }, new Date('2026-01-01T00:00:00Z'));
}

export type ReceivedMail = { to: string[]; data: string; messageId: string | null };

/** A real SMTP server (smtp-server) on 127.0.0.1, keeping every message it accepts. */
export async function startSmtpServer(options: { beforeAccept?: (mail: ReceivedMail) => Promise<void> } = {}): Promise<{ url: string; received: ReceivedMail[]; close: () => Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const data = Buffer.concat(chunks).toString('utf8');
        const unfolded = data.replace(/\r\n[ \t]+/g, ' ');
        const mail = { to: session.envelope.rcptTo.map((r) => r.address), data, messageId: /^Message-ID: (.+)$/im.exec(unfolded)?.[1]?.trim() ?? null };
        received.push(mail);
        void (options.beforeAccept?.(mail) ?? Promise.resolve()).then(() => callback(), (err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The text body of a received message (quoted-printable soft breaks and escapes undone). */
export function bodyOf(mail: ReceivedMail): string {
  const body = mail.data.slice(mail.data.indexOf('\r\n\r\n') + 4);
  return body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/[\u00c0-\u00ff][\u0080-\u00bf]+/g, (s) => Buffer.from(s, 'latin1').toString('utf8'));
}
