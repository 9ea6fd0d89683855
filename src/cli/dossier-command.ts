import { parseArgs } from 'node:util';
import { LIFECYCLE_ACTIONS, type LifecycleAction } from '../domain/lifecycle.ts';
import { transitionDossier } from '../services/transition-dossier.ts';
import type { Command } from './command.ts';
import { CLI_OPERATOR } from './cli-operator.ts';
import { withPlatform } from './with-platform.ts';

/** `openmes dossier <action> ID`: the operator changes a space's state on request (traced as such). */
export const dossierCommand: Command = async ({ config, argv = [] }) => {
  // Declared, so that `--reason "motif"` takes its value (undeclared options are flags).
  const { values: options, positionals: args } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { reason: { type: 'string' } } });
  const [action, dossierId] = args;
  const reason = typeof options.reason === 'string' ? options.reason : null;
  if (!action || !(LIFECYCLE_ACTIONS as readonly string[]).includes(action) || !dossierId) {
    process.stderr.write(`usage: openmes dossier <${LIFECYCLE_ACTIONS.join('|')}> DOSSIER_ID [--reason "motif"]   (close and reopen need a reason)\n`);
    return 2;
  }
  return withPlatform(config, async (platform) => {
    const d = await transitionDossier(platform, { actor: CLI_OPERATOR, requestId: null }, dossierId, action as LifecycleAction, undefined, reason);
    process.stdout.write(`${d.dossierId}: ${d.state}\n`);
    return 0;
  });
};
