import { LIFECYCLE_ACTIONS, type LifecycleAction } from '../domain/lifecycle.ts';
import { isAppError } from '../domain/errors.ts';
import { transitionDossier } from '../services/transition-dossier.ts';
import type { Command } from './command.ts';
import { CLI_OPERATOR } from './cli-operator.ts';
import { openPlatform } from './platform.ts';

/** `openmes dossier <action> ID`: the operator changes a space's state on request (traced as such). */
export const dossierCommand: Command = async ({ config, args }) => {
  const [action, dossierId] = args;
  if (!action || !(LIFECYCLE_ACTIONS as readonly string[]).includes(action) || !dossierId) {
    process.stderr.write(`usage: openmes dossier <${LIFECYCLE_ACTIONS.join('|')}> DOSSIER_ID\n`);
    return 2;
  }
  const platform = await openPlatform(config);
  try {
    const d = await transitionDossier(platform, { actor: CLI_OPERATOR, requestId: null }, dossierId, action as LifecycleAction);
    process.stdout.write(`${d.dossierId}: ${d.state}\n`);
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await platform.close();
  }
};
