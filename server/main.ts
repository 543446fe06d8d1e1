import closeWithGrace from 'close-with-grace';
import { buildApp, loadTenants } from './app.js';
import { runScript } from './cli.js';
import { loadConfig } from './config.js';
import { adminKysely, hasTenantData, openDatabase, prepareDatabase } from './db/bootstrap.js';
import { seedDemo } from './db/seed/demo-seed.js';
import { createWorker } from './jobs/index.js';
import type { Worker } from './jobs/worker.js';
import { syncTenants } from './tenancy/sync.js';

/** Process entry: the only place that reads the environment, starts PostgreSQL, listens and handles signals. */
await runScript(async (say) => {
  const config = loadConfig();
  // Validate every tenant.json before starting anything: a bad file stops here, naming file and field.
  const tenants = loadTenants(config);
  // Supervised: if the embedded server dies under the app, the app starts it again and keeps serving.
  const database = await openDatabase(config, say, { supervise: true });
  const stopEmbedded = async () => database.embedded?.stop();

  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let worker: Worker | undefined;
  try {
    // A tenant added while the app runs (development reload) gets its `tenants` row with the privileged role.
    const registerTenants = async (added: Pick<typeof tenants, 'tenants'>) => {
      const admin = adminKysely(database.url, say);
      try {
        await syncTenants(admin, added);
        say(`tenant(s) enregistré(s) : ${added.tenants.map((t) => t.id).join(', ')}`);
      } finally {
        await admin.destroy();
      }
    };
    app = await buildApp({ ...config, database: { ...config.database, url: database.url } }, { tenants, registerTenants });
    const running = app;
    if (config.migrateOnStart) await prepareDatabase(database.url, app.tenants, config.referenceDataDir, say);
    // Demo data on a new embedded database for a newcomer; never by default in production.
    const seedWanted = config.seedDemo === 'always' || (config.seedDemo === 'auto' && database.embedded !== undefined && config.env !== 'production');
    if (seedWanted) {
      const admin = adminKysely(database.url, say);
      try {
        if (config.seedDemo === 'always' || !(await hasTenantData(admin, app.tenants))) {
          for (const report of await seedDemo(admin, app.tenants)) {
            say(`démo ${report.tenant} : ${report.companies} entreprises, ${report.offers} offres (${report.inserted} lignes ajoutées)`);
          }
        }
      } finally {
        await admin.destroy();
      }
    }

    closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) running.log.error({ err }, 'fatal error, shutting down');
      else running.log.info({ signal }, 'shutting down');
      // The worker first: its jobs still need the pool that app.close() ends.
      await worker?.stop();
      await running.close();
      await stopEmbedded();
    });

    await app.listen({ host: config.host, port: config.port });
    // The search's board indexes load in the background: searches meanwhile wait for their tenant's.
    const warming = Date.now();
    void app.offerSearch.warm(app.tenants.tenants.map((t) => t.id)).then(
      () => running.log.info({ ms: Date.now() - warming }, 'search indexes loaded'),
      (error: unknown) => running.log.warn({ err: error }, 'search indexes not loaded at start-up: first searches load them'),
    );
    // Background jobs (search outbox…) on the PostgreSQL queue; WORKER=off leaves them to other nodes.
    if (config.worker.enabled) {
      worker = createWorker(app);
      await worker.start();
    }
    for (const tenant of app.tenants.tenants) {
      const hosts = [...tenant.config.hostnames, ...(config.env !== 'production' ? [`${tenant.id}.localhost`] : [])];
      say(`${tenant.config.name} : ${hosts.map((h) => `http://${h}:${config.port}`).join(' , ')}`);
    }
    if (config.env === 'development') say(`développement : les changements sous ${config.tenantsDir} sont pris en compte sans redémarrer`);
    if (config.mail.smtpUrl) say('e-mails : envoyés par SMTP (SMTP_URL)');
    else if (config.env === 'production') say(`ATTENTION : SMTP_URL n’est pas défini, les e-mails sont seulement écrits dans ${config.mail.dir}`);
    else say(`e-mails : écrits dans ${config.mail.dir}, lisibles sur /_dev/mail de chaque site`);
  } catch (error) {
    await worker?.stop();
    await app?.close();
    await stopEmbedded();
    throw error;
  }
});
