import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Queryable } from '../store/db.ts';
import { insertDevMail } from '../store/dev-mail-repo.ts';
import type { Mail } from './send-mail.ts';

/** An e-mail ready to leave, with the idempotent key of the outbox row it comes from. */
export type OutgoingMail = Mail & { deliveryKey: string };

/**
 * Where e-mails go. `send` gets the database (`tx`) for a transport that writes there (the embedded
 * mailbox keeps one message per delivery key, so a repeated send changes nothing).
 */
export type MailTransport = {
  readonly name: string;
  send(mail: OutgoingMail, tx: Queryable): Promise<void>;
  close(): Promise<void>;
};

/** The embedded mailbox (development): one dev_mail row per delivery key, readable at /dev/mailbox. */
export function devMailboxTransport(clock: () => Date): MailTransport {
  return {
    name: 'dev-mailbox',
    async send(mail, tx) {
      await insertDevMail(tx, {
        mail_id: randomUUID(), delivery_key: mail.deliveryKey, to_address: mail.to, subject: mail.subject,
        body_text: mail.text, sent_at: clock(),
      });
    },
    close: async () => undefined,
  };
}

/** `<outbox.DOSSIER.ID@domain>`: the same outbox row always carries the same Message-ID, so receivers can drop duplicates. */
export function messageIdFor(deliveryKey: string, mailFrom: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'openmes.local';
  return `<${deliveryKey.replace(/[^A-Za-z0-9-]/g, '.')}@${domain}>`;
}

/** Real e-mail through the SMTP server of OPENMES_SMTP_URL. */
export function smtpTransport(smtpUrl: string, mailFrom: string): MailTransport {
  // Bounded waits: one exchange always ends well within the dispatcher's lease (DEFAULT_LEASE_MS).
  const transporter = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 });
  return {
    name: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        from: mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: messageIdFor(mail.deliveryKey, mailFrom),
        headers: { 'X-OpenMES-Delivery-Key': mail.deliveryKey },
      });
    },
    close: async () => transporter.close(),
  };
}

/** SMTP when configured, the embedded mailbox otherwise. */
export function mailTransportFor(config: { smtpUrl: string | undefined; mailFrom: string }, clock: () => Date): MailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : devMailboxTransport(clock);
}
