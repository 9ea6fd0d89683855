import type { Actor } from '../domain/actor.ts';
import type { LifecycleParams } from '../domain/lifecycle.ts';
import type { Db } from '../store/db.ts';
import type { ReferenceData } from './load-reference-data.ts';

/** What every use case receives: passed in, never fetched from globals (STYLE principle 4). */
export type ServiceDeps = {
  db: Db;
  clock: () => Date;
  lifecycle: LifecycleParams;
  settings: {
    carersEnabled: boolean; medicoSocialEnabled: boolean; maxDocumentBytes: number;
    /** Whether accounts flagged `demo` may sign in and hold tokens: true outside production; absent means refused. */
    demoAccountsEnabled?: boolean;
  };
  reference: ReferenceData;
};

/**
 * Who asks, and the request id that ties the audit entry to the technical logs; for an HTTP request,
 * what the client is (issue 8, item 7): the OAuth client of the access token, its network address, and
 * the X-Request-Id it sent (validated), all recorded in the audit entry beside the actor.
 */
export type RequestContext = { actor: Actor; requestId: string | null; client?: RequestClient };

export type RequestClient = { clientId: string | null; address: string | null; requestId: string | null };
