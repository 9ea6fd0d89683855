import type { Actor } from '../domain/actor.ts';
import type { LifecycleParams } from '../domain/lifecycle.ts';
import type { Db } from '../store/db.ts';
import type { ReferenceData } from './load-reference-data.ts';

/** What every use case receives: passed in, never fetched from globals (STYLE principle 4). */
export type ServiceDeps = {
  db: Db;
  clock: () => Date;
  lifecycle: LifecycleParams;
  settings: { carersEnabled: boolean; medicoSocialEnabled: boolean; maxDocumentBytes: number };
  reference: ReferenceData;
};

/** Who asks, and the request id that ties the audit entry to the technical logs. */
export type RequestContext = { actor: Actor; requestId: string | null };
