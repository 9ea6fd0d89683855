#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../config.ts';
import { commands } from './commands.ts';

const USAGE = `openmes <command> [options]

Commands:
  start [--demo]                 start the platform (http://127.0.0.1:8080 by default)
  migrate                        apply database migrations
  seed-demo                      load the demo population and demo accounts
  import population FILE [--format ndjson|csv] [--report PATH] [--batch 2000]
                                 import the insurer's population file (NDJSON or CSV)
  import professionals FILE [--partial] [--report PATH] [--batch 5000]
                                 load the public directory extract of professionals (Annuaire santé, RPPS)
  jobs list                      the scheduled jobs and when they run
  jobs run <name> [--at DATE]    run a scheduled job now (traced; --at: as if it were DATE, not in production)
  verify-audit                   verify the hash chains of the audit trail
  token --as <demo user>         print a short-lived access token (refused in production)
  dossier <activate|oppose|close|reopen> DOSSIER_ID [--reason TEXT]
                                 change a space's state (as the operator; close and reopen need --reason)
  regulation-centre add FINESS NAME | remove FINESS | list
                                 the SAMU regulation centres whose physicians may use the SAMU mode
`;

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(USAGE);
    return name ? 2 : 0;
  }
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: false });
  try {
    const config = parseConfig(process.env);
    return await command({ config, options: values as Record<string, string | boolean | undefined>, args: positionals, argv: rest });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78;
    }
    throw err;
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`openmes: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
