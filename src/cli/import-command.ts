import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatForPath, isPopulationFormat } from '../domain/population-file.ts';
import { DEFAULT_IMPORT_BATCH_SIZE, importPopulation, type ImportProgress } from '../services/import-population.ts';
import type { Command } from './command.ts';
import { CLI_OPERATOR } from './cli-operator.ts';
import { openPopulationFile, rejectReportFile } from './population-files.ts';
import { importProfessionalsCommand } from './import-professionals-command.ts';
import { withPlatform } from './with-platform.ts';

const USAGE = 'usage: openmes import population FILE [--format ndjson|csv] [--report PATH] [--batch 2000]\n' +
  '       openmes import professionals FILE [--partial] [--report PATH] [--batch 5000]\n';

/**
 * `openmes import population FILE`: creates a space for every valid person of the insurer's file, as
 * the CLI operator. Progress and the summary never show identity data; bad lines go to the report.
 */
export const importCommand: Command = async ({ config, argv = [] }) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { format: { type: 'string' }, report: { type: 'string' }, batch: { type: 'string' }, partial: { type: 'boolean' } },
  });
  const [what, file] = positionals;
  if (what === 'professionals' && file && positionals.length === 2) return importProfessionalsCommand(config, file, values);
  if (what !== 'population' || !file || positionals.length > 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  const format = typeof values.format === 'string' ? values.format : formatForPath(file);
  if (!isPopulationFormat(format)) {
    process.stderr.write(`cannot tell the format of ${file}: name it .ndjson/.jsonl/.csv or pass --format ndjson|csv\n`);
    return 2;
  }
  const batchSize = values.batch === undefined ? DEFAULT_IMPORT_BATCH_SIZE : Number(values.batch);
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
    const source = await openPopulationFile(file, format);
    const summary = await importPopulation(platform, { actor: CLI_OPERATOR, requestId: null }, source, {
      batchSize,
      rejects: rejectReportFile(reportPath),
      acceptTestOids: config.mode !== 'production',
      onBatchCommitted: progressPrinter(),
    });
    const rate = summary.seconds > 0 ? Math.round(summary.linesThisRun / summary.seconds) : 0;
    const counts = `created ${summary.created}, existing ${summary.existing}, rejected ${summary.rejected}, lines ${summary.lines}`;
    if (summary.status === 'already_complete') {
      process.stdout.write(`already imported (job ${summary.jobId}, finished ${summary.finishedAt?.toISOString()}): nothing changed; ${counts}\n`);
      return 0;
    }
    if (summary.resumedFromLine > 0) process.stderr.write(`resumed after line ${summary.resumedFromLine}\n`);
    if (summary.rejected > 0) process.stderr.write(`rejected lines reported in ${reportPath}\n`);
    process.stdout.write(`${counts}, ${rate} rows/s\n`);
    return 0;
  });
};

/** Progress on stderr, at most once a second: counts only, never a row. */
function progressPrinter(): (p: ImportProgress) => void {
  let last = 0;
  return (p) => {
    const t = performance.now();
    if (t - last < 1000) return;
    last = t;
    const rate = p.seconds > 0 ? Math.round(p.linesThisRun / p.seconds) : 0;
    process.stderr.write(`lines ${p.lines} (created ${p.created}, existing ${p.existing}, rejected ${p.rejected}), ${rate} rows/s\n`);
  };
}
