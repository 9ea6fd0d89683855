import type { Command } from './command.ts';
import { dossierCommand } from './dossier-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { startCommand } from './start-command.ts';
import { verifyAuditCommand } from './verify-audit-command.ts';

/** Every CLI command by name. */
export const commands: Record<string, Command> = {
  start: startCommand,
  migrate: migrateCommand,
  'verify-audit': verifyAuditCommand,
  dossier: dossierCommand,
};
