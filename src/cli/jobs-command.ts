import { parseArgs } from 'node:util';
import { SCHEDULED_JOBS } from '../jobs/scheduled-jobs.ts';
import { runJobOnRequest } from '../services/trace-job-run.ts';
import type { Command } from './command.ts';
import { CLI_OPERATOR } from './cli-operator.ts';
import { withPlatform } from './with-platform.ts';

const USAGE = `usage: openmes jobs list\n       openmes jobs run <${Object.keys(SCHEDULED_JOBS).join('|')}> [--at 2027-03-01T09:00:00Z]\n`;

/**
 * `openmes jobs run <name>`: runs a scheduled job now instead of waiting for its schedule (an operator
 * catching up). `--at DATE` runs it as if it were that date — for testers, to see what the delays do
 * (time is an input); refused in production. Traced: the request by the operator, then the job's own
 * accesses as the system.
 */
export const jobsCommand: Command = async ({ config, argv = [] }) => {
  const { values: options, positionals: args } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { at: { type: 'string' } } });
  const [verb, name] = args;
  const at = typeof options.at === 'string' ? new Date(options.at) : null;
  if (options.at !== undefined && (at === null || Number.isNaN(at.getTime()))) {
    process.stderr.write('--at takes a date and time, e.g. 2027-03-01T09:00:00Z\n');
    return 2;
  }
  if (at && config.mode === 'production') {
    process.stderr.write('openmes jobs run: --at is refused in production mode (the clock is real there).\n');
    return 1;
  }
  if (verb === 'list' && args.length === 1) {
    for (const [n, j] of Object.entries(SCHEDULED_JOBS)) process.stdout.write(`${n.padEnd(14)} ${j.schedule}: ${j.describe}\n`);
    return 0;
  }
  const job = name ? SCHEDULED_JOBS[name] : undefined;
  if (verb !== 'run' || !job || args.length !== 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  return withPlatform(config, async (platform) => {
    const counts = await runJobOnRequest(platform, { actor: CLI_OPERATOR, requestId: null }, name!, () => job.runOnce(platform));
    process.stdout.write(`${name}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'done'}\n`);
    return 0;
  }, at ? () => new Date(at.getTime()) : undefined);
};
