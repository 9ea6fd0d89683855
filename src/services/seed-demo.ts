import { seedDemoAccounts, type DemoSignIns } from './seed-demo-accounts.ts';
import { seedDemoPopulation } from './seed-demo-population.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The demo data of `openmes start --demo` and `openmes seed-demo`: the demo population (through the
 * population import) and the demo accounts (patients of that population, professionals, operator,
 * professional software). Idempotent.
 */
export async function seedDemo(deps: ServiceDeps, options: { dataDir: string }): Promise<DemoSignIns> {
  const patients = await seedDemoPopulation(deps);
  return seedDemoAccounts(deps, { patients, dataDir: options.dataDir });
}
