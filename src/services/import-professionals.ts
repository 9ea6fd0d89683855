import { setImmediate } from 'node:timers/promises';
import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import { decideAccess } from '../domain/policy/decide-access.ts';
import { parseDirectoryHeader, parseDirectoryLine, type DirectoryHeader, type DirectoryRow } from '../domain/professional-directory-file.ts';
import { appendAudit } from '../store/audit-repo.ts';
import {
  advanceDirectoryJob, findOrCreateDirectoryJob, finishDirectoryJob, upsertDirectoryBatch, directoryJobIdFor,
  type DirectoryBatchCounts, type DirectoryJobRow,
} from '../store/professional-import-repo.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import type { RejectEntry, RejectSink } from './import-population.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** A directory extract as the import reads it: its identity (SHA-256) and its lines, read lazily. */
export type DirectorySource = { name: string; sha256: string; lines: AsyncIterable<string> };

export type DirectoryImportOptions = {
  batchSize?: number;
  rejects?: RejectSink;
  /**
   * A full extract (the default) lists every professional in activity: those an earlier extract
   * brought in and this one omits have ended their activity. A partial file (an update) ends nobody.
   */
  fullExtract?: boolean;
  onBatchCommitted?: (progress: DirectoryImportProgress) => void | Promise<void>;
};

export type DirectoryImportProgress = {
  jobId: string;
  lines: number;
  created: number;
  updated: number;
  unchanged: number;
  otherActivity: number;
  rejected: number;
  linesThisRun: number;
  seconds: number;
};

export type DirectoryImportSummary = DirectoryImportProgress & {
  status: 'completed' | 'already_complete';
  ended: number;
  resumedFromLine: number;
};

export const DEFAULT_DIRECTORY_BATCH_SIZE = 5000;
const ACTION = 'directory.import';

/**
 * Loads the public directory of professionals (SPEC: professionals are known from the national
 * directory, by RPPS): creates or updates one professional account per RPPS, the structure of the first
 * activity line read; bad lines go to the reject report without stopping. Batches commit with the job's
 * progress (resumable; the same file twice changes nothing). Only the operator may load it; the run is
 * traced on the system chain (start, end with counts).
 */
export async function importProfessionals(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'settings' | 'reference'>,
  ctx: RequestContext,
  source: DirectorySource,
  options: DirectoryImportOptions = {},
): Promise<DirectoryImportSummary> {
  const started = performance.now();
  const now = deps.clock();
  const fullExtract = options.fullExtract ?? true;
  const target = { type: 'DirectoryImportJob', id: directoryJobIdFor(source.sha256) };
  const decision = decideAccess({ actor: ctx.actor, action: ACTION, dossier: null, relationships: [], now, settings: deps.settings });
  if (decision.effect === 'deny') {
    await deps.db.transaction((tx) => appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, ACTION, decision, target, now)));
    throw deniedError(decision, true);
  }
  const lines = source.lines[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    const header = parseDirectoryHeader(first.done ? '' : first.value);
    if (!header.ok) throw new AppError('VALIDATION_FAILED', header.issues[0]!.message, header.issues);
    const job = await deps.db.transaction(async (tx) => {
      const { job: found } = await findOrCreateDirectoryJob(tx, { sourceSha256: source.sha256, sourceName: source.name, fullExtract, now });
      await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, ACTION, decision, target, now, {
        step: 'start', sourceSha256: source.sha256, fullExtract: found.full_extract, resumeFromLine: found.lines_committed, alreadyComplete: found.status === 'done',
      }));
      return found;
    });
    const progress = (j: DirectoryJobRow, linesThisRun: number): DirectoryImportProgress => ({
      jobId: j.job_id, lines: j.lines_committed, created: j.rows_created, updated: j.rows_updated, unchanged: j.rows_unchanged,
      otherActivity: j.rows_other_activity, rejected: j.rows_rejected, linesThisRun, seconds: (performance.now() - started) / 1000,
    });
    if (job.status === 'done') {
      return { ...progress(job, 0), status: 'already_complete', ended: job.rows_ended, resumedFromLine: job.lines_committed };
    }
    await options.rejects?.reset(job.lines_committed);
    const state = { ...job };
    let linesThisRun = 0;
    const isKnown = (key: string) => deps.reference.professions.isKnownProfessionKey(key);
    for await (const batch of readDirectoryBatches(lines, header.value, isKnown, state.lines_committed, options.batchSize ?? DEFAULT_DIRECTORY_BATCH_SIZE)) {
      const counts = await deps.db.transaction(async (tx) => {
        const { counts: written, notProfessional } = await upsertDirectoryBatch(tx, job.job_id, batch.rows, deps.clock());
        const rejects = [...batch.rejects];
        for (const row of batch.rows) {
          if (!notProfessional.has(row.rpps)) continue;
          rejects.push({ line: batch.lineOf.get(row.rpps)!, field: 'Identifiant PP', code: 'DIRECTORY_RPPS_IN_USE', message: "Ce numéro RPPS est déjà celui d'un compte qui n'est pas un compte professionnel." });
        }
        rejects.sort((a, b) => a.line - b.line);
        const all: DirectoryBatchCounts = { ...written, otherActivity: written.otherActivity + batch.otherActivity, rejected: batch.rejectedLines + notProfessional.size };
        await options.rejects?.write(rejects); // before the commit: a resumed run drops what did not commit
        await advanceDirectoryJob(tx, job.job_id, state.lines_committed, batch.lastLine, all, deps.clock());
        return all;
      });
      state.lines_committed = batch.lastLine;
      state.rows_created += counts.created;
      state.rows_updated += counts.updated;
      state.rows_unchanged += counts.unchanged;
      state.rows_other_activity += counts.otherActivity;
      state.rows_rejected += counts.rejected;
      linesThisRun += batch.dataLines;
      await options.onBatchCommitted?.(progress(state, linesThisRun));
    }
    const finished = await deps.db.transaction(async (tx) => {
      const end = deps.clock();
      const done = await finishDirectoryJob(tx, job.job_id, job.full_extract, end);
      await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, ACTION, { effect: 'allow', reason: 'IMPORT_COMPLETED' }, target, end, {
        step: 'end', created: done.rows_created, updated: done.rows_updated, unchanged: done.rows_unchanged,
        otherActivity: done.rows_other_activity, rejected: done.rows_rejected, ended: done.rows_ended, lines: done.lines_committed,
      }));
      return done;
    });
    return { ...progress(finished, linesThisRun), status: 'completed', ended: finished.rows_ended, resumedFromLine: job.lines_committed };
  } finally {
    await lines.return?.(); // close the file, also when stopping early
  }
}

type DirectoryBatch = {
  /** One row per RPPS: the first activity line of the batch. */
  rows: DirectoryRow[];
  lineOf: Map<string, number>;
  otherActivity: number;
  rejects: RejectEntry[];
  rejectedLines: number;
  lastLine: number;
  dataLines: number;
};

/** Groups the lines after the header into batches of `batchSize` physical lines, skipping those committed earlier. */
async function* readDirectoryBatches(
  lines: AsyncIterator<string>, header: DirectoryHeader, isKnown: (key: string) => boolean, skipThrough: number, batchSize: number,
): AsyncGenerator<DirectoryBatch> {
  const empty = (): DirectoryBatch => ({ rows: [], lineOf: new Map(), otherActivity: 0, rejects: [], rejectedLines: 0, lastLine: 0, dataLines: 0 });
  let lineNo = 1;
  let through = Math.max(1, skipThrough);
  let batch = empty();
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    lineNo++;
    if (lineNo <= skipThrough) continue;
    if ((lineNo & 255) === 0) await setImmediate(); // let the previous batch's replies through
    batch.lastLine = lineNo;
    if (next.value.trim() !== '') {
      batch.dataLines++;
      const parsed = parseDirectoryLine(next.value, header, isKnown);
      if (!parsed.ok) {
        batch.rejectedLines++;
        for (const i of parsed.issues) batch.rejects.push({ line: lineNo, field: i.field, code: i.code, message: i.message });
      } else if (batch.lineOf.has(parsed.value.rpps)) {
        batch.otherActivity++;
      } else {
        batch.lineOf.set(parsed.value.rpps, lineNo);
        batch.rows.push(parsed.value);
      }
    }
    if (lineNo - through >= batchSize) {
      through = lineNo;
      yield batch;
      batch = empty();
    }
  }
  if (batch.lastLine > through) yield batch;
}
