import { describeProblem, verifyAudit } from '../services/verify-audit.ts';
import type { Command } from './command.ts';
import { openPlatform } from './platform.ts';

/** `openmes verify-audit`: exit 0 when every chain verifies, 1 naming each damaged entry otherwise. */
export const verifyAuditCommand: Command = async ({ config }) => {
  const platform = await openPlatform(config);
  try {
    const result = await verifyAudit(platform.db, (n) => process.stderr.write(`\rverified ${n} entries…`));
    process.stderr.write('\n');
    for (const p of result.problems) process.stdout.write(`TAMPERED ${describeProblem(p)}\n`);
    const rate = result.seconds > 0 ? Math.round(result.entries / result.seconds) : result.entries;
    process.stdout.write(`${result.problems.length === 0 ? 'OK' : 'FAILED'}: ${result.entries} entries in ${result.chains} chains, ${result.problems.length} problem(s), ${rate} entries/s\n`);
    return result.problems.length === 0 ? 0 : 1;
  } finally {
    await platform.close();
  }
};
