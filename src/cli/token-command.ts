import { AppError } from '../domain/errors.ts';
import { issueAccessToken } from '../services/access-token.ts';
import { actorForAccount } from '../services/actor-for-account.ts';
import { findDemoAccount } from '../services/find-demo-account.ts';
import type { Command } from './command.ts';
import { openPlatform } from './platform.ts';

/**
 * `openmes token --as <demo user>`: prints a short-lived access token for a demo account (e-mail, RPPS or
 * account id), to call the API with curl. Refused in production.
 */
export const tokenCommand: Command = async ({ config, options, args }) => {
  if (config.mode === 'production') {
    const refusal = new AppError('AUTH_FORBIDDEN_IN_PRODUCTION');
    process.stderr.write(`${refusal.code}: ${refusal.message} (OPENMES_MODE=production : les jetons viennent du serveur OpenID Connect.)\n`);
    return 1;
  }
  // `--as=x` arrives as a value; `--as x` as a flag followed by a positional (the CLI parses loosely).
  const ref = typeof options.as === 'string' ? options.as : options.as === true ? (args[0] ?? '') : '';
  if (!ref) {
    process.stderr.write('usage: openmes token --as <adresse électronique | RPPS | identifiant de compte d’un compte de démonstration>\n');
    return 2;
  }
  const platform = await openPlatform(config);
  try {
    const account = await findDemoAccount(platform, ref);
    if (!account) {
      process.stderr.write(`openmes token: aucun compte de démonstration ne correspond à « ${ref} » (lancez d’abord « openmes start --demo »).\n`);
      return 1;
    }
    const now = platform.clock();
    const token = await issueAccessToken(platform.tokenKeys, actorForAccount(account), config.accessTokenTtlSeconds, now);
    process.stdout.write(`${token}\n`);
    process.stderr.write(`jeton valable ${config.accessTokenTtlSeconds} s pour ${account.given_name} ${account.family_name} (${account.kind})\n`);
    return 0;
  } finally {
    await platform.close();
  }
};
