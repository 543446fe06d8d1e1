/**
 * npm run search:reindex [-- --tenant <slug>] — rebuilds the search index from the database.
 * PostgreSQL engine: recomputes every offer's search document and the typo lexicon.
 * Meilisearch (MEILI_HOST): builds a new index beside the live one and swaps it in; with --tenant,
 * replaces that tenant's documents in place and drops the ones no longer live.
 */
import { CliError, runScript, tenantOption } from '../server/cli.js';
import { loadScriptConfig } from '../server/config.js';
import { openDatabase, prepareDatabase } from '../server/db/bootstrap.js';
import { createKysely } from '../server/db/kysely.js';
import { APP_ROLE, createPool } from '../server/db/pool.js';
import { createSearchEngine, SearchService } from '../server/features/search/service.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';

const USAGE = 'usage : npm run search:reindex [-- --tenant <slug>]';

await runScript(async (say) => {
  const tenantId = tenantOption(USAGE);
  const config = loadScriptConfig();
  const registry = loadTenantRegistry(config.tenantsDir, { allowLocalhostSubdomains: false });
  if (tenantId && !registry.get(tenantId)) throw new CliError(`Tenant inconnu : ${tenantId} (connus : ${registry.tenants.map((t) => t.id).join(', ')})`);
  const database = await openDatabase(config, say);
  try {
    await prepareDatabase(database.url, registry, config.referenceDataDir, say);
    // The app's role, through withTenant: the rebuild reads each tenant under row-level security.
    const appUrl = config.database.appUrl;
    const db = createKysely(
      createPool({ connectionString: appUrl ?? database.url, role: appUrl ? undefined : APP_ROLE, max: 4, applicationName: 'cordee-reindex', onError: (e) => say(String(e)) }),
    );
    try {
      const engine = createSearchEngine(config, db);
      const log = { warn: (o: object, m: string) => say(`${m} ${JSON.stringify(o)}`), error: (o: object, m: string) => say(`${m} ${JSON.stringify(o)}`) };
      const service = new SearchService(db, engine, null, log);
      const started = Date.now();
      const count = await service.rebuild(
        registry.tenants.map((t) => t.id),
        { tenantId, log: say },
      );
      say(`${count} offre(s) réindexée(s) (${engine.name}${tenantId ? `, tenant ${tenantId}` : ''}) en ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await db.destroy();
    }
  } finally {
    await database.embedded?.stop();
  }
});
