import { SYSTEM_CHAIN, type AuditEntry } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import { oppositionDeadline } from '../domain/lifecycle.ts';
import { decideAccess, type Decision } from '../domain/policy/decide-access.ts';
import type { CsvHeader, PopulationFormat } from '../domain/population-file.ts';
import { duplicateInsIssue, type PersonRecord } from '../domain/population-row.ts';
import { appendAudit, prepareFirstAuditEntries, replacePreparedFirstAuditEntry, type FirstAuditRows } from '../store/audit-repo.ts';
import type { Queryable } from '../store/db.ts';
import { newDossierId } from '../store/dossier-repo.ts';
import {
  advanceImportJob,
  findDossiersCreatedByJob,
  findOrCreateImportJob,
  finishImportJob,
  importJobIdFor,
  insertNewDossiers,
  resolveDossierIds,
  type BatchCounts,
  type ImportJobRow,
  type NewDossier,
} from '../store/population-repo.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { readCsvHeaderOrThrow, readPopulationBatches, type PopulationBatch, type RejectEntry } from './population-batches.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type { RejectEntry } from './population-batches.ts';

/** A population file as the import reads it: its identity (SHA-256) and its physical lines, read lazily. */
export type PopulationSource = {
  name: string;
  sha256: string;
  format: PopulationFormat;
  lines: AsyncIterable<string>;
};

/** Where rejected lines go. `reset` runs once before reading: it forgets entries past the committed line. */
export type RejectSink = {
  reset(linesCommitted: number): Promise<void>;
  write(entries: readonly RejectEntry[]): Promise<void>;
};

export type ImportProgress = {
  jobId: string;
  /** Physical lines of the file committed (header and blank lines included): where a rerun resumes. */
  lines: number;
  created: number;
  existing: number;
  rejected: number;
  /** Data lines read by this run, and its duration. */
  linesThisRun: number;
  seconds: number;
};

export type ImportSummary = ImportProgress & {
  status: 'completed' | 'already_complete';
  resumedFromLine: number;
  finishedAt: Date | null;
};

export type ImportOptions = {
  /** The import time: created_at, opposition deadline, age of minors. Default: deps.clock(). */
  now?: Date;
  batchSize?: number;
  rejects?: RejectSink;
  acceptTestOids?: boolean;
  /** Called after each committed batch (progress display; tests inject failures here). */
  onBatchCommitted?: (progress: ImportProgress) => void | Promise<void>;
};

/** What the import needs of the platform (no reference data, no keys). */
export type ImportDeps = Pick<ServiceDeps, 'db' | 'clock' | 'lifecycle' | 'settings'>;

export const DEFAULT_IMPORT_BATCH_SIZE = 2000;
/** How long a running job must have been quiet before another run may take it over (resume). */
export const IMPORT_LEASE_SECONDS = 30;
const IMPORT_ACTION = 'population.import';
const CREATE_ACTION = 'dossier.lifecycle.create';
const CREATED: Decision = { effect: 'allow', reason: 'DOSSIER_CREATED_BY_IMPORT' };

type Run = { deps: ImportDeps; ctx: RequestContext; options: ImportOptions; jobId: string; now: Date; started: number };

/**
 * Imports the insurer's population file: one `created` dossier per valid person (with its INS index,
 * legal-representative links and first audit entry), committed in batches together with the job's
 * progress, so that a killed import resumes after its last batch and a finished file changes nothing.
 * Bad lines go to the reject report without stopping the import. Only operators may import; each run
 * leaves a start entry on the system audit chain, and an end entry with the counts when it completes.
 */
export async function importPopulation(
  deps: ImportDeps,
  ctx: RequestContext,
  source: PopulationSource,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const now = options.now ?? deps.clock();
  const run: Run = { deps, ctx, options, jobId: importJobIdFor(source.sha256), now, started: performance.now() };
  const target = { type: 'ImportJob', id: run.jobId };
  const decision = decideAccess({ actor: ctx.actor, action: IMPORT_ACTION, dossier: null, relationships: [], now, settings: deps.settings });
  if (decision.effect === 'deny') {
    await deps.db.transaction((tx) => appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, IMPORT_ACTION, decision, target, now)));
    throw deniedError(decision, true);
  }
  const lines = source.lines[Symbol.asyncIterator]();
  const header = source.format === 'csv' ? await readCsvHeaderOrThrow(lines) : null;
  const job = await deps.db.transaction(async (tx) => {
    const { job: found, isNew } = await findOrCreateImportJob(tx, { sourceSha256: source.sha256, sourceName: source.name, format: source.format, now });
    if (found.format !== source.format) throw new AppError('VALIDATION_FAILED', `Ce fichier a déjà été importé au format ${found.format}.`);
    refuseIfRunningElsewhere(found, isNew, deps.clock());
    await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, IMPORT_ACTION, decision, target, now, {
      step: 'start', sourceSha256: source.sha256, format: source.format,
      resumeFromLine: found.lines_committed, alreadyComplete: found.status === 'done',
    }));
    return found;
  });
  if (job.status === 'done') {
    await lines.return?.();
    return { ...progressOf(run, job, 0), status: 'already_complete', resumedFromLine: job.lines_committed, finishedAt: job.finished_at };
  }
  await options.rejects?.reset(job.lines_committed);
  const linesThisRun = await commitBatches(run, { ...job }, lines, header);
  const finished = await deps.db.transaction(async (tx) => {
    const end = deps.clock();
    const done = await finishImportJob(tx, run.jobId, end);
    await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, IMPORT_ACTION, { effect: 'allow', reason: 'IMPORT_COMPLETED' }, target, end, {
      step: 'end', created: done.rows_created, existing: done.rows_existing, rejected: done.rows_rejected, lines: done.lines_committed,
    }));
    return done;
  });
  return { ...progressOf(run, finished, linesThisRun), status: 'completed', resumedFromLine: job.lines_committed, finishedAt: finished.finished_at };
}

/**
 * A job that made progress less than IMPORT_LEASE_SECONDS ago is taken to be running in another
 * process: a second run would race it (its reject report above all), so it is refused until the job
 * has been quiet that long — which a killed import is, half a minute later.
 */
function refuseIfRunningElsewhere(job: ImportJobRow, isNew: boolean, wallClock: Date): void {
  if (isNew || job.status !== 'running') return;
  const quietSeconds = (wallClock.getTime() - job.updated_at.getTime()) / 1000;
  if (quietSeconds >= IMPORT_LEASE_SECONDS) return;
  throw new AppError('IDEMPOTENCY_IN_FLIGHT',
    `Un import de ce fichier est en cours (dernier lot validé il y a ${Math.max(0, Math.floor(quietSeconds))} s) : ` +
    `attendez sa fin ; s'il a été interrompu, relancez-le dans ${Math.ceil(IMPORT_LEASE_SECONDS - quietSeconds)} s.`);
}

function progressOf(run: Run, j: ImportJobRow, linesThisRun: number): ImportProgress {
  return {
    jobId: run.jobId, lines: j.lines_committed, created: j.rows_created, existing: j.rows_existing, rejected: j.rows_rejected,
    linesThisRun, seconds: (performance.now() - run.started) / 1000,
  };
}

/**
 * A batch made ready to write: dossier rows (with proposed random ids) and first audit entries computed
 * (and hashed) ahead; `entryFor` rebuilds an entry whose id the INS index replaced.
 */
type WritableBatch = {
  batch: PopulationBatch; dossiers: NewDossier[]; lines: number[]; audit: FirstAuditRows;
  entryFor: (dossierId: string, line: number) => AuditEntry;
};

/**
 * Reads, writes and commits the remaining batches; returns the data lines read. Two-stage pipeline:
 * the next batch is parsed, validated and hashed while the previous one commits (the database works
 * on its own core meanwhile), so at most two batches are held; batches still commit in file order.
 */
async function commitBatches(run: Run, state: ImportJobRow, lines: AsyncIterator<string>, header: CsvHeader | null): Promise<number> {
  const { deps, options } = run;
  const dates = { createdAt: run.now, oppositionDeadline: oppositionDeadline(run.now, deps.lifecycle) };
  let linesThisRun = 0;
  const commit = async (w: WritableBatch): Promise<void> => {
    const counts = await deps.db.transaction(async (tx) => {
      const result = await writeBatch(tx, run.jobId, await resolveBatch(tx, w), dates);
      await options.rejects?.write(result.rejects); // before the commit: a resumed run drops what did not commit
      await advanceImportJob(tx, run.jobId, state.lines_committed, w.batch.lastLine, result.counts, deps.clock());
      return result.counts;
    });
    state.lines_committed = w.batch.lastLine;
    state.rows_created += counts.created;
    state.rows_existing += counts.existing;
    state.rows_rejected += counts.rejected;
    linesThisRun += w.batch.dataLines;
    await options.onBatchCommitted?.(progressOf(run, state, linesThisRun));
  };
  const batches = readPopulationBatches(lines, {
    header, skipThrough: state.lines_committed, batchSize: Math.max(1, options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE),
    now: run.now, acceptTestOids: options.acceptTestOids ?? false,
  });
  let inFlight: Promise<void> = Promise.resolve();
  try {
    for await (const batch of batches) {
      const writable = prepareWrite(run, batch);
      await inFlight;
      inFlight = commit(writable);
      inFlight.catch(() => undefined); // observed by the next await
    }
  } finally {
    try {
      await inFlight;
    } finally {
      await lines.return?.(); // close the file when stopping early
    }
  }
  return linesThisRun;
}

function prepareWrite(run: Run, batch: PopulationBatch): WritableBatch {
  // In dossier id order: neighbouring index entries, fewer pages touched per batch.
  const rows = batch.persons.map((p) => ({ dossier: toNewDossier(p), line: p.line }))
    .sort((a, b) => (a.dossier.dossierId < b.dossier.dossierId ? -1 : 1));
  const entryFor = (dossierId: string, line: number): AuditEntry => auditEntryFor(
    run.ctx, dossierId, CREATE_ACTION, CREATED, { type: 'Dossier', id: dossierId }, run.now, { importJobId: run.jobId, line },
  );
  const entries = rows.map(({ dossier, line }) => entryFor(dossier.dossierId, line));
  return { batch, dossiers: rows.map((r) => r.dossier), lines: rows.map((r) => r.line), audit: prepareFirstAuditEntries(entries), entryFor };
}

/**
 * Gives every person and representative of the batch the id the INS index holds for them (one
 * statement, in the batch's transaction): a person already there keeps their dossier (re-importing
 * creates nothing), a representative named earlier gets the id reserved then, anyone else keeps the
 * random id proposed. Entries whose id changed are re-hashed — usually none.
 */
async function resolveBatch(tx: Queryable, w: WritableBatch): Promise<WritableBatch> {
  const proposed = new Map<string, string>();
  for (const d of w.dossiers) proposed.set(d.ins, d.dossierId);
  for (const d of w.dossiers) for (const r of d.representatives) if (!proposed.has(r.ins)) proposed.set(r.ins, r.dossierId);
  const ids = await resolveDossierIds(tx, proposed);
  const dossiers = w.dossiers.map((d, i) => {
    const id = ids.get(d.ins)!;
    if (id !== d.dossierId) replacePreparedFirstAuditEntry(w.audit, i, w.entryFor(id, w.lines[i]!));
    return { ...d, dossierId: id, representatives: d.representatives.map((r) => ({ ...r, dossierId: ids.get(r.ins)! })) };
  });
  return { ...w, dossiers };
}

/**
 * Writes one batch in the caller's transaction: the new dossiers, then the first audit entry of each
 * dossier actually created. A person already present is `existing`, or a duplicate when this very
 * import created it from an earlier line.
 */
async function writeBatch(
  tx: Queryable,
  jobId: string,
  w: WritableBatch,
  dates: { createdAt: Date; oppositionDeadline: Date },
): Promise<{ counts: BatchCounts; rejects: RejectEntry[] }> {
  const skipped = await insertNewDossiers(tx, w.dossiers, w.audit, dates);
  const rejects = [...w.batch.rejects];
  const notCreated = skipped.size === 0 ? [] : w.dossiers.flatMap((d, i) => (skipped.has(d.dossierId) ? [{ id: d.dossierId, line: w.lines[i]! }] : []));
  const ownEarlier = await findDossiersCreatedByJob(tx, notCreated.map((n) => n.id), jobId);
  for (const n of notCreated) {
    if (!ownEarlier.has(n.id)) continue;
    const i = duplicateInsIssue(ownEarlier.get(n.id) ?? null);
    rejects.push({ line: n.line, field: i.field, code: i.code, message: i.message });
  }
  if (ownEarlier.size > 0) rejects.sort((a, b) => a.line - b.line);
  return {
    counts: { created: w.dossiers.length - skipped.size, existing: notCreated.length - ownEarlier.size, rejected: w.batch.rejectedLines + ownEarlier.size },
    rejects,
  };
}

function toNewDossier(p: PersonRecord): NewDossier {
  return {
    dossierId: newDossierId(), // proposed: the INS index decides (resolveBatch)
    ins: p.ins,
    insOid: p.insOid,
    birthName: p.birthName,
    firstNames: p.firstNames.join(' '),
    birthDate: p.birthDate,
    sex: p.sex,
    birthPlace: p.birthPlace,
    email: p.email,
    representatives: p.legalRepresentatives.map((ins, i) => ({ dossierId: newDossierId(), ins, rank: i + 1 })),
  };
}
