import type { Command } from './command.ts';
import { dossierCommand } from './dossier-command.ts';
import { importCommand } from './import-command.ts';
import { jobsCommand } from './jobs-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { regulationCentreCommand } from './regulation-centre-command.ts';
import { seedDemoCommand } from './seed-demo-command.ts';
import { startCommand } from './start-command.ts';
import { tokenCommand } from './token-command.ts';
import { verifyAuditCommand } from './verify-audit-command.ts';

/** Every CLI command by name. */
export const commands: Record<string, Command> = {
  start: startCommand,
  migrate: migrateCommand,
  'verify-audit': verifyAuditCommand,
  dossier: dossierCommand,
  token: tokenCommand,
  import: importCommand,
  'seed-demo': seedDemoCommand,
  'regulation-centre': regulationCentreCommand,
  jobs: jobsCommand,
};
