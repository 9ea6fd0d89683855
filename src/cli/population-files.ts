import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { appendFile, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { PopulationFormat } from '../domain/population-file.ts';
import type { PopulationSource, RejectEntry, RejectSink } from '../services/import-population.ts';

/** SHA-256 of a file, streamed: the key of its import job. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A population file as a lazily read source of lines (hashed first, read a second time by lines). */
export async function openPopulationFile(path: string, format: PopulationFormat): Promise<PopulationSource> {
  const sha256 = await sha256OfFile(path);
  return { name: basename(path), sha256, format, lines: readLines(path) };
}

/** The lines of a text file, read lazily; the file is closed when the reader stops early. */
export async function* readLines(path: string, encoding: 'utf8' | 'latin1' = 'utf8'): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding, highWaterMark: 1 << 20 });
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    yield* reader;
  } finally {
    reader.close();
    input.destroy();
  }
}

/**
 * The reject report as an NDJSON file ({line, field, code, message} per issue). Entries of a batch are
 * appended before the batch commits; a resumed import first drops the entries past the committed line,
 * so every rejected line is reported exactly once.
 */
export function rejectReportFile(path: string): RejectSink {
  return {
    async reset(linesCommitted) {
      if (linesCommitted === 0 || !existsSync(path)) {
        await rm(path, { force: true });
        return;
      }
      const kept = `${path}.tmp`;
      const out = createWriteStream(kept);
      for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        const entry = JSON.parse(line) as RejectEntry;
        if (entry.line <= linesCommitted && !out.write(`${line}\n`)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      await rename(kept, path);
    },
    async write(entries) {
      if (entries.length === 0) return;
      const text = entries.map((e) => JSON.stringify({ line: e.line, field: e.field, code: e.code, message: e.message })).join('\n');
      await appendFile(path, `${text}\n`);
    },
  };
}
