/** npm run db:migrate — applies migrations, loads reference data, registers the tenants of tenants/. */
import { loadScriptConfig } from '../server/config.js';
import { openDatabase, prepareDatabase } from '../server/db/bootstrap.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';
import { runScript } from '../server/cli.js';

await runScript(async (say) => {
  const config = loadScriptConfig();
  const registry = loadTenantRegistry(config.tenantsDir, { allowLocalhostSubdomains: false });
  const database = await openDatabase(config, say);
  try {
    const result = await prepareDatabase(database.url, registry, config.referenceDataDir, say);
    say(`${result.migrations.length} migration(s) appliquée(s), ${registry.tenants.length} tenant(s) enregistré(s)`);
  } finally {
    await database.embedded?.stop();
  }
});
