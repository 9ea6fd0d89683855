import { seedDemo } from '../services/seed-demo.ts';
import type { Command } from './command.ts';
import { openPlatform } from './platform.ts';
import { printDemoSignIns } from './print-demo-sign-ins.ts';

/** `openmes seed-demo`: load the demo population and accounts (refused in production). */
export const seedDemoCommand: Command = async ({ config }) => {
  if (config.mode === 'production') {
    process.stderr.write('openmes seed-demo: refused in production mode.\n');
    return 1;
  }
  const platform = await openPlatform(config);
  try {
    printDemoSignIns(await seedDemo(platform, { dataDir: config.dataDir }), config.publicUrl);
    return 0;
  } finally {
    await platform.close();
  }
};
