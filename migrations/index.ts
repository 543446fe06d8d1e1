import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_search.js';
import * as m0003 from './0003_accounts.js';
import * as m0004 from './0004_company_space.js';
import * as m0005 from './0005_billing.js';
import * as m0006 from './0006_candidates.js';
import * as m0007 from './0007_company_logo.js';
import * as m0008 from './0008_tenant_settings.js';
import * as m0009 from './0009_search_speed.js';
import * as m0011 from './0011_messaging.js';
import * as m0012 from './0012_shared_time.js';
import * as m0013 from './0013_reports.js';
import * as m0014 from './0014_feeds.js';
import * as m0015 from './0015_experience.js';
import * as m0016 from './0016_speed.js';

/**
 * Every migration, in order. Imported statically (rather than read from the folder at run time)
 * so the same list works under tsx, vitest and the compiled dist/; test/integration/schema.test.ts
 * fails when a file of this folder is missing here.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_search': m0002,
  '0003_accounts': m0003,
  '0004_company_space': m0004,
  '0005_billing': m0005,
  '0006_candidates': m0006,
  '0007_company_logo': m0007,
  '0008_tenant_settings': m0008,
  '0009_search_speed': m0009,
  '0011_messaging': m0011,
  '0012_shared_time': m0012,
  '0013_reports': m0013,
  '0014_feeds': m0014,
  '0015_experience': m0015,
  '0016_speed': m0016,
};
