import { openDb } from '../store/db.ts';
import { migrateDatabase as migrate } from '../services/prepare-database.ts';
import { resolve } from 'node:path';
import type { Command } from './command.ts';

export const migrateCommand: Command = async ({ config }) => {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : resolve(config.dataDir, 'pglite') });
  try {
    const report = await migrate(db);
    if (!report.ok) {
      process.stderr.write(`migration ${report.failed} failed: ${report.error}\n`);
      return 1;
    }
    process.stdout.write(report.applied.length ? `applied: ${report.applied.join(', ')}\n` : `up to date (${report.alreadyApplied} migrations)\n`);
    return 0;
  } finally {
    await db.close();
  }
};
