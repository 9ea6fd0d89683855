import { setImmediate } from 'node:timers/promises';
import { AppError } from '../domain/errors.ts';
import { parseCsvHeader, parseCsvLine, parseNdjsonLine, type CsvHeader } from '../domain/population-file.ts';
import { duplicateInsIssue, validatePopulationRow, type PersonRecord } from '../domain/population-row.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';

/** One line of the reject report: never the row itself, only where and why. */
export type RejectEntry = { line: number; field: string; code: string; message: string };

/**
 * A batch read from the file: its valid persons (no INS twice within the batch), the rejects, and the
 * last physical line it covers (the job's resume point once the batch commits).
 */
export type PopulationBatch = {
  persons: PersonRecord[];
  rejects: RejectEntry[];
  rejectedLines: number;
  lastLine: number;
  /** Non-blank lines read (header excluded). */
  dataLines: number;
};

export type BatchReaderOptions = {
  header: CsvHeader | null;
  /** Physical lines already committed by an earlier run: read, not parsed. */
  skipThrough: number;
  batchSize: number;
  now: Date;
  acceptTestOids: boolean;
};

/** Reads and checks the CSV header row (line 1); a bad header stops the import before anything is written. */
export async function readCsvHeaderOrThrow(lines: AsyncIterator<string>): Promise<CsvHeader> {
  const first = await lines.next();
  const parsed = parseCsvHeader(first.done ? '' : first.value);
  if (!parsed.ok) throw new AppError('VALIDATION_FAILED', parsed.issues[0]!.message, parsed.issues);
  return parsed.value;
}

/**
 * parse line → validate → batch: groups the lines into batches of `batchSize` physical lines. A line
 * is read only when the consumer asks for the batch it belongs to, so memory holds one batch at a time.
 */
export async function* readPopulationBatches(lines: AsyncIterator<string>, o: BatchReaderOptions): AsyncGenerator<PopulationBatch> {
  const rowContext = { now: o.now, acceptTestOids: o.acceptTestOids };
  let lineNo = o.header ? 1 : 0;
  let through = Math.max(o.skipThrough, lineNo); // last line committed earlier or handed out in a batch
  let batch = emptyBatch(lineNo);
  let seen = new Map<string, number>();
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    lineNo++;
    if (lineNo <= o.skipThrough) continue;
    // Buffered lines resolve as microtasks: let the replies of the batch being committed through.
    if ((lineNo & 127) === 0) await setImmediate();
    batch.lastLine = lineNo;
    if (next.value.trim() !== '') {
      batch.dataLines++;
      const parsed = o.header ? parseCsvLine(next.value, o.header) : parseNdjsonLine(next.value);
      const checked = parsed.ok ? validatePopulationRow(parsed.value, lineNo, rowContext) : { ok: false as const, issues: parsed.issues };
      if (!checked.ok) {
        reject(batch, lineNo, checked.issues);
      } else if (seen.has(checked.person.ins)) {
        reject(batch, lineNo, [duplicateInsIssue(seen.get(checked.person.ins)!)]);
      } else {
        seen.set(checked.person.ins, lineNo);
        batch.persons.push(checked.person);
      }
    }
    if (lineNo - through >= o.batchSize) {
      through = lineNo;
      yield batch;
      batch = emptyBatch(lineNo);
      seen = new Map();
    }
  }
  // The last, partial batch; or, for a file with nothing but its header, a batch covering line 1.
  if (batch.lastLine > through || (o.header && o.skipThrough === 0 && lineNo === 1)) yield batch;
}

function emptyBatch(lineBefore: number): PopulationBatch {
  return { persons: [], rejects: [], rejectedLines: 0, lastLine: lineBefore, dataLines: 0 };
}

function reject(batch: PopulationBatch, line: number, issues: readonly ValidationIssue[]): void {
  batch.rejectedLines++;
  for (const i of issues) batch.rejects.push({ line, field: i.field, code: i.code, message: i.message });
}
