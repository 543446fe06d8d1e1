/** npm run db:seed — demo companies and offers (deterministic; a second run changes nothing). */
import { loadScriptConfig } from '../server/config.js';
import { adminKysely, openDatabase, prepareDatabase } from '../server/db/bootstrap.js';
import { seedDemo } from '../server/db/seed/demo-seed.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';
import { CliError, runScript } from '../server/cli.js';

await runScript(async (say) => {
  const config = loadScriptConfig();
  if (config.env === 'production' && config.seedDemo !== 'always') {
    throw new CliError('Refus de charger la démo en production (SEED_DEMO=always pour forcer).');
  }
  const registry = loadTenantRegistry(config.tenantsDir, { allowLocalhostSubdomains: false });
  const database = await openDatabase(config, say);
  try {
    await prepareDatabase(database.url, registry, config.referenceDataDir, say);
    const db = adminKysely(database.url, say);
    try {
      for (const report of await seedDemo(db, registry)) {
        say(`${report.tenant} : ${report.companies} entreprises, ${report.offers} offres, ${report.memberships} adhésions — ${report.inserted} ligne(s) ajoutée(s)`);
      }
    } finally {
      await db.destroy();
    }
  } finally {
    await database.embedded?.stop();
  }
});
