import type { Config } from '../config.ts';
import { createOidcStorage } from '../services/oidc-storage.ts';
import { runRevisibility } from '../services/run-revisibility.ts';
import type { ServiceDeps } from '../services/service-deps.ts';
import { createOutboxDispatcher } from './outbox-dispatcher.job.ts';

type JobDeps = ServiceDeps & { config: Config };

export type ScheduledJobDefinition = {
  /** When `openmes start` runs it, in words (for `openmes jobs list`). */
  schedule: string;
  describe: string;
  /** One complete run now; returns its counts. */
  runOnce(deps: JobDeps): Promise<Record<string, number>>;
};

/** Every job `openmes start` runs on its own, so an operator (or a tester who moved the clock) can run one now. */
export const SCHEDULED_JOBS: Readonly<Record<string, ScheduledJobDefinition>> = {
  revisibility: {
    schedule: 'at start, then hourly',
    describe: 'documents invisible to the patient: inform after the information delay, make visible after the visibility delay (SPEC §3.8)',
    runOnce: async (deps) => ({ ...(await runRevisibility(deps)) }),
  },
  outbox: {
    schedule: 'continuously (every 500 ms, and at once after a write)',
    describe: 'deliver due notifications (in the centre, e-mail) and queued e-mails, with retries',
    runOnce: async (deps) => {
      const dispatcher = createOutboxDispatcher({ db: deps.db, clock: deps.clock, config: deps.config, notifications: { services: deps } });
      try {
        return { ...(await dispatcher.runOnce()) };
      } finally {
        await dispatcher.stop();
      }
    },
  },
  'oidc-purge': {
    schedule: 'every 10 minutes',
    describe: 'drop expired sign-in sessions, codes and tokens of the OpenID Connect server',
    runOnce: async (deps) => ({ purged: await createOidcStorage(deps).purgeExpired() }),
  },
};
