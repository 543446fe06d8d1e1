import { alive, MONTAGNE_HOST, processTree, sleep } from '../app-process.js';
import { drive, type Outcome } from '../http-load.js';
import type { ScenarioResult, Suite } from '../suite.js';

const CONNECTIONS = 32;
const DURATION_MS = 10_000;
const SIGTERM_AFTER_MS = 5_000;

/** Fastify's answer to a request that arrives on an open connection once the server is closing. */
const refusedWhileClosing = (o: Outcome) => o.status === 503 && o.headers.connection === 'close' && !o.headers['retry-after'];

/**
 * 2. SIGTERM under load on pages and the search API: every request the server accepted is answered,
 * the process exits within 10 s and leaves no PostgreSQL process behind. Ends the app: run it last.
 */
export async function sigtermUnderLoad(suite: Suite): Promise<ScenarioResult> {
  const app = suite.app;
  const pages = ['/offres', '/offres?q=moniteur+ski', '/offres?contrat=cdi', '/'];
  const api = ['/api/v1/offers?q=ski', '/api/v1/offers?contract=seasonal&housing=provided', '/api/v1/offers?near=74056&radius_km=30&sort=distance'];
  const postmaster = app.postmasterPid();
  app.resetLedger();

  const run = drive({
    origin: new URL(app.origin),
    host: MONTAGNE_HOST,
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    timeoutMs: 15_000,
    backoffMs: 100,
    next: (connection, n) => ({ path: connection % 2 === 0 ? pages[n % pages.length] : api[n % api.length] }),
  });
  await sleep(SIGTERM_AFTER_MS);
  // Every PostgreSQL process of the app (postmaster and backends), taken just before the signal.
  const postgresProcesses = processTree(postmaster);
  const signalledAt = Date.now();
  app.child.kill('SIGTERM');
  const [{ outcomes }, exit] = await Promise.all([run, app.exited]);
  await sleep(500);
  const left = postgresProcesses.filter(alive);

  const completed = outcomes.filter((o) => o.status >= 200 && o.status < 400);
  // Not accepted: the connection was refused once the server stopped listening, or the closing server
  // answered 503 + Connection: close before handling the request (a load balancer retries those).
  const refused = outcomes.filter((o) => refusedWhileClosing(o) || (o.status === 0 && !o.responseStarted));
  // Accepted then failed, as the server's own log tells (never answered, or 5xx), plus answers cut short.
  const accepted = [...app.ledger.accepted.values()];
  const unanswered = accepted.filter((status) => status === undefined).length;
  const serverErrors = accepted.filter((status) => status !== undefined && status >= 500).length;
  const cutShort = outcomes.filter((o) => o.responseStarted && o.error).length;
  const failedAccepted = unanswered + serverErrors + cutShort + app.ledger.errored;
  const unexplained = outcomes.filter((o) => !completed.includes(o) && !refused.includes(o) && !(o.responseStarted && o.error));
  const exitSeconds = (exit.at - signalledAt) / 1000;

  return {
    name: '2 SIGTERM sous charge',
    figures: {
      'requêtes terminées': completed.length,
      'refusées à la fermeture': refused.length,
      'acceptées par le serveur': accepted.length,
      'acceptées puis en échec': failedAccepted,
      'arrêt (s)': exitSeconds.toFixed(2),
      'code de sortie': String(exit.code ?? exit.signal),
      'processus PostgreSQL restants': left.length,
    },
    checks: [
      { target: 'aucune requête acceptée en échec', ok: failedAccepted === 0 && accepted.length > 0 },
      { target: 'aucune autre réponse d’erreur', ok: unexplained.length === 0 },
      { target: 'arrêt en moins de 10 s, code 0', ok: exitSeconds < 10 && exit.code === 0 },
      { target: 'aucun processus PostgreSQL restant', ok: left.length === 0 && postgresProcesses.length > 1 },
    ],
    examples: unexplained.slice(0, 5).map((o) => `${o.status || o.error} ${JSON.stringify(o.headers).slice(0, 120)}`),
  };
}
