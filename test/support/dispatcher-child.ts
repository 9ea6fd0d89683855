// A dispatcher in a process of its own, for the SIGKILL fault tests (PostgreSQL only): it delivers
// notifications and e-mails of the schema CHILD_SCHEMA through SMTP_URL until it is killed. Its clock
// starts at CHILD_NOW (the tests' fixed time) and runs with real time.
import { createOutboxDispatcher } from '../../src/jobs/outbox-dispatcher.job.ts';
import { openDb } from '../../src/store/db.ts';
import { serviceDeps } from './notifications.ts';

const start = Date.parse(process.env.CHILD_NOW ?? '');
const t0 = Date.now();
const clock = () => new Date(start + (Date.now() - t0));
const db = await openDb({ databaseUrl: process.env.DATABASE_URL, schema: process.env.CHILD_SCHEMA, poolSize: 2 });
const dispatcher = createOutboxDispatcher({
  db, clock, config: { smtpUrl: process.env.SMTP_URL, mailFrom: 'Mon espace santé <ne-pas-repondre@openmes.local>', publicUrl: 'https://mes.example.test' },
  notifications: { services: serviceDeps(db, clock) },
  onError: (err) => process.stderr.write(`dispatch failed: ${err instanceof Error ? err.message : String(err)}\n`),
}, { pollMs: 50 });
dispatcher.start();
process.stdout.write('ready\n');
