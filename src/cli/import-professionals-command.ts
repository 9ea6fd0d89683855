import { existsSync } from 'node:fs';
import type { Config } from '../config.ts';
import { DEFAULT_DIRECTORY_BATCH_SIZE, importProfessionals, type DirectoryImportProgress } from '../services/import-professionals.ts';
import { CLI_OPERATOR } from './cli-operator.ts';
import { openDirectoryFile } from './directory-files.ts';
import { rejectReportFile } from './population-files.ts';
import { withPlatform } from './with-platform.ts';

/**
 * `openmes import professionals FILE [--partial]`: loads the public directory extract (« Annuaire
 * santé », PS_LibreAcces_Personne_activite) as the CLI operator. A full extract (the default) ends the
 * activity of professionals it no longer lists; `--partial` for a file that is only an update.
 * Progress and the summary show counts only.
 */
export async function importProfessionalsCommand(
  config: Config, file: string, values: Record<string, string | boolean | undefined>,
): Promise<number> {
  const batchSize = values.batch === undefined ? DEFAULT_DIRECTORY_BATCH_SIZE : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
    process.stderr.write('--batch must be an integer between 1 and 50000\n');
    return 2;
  }
  if (!existsSync(file)) {
    process.stderr.write(`no such file: ${file}\n`);
    return 2;
  }
  const reportPath = typeof values.report === 'string' ? values.report : `${file}.rejects.ndjson`;
  return withPlatform(config, async (platform) => {
    const source = await openDirectoryFile(file);
    const summary = await importProfessionals(platform, { actor: CLI_OPERATOR, requestId: null }, source, {
      batchSize, fullExtract: values.partial !== true, rejects: rejectReportFile(reportPath), onBatchCommitted: progressPrinter(),
    });
    const counts = `created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, ` +
      `other activity lines ${summary.otherActivity}, rejected ${summary.rejected}, ended ${summary.ended}, lines ${summary.lines}`;
    if (summary.status === 'already_complete') {
      process.stdout.write(`already imported (job ${summary.jobId}): nothing changed; ${counts}\n`);
      return 0;
    }
    if (summary.resumedFromLine > 0) process.stderr.write(`resumed after line ${summary.resumedFromLine}\n`);
    if (summary.rejected > 0) process.stderr.write(`rejected lines reported in ${reportPath}\n`);
    const rate = summary.seconds > 0 ? Math.round(summary.linesThisRun / summary.seconds) : 0;
    process.stdout.write(`${counts}, ${rate} rows/s\n`);
    return 0;
  });
}

function progressPrinter(): (p: DirectoryImportProgress) => void {
  let last = 0;
  return (p) => {
    const t = performance.now();
    if (t - last < 1000) return;
    last = t;
    const rate = p.seconds > 0 ? Math.round(p.linesThisRun / p.seconds) : 0;
    process.stderr.write(`lines ${p.lines} (created ${p.created}, updated ${p.updated}, rejected ${p.rejected}), ${rate} rows/s\n`);
  };
}
