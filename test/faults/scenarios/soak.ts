import { MONTAGNE_HOST } from '../app-process.js';
import { drive, elapsed, percentile, type Call } from '../http-load.js';
import type { ScenarioResult, Suite } from '../suite.js';

const CONNECTIONS = 32;
/**
 * Long enough for the process to reach the size this load keeps it at before memory is sampled: runs
 * showed one step of 100–150 MiB between 20 and 50 s after the load starts, then a flat floor.
 */
const WARM_UP_MS = 60_000;

/** Searches a visitor of the mountain board makes (words, facets, places, pages). */
const SEARCHES = [
  'q=moniteur+ski',
  'q=perchman',
  'q=cuisinier&housing=provided',
  'q=saisonnier&contract=seasonal',
  'contract=cdi',
  'contract=seasonal&housing=provided',
  'near=74056&radius_km=20',
  'near=73054&radius_km=50&sort=distance',
  'q=vendeur&page=2',
  'q=r%C3%A9ceptionniste',
  'department=73',
  'sort=date&per_page=50',
  'q=dameur&near=38185&radius_km=80',
  'q=serveur&contract=cdd',
  'q=pisteur+secouriste',
  'q=skiman',
];

/**
 * 3. A steady 32-connection load on the search API and offer pages: no error, p99, and memory that
 * stays flat once warm (RSS sampled every second after a warm-up at the same load).
 */
export function soak(durationMs: number) {
  return async (suite: Suite): Promise<ScenarioResult> => {
    const offers = await suite.liveOfferIds(60);
    const next = (connection: number, n: number): Call =>
      connection % 2 === 0 ? { path: `/api/v1/offers?${SEARCHES[(connection + n) % SEARCHES.length]}` } : { path: `/offres/${offers[(connection * 7 + n) % offers.length]}` };
    const base = { origin: new URL(suite.app.origin), host: MONTAGNE_HOST, connections: CONNECTIONS, timeoutMs: 30_000, next };

    await drive({ ...base, durationMs: WARM_UP_MS });
    // Memory every second. A garbage-collected heap saws up and down by a fifth or more within a minute,
    // so the figures are floors (lowest sample of each third: after collections, what is alive). The
    // first third may still hold the step of the warm-up (above); a leak keeps climbing, so the target
    // compares the floor of the middle third with that of the last third.
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(Math.round(suite.app.rssMiB())), 1_000);
    const started = Date.now();
    const { outcomes } = await drive({ ...base, durationMs });
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const third = Math.max(1, Math.floor(samples.length / 3));
    const rssStart = Math.min(...samples.slice(0, third));
    const rssSettled = Math.min(...samples.slice(third, -third));
    const rssEnd = Math.min(...samples.slice(-third));
    const trend = Array.from({ length: 7 }, (_, i) => samples[Math.round((i * (samples.length - 1)) / 6)]);

    const errors = outcomes.filter((o) => o.status !== 200);
    const latencies = outcomes.map(elapsed);
    const growth = (rssEnd - rssSettled) / rssSettled;
    return {
      name: `3 endurance ${Math.round(durationMs / 1000)} s`,
      figures: {
        requêtes: outcomes.length,
        'req/s': Math.round(outcomes.length / seconds),
        erreurs: errors.length,
        'p50 (ms)': percentile(latencies, 50),
        'p99 (ms)': percentile(latencies, 99),
        'RSS plancher début (Mio)': rssStart.toFixed(0),
        'RSS plancher milieu (Mio)': rssSettled.toFixed(0),
        'RSS plancher fin (Mio)': rssEnd.toFixed(0),
        'RSS max (Mio)': Math.max(...samples),
        'croissance RSS milieu → fin': `${(growth * 100).toFixed(1)} %`,
        'RSS en cours (Mio)': trend.join('→'),
      },
      checks: [
        { target: 'aucune erreur', ok: errors.length === 0 && outcomes.length > 0 },
        { target: 'plancher de RSS en hausse de moins de 20 % du milieu à la fin', ok: growth < 0.2 },
      ],
      examples: errors.slice(0, 5).map((o) => `${o.status || o.error} ${o.headers['retry-after'] ? `Retry-After ${o.headers['retry-after']}` : ''}`),
    };
  };
}
