import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres } from '../../../server/db/embedded.js';
import { freePort } from '../../helpers/net.js';
import { MONTAGNE_HOST, sleep, type AppProcess } from '../app-process.js';
import { drive, elapsed, type Outcome } from '../http-load.js';
import type { ScenarioResult, Suite } from '../suite.js';

const CLIENTS = 20;
const DURATION_MS = 20_000;
const KILL_AFTER_MS = 5_000;
/** The app's REQUEST_TIMEOUT_MS default: no answer may take longer. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * 1a. The app's own embedded PostgreSQL is killed (SIGKILL on the postmaster) under 20 clients creating
 * offers: the app must notice, start it again and serve without being restarted itself.
 */
export async function databaseKilledEmbedded(suite: Suite): Promise<ScenarioResult> {
  return killUnderWrites(suite, suite.app, '1a base tuée sous écritures (PostgreSQL embarqué, relancé par l’application)', () =>
    suite.app.postmasterPid(),
  );
}

/**
 * 1b. Same with DATABASE_URL: the server is the suite's own (a PostgreSQL the app does not own), which
 * the suite restarts after the kill, as an operator's service manager would.
 */
export async function databaseKilledExternal(suite: Suite): Promise<ScenarioResult> {
  const pgDir = path.join(suite.workDir, 'external-pg');
  const restarts: string[] = [];
  const server = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), supervise: (message) => restarts.push(message) });
  const app = await suite.startApp({ dataDir: path.join(suite.workDir, 'external-app'), databaseUrl: await ensureDatabase(server.url, 'cordee') });
  try {
    const result = await killUnderWrites(suite, app, '1b base tuée sous écritures (DATABASE_URL, relancée par la suite)', () => app.postmasterPid(pgDir));
    return result;
  } finally {
    await app.stop();
    await server.stop();
  }
}

async function killUnderWrites(suite: Suite, app: AppProcess, name: string, postmasterPid: () => number): Promise<ScenarioResult> {
  const token = await suite.token(app);
  const acknowledged: string[] = [];
  let killedAt = Infinity;
  const run = drive({
    origin: new URL(app.origin),
    host: MONTAGNE_HOST,
    connections: CLIENTS,
    durationMs: DURATION_MS,
    timeoutMs: REQUEST_TIMEOUT_MS + 5_000,
    keepBodies: true,
    backoffMs: 100,
    next: (connection, n) => ({
      method: 'POST',
      path: '/api/v1/offers',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: `Offre témoin ${connection}-${n}`,
        description_html: '<p>Créée par la suite de pannes.</p>',
        contract: 'cdd',
        working_time: 'full_time',
        commune_insee: '74056',
      }),
    }),
    onOutcome: (_call, outcome) => {
      if (outcome.status === 201) acknowledged.push(JSON.parse(outcome.body).id);
    },
  });
  await sleep(KILL_AFTER_MS);
  const pid = postmasterPid();
  killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  const { outcomes } = await run;

  // Served again: the first creation sent after the kill that succeeded.
  const recovered = outcomes.filter((o) => o.startedAt > killedAt && o.status === 201).sort((a, b) => a.endedAt - b.endedAt)[0];
  const recoveredAt = recovered?.endedAt ?? Infinity;
  const duringOutage = outcomes.filter((o) => o.endedAt >= killedAt && o.endedAt < recoveredAt && o.status !== 201);
  const wellRefused = (o: Outcome) => o.status === 503 && o.headers['retry-after'] !== undefined;
  const badOutage = duringOutage.filter((o) => !wellRefused(o));
  const hanging = outcomes.filter((o) => elapsed(o) > REQUEST_TIMEOUT_MS);
  const otherFailures = outcomes.filter((o) => o.status !== 201 && !duringOutage.includes(o));

  const stored = await suite.query<{ id: string }>('select id from offers where id = any($1::uuid[])', [acknowledged], app);
  const storedIds = new Set(stored.map((row) => row.id));
  const missing = acknowledged.filter((id) => !storedIds.has(id));
  const [{ n: present }] = await suite.query<{ n: number }>(`select count(*)::int as n from offers where title like 'Offre témoin %'`, [], app);
  const recoverySeconds = (recoveredAt - killedAt) / 1000;

  return {
    name,
    figures: {
      'créations acquittées': acknowledged.length,
      'acquittées manquantes': missing.length,
      'lignes non acquittées mais présentes': present - acknowledged.length + missing.length,
      'réponses pendant la panne': duringOutage.length,
      'dont 503 + Retry-After': duringOutage.filter(wellRefused).length,
      'réponse la plus longue (s)': (Math.max(0, ...outcomes.map(elapsed)) / 1000).toFixed(2),
      'reprise (s)': Number.isFinite(recoverySeconds) ? recoverySeconds.toFixed(2) : 'jamais',
      'autres échecs': otherFailures.length,
    },
    checks: [
      { target: 'aucune création acquittée perdue', ok: missing.length === 0 && acknowledged.length > 0 },
      { target: 'pendant la panne, seulement des 503 avec Retry-After', ok: badOutage.length === 0 && duringOutage.length > 0 },
      { target: `aucune réponse au-delà de ${REQUEST_TIMEOUT_MS / 1000} s`, ok: hanging.length === 0 },
      { target: 'de nouveau servi en moins de 10 s, sans redémarrer l’application', ok: recoverySeconds < 10 && app.child.exitCode === null },
      { target: 'aucun autre échec avant la panne ou après la reprise', ok: otherFailures.length === 0 },
    ],
    examples: [
      ...[...badOutage, ...otherFailures].slice(0, 3).map((o) => `${o.status || o.error} ${o.body.slice(0, 160)}`),
      ...app.failures.slice(0, 3).map((line) => line.slice(0, 700)),
    ],
  };
}
