import { changeRegulationCentre, regulationCentres } from '../services/manage-regulation-centres.ts';
import type { Command } from './command.ts';
import { CLI_OPERATOR } from './cli-operator.ts';
import { withPlatform } from './with-platform.ts';

const USAGE = 'usage: openmes regulation-centre add FINESS NAME… | remove FINESS | list\n';

/**
 * `openmes regulation-centre`: the operator lists the SAMU regulation centres (centres 15), by FINESS, whose
 * physicians may start the SAMU regulation mode (traced on the system chain).
 */
export const regulationCentreCommand: Command = async ({ config, args }) => {
  const [op, finess, ...name] = args;
  if (!(op === 'list' || (op === 'add' && finess && name.length) || (op === 'remove' && finess))) {
    process.stderr.write(USAGE);
    return 2;
  }
  return withPlatform(config, async (platform) => {
    if (op === 'list') {
      for (const c of await regulationCentres(platform)) process.stdout.write(`${c.structureId}\t${c.name}\n`);
      return 0;
    }
    const change = op === 'add' ? { op, finess: finess!, name: name.join(' ') } as const : { op: 'remove', finess: finess! } as const;
    const changed = await changeRegulationCentre(platform, { actor: CLI_OPERATOR, requestId: null }, change);
    process.stdout.write(`${finess}: ${op === 'add' ? (changed ? 'centre de régulation ajouté' : 'déjà listé (nom mis à jour)') : changed ? 'retiré' : "n'était pas listé"}\n`);
    return 0;
  });
};
