import type { Config } from '../config.ts';
import { isAppError } from '../domain/errors.ts';
import { openPlatform, type Platform } from './platform.ts';

/**
 * Runs an operator command on an opened platform: a refusal or a bad input (an AppError) is printed as
 * `CODE: message` with exit code 1, anything else propagates; the platform is closed either way.
 */
export async function withPlatform(config: Config, run: (platform: Platform) => Promise<number>, clock?: () => Date): Promise<number> {
  const platform = await openPlatform(config, clock);
  try {
    return await run(platform);
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await platform.close();
  }
}
