import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';

/**
 * Every migration, in order. Imported statically (rather than read from the folder at run time)
 * so the same list works under tsx, vitest and the compiled dist/; test/integration/schema.test.ts
 * fails when a file of this folder is missing here.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};
