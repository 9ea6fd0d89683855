import type { Migration } from '../migrator.ts';
import { m0001 } from './0001_foundation.ts';

/** All migrations, in order. Append only. */
export const migrations: readonly Migration[] = [m0001];
