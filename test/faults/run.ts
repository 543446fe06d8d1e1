import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { databaseKilledEmbedded, databaseKilledExternal } from './scenarios/database-kill.js';
import { duplicateWebhooks } from './scenarios/duplicate-webhooks.js';
import { idleConnections } from './scenarios/idle-connections.js';
import { malformedInput } from './scenarios/malformed-input.js';
import { sigtermUnderLoad } from './scenarios/sigterm.js';
import { soak } from './scenarios/soak.js';
import { Suite, type Scenario, type ScenarioResult } from './suite.js';

const USAGE = `npm run test:faults [-- options]
  --only <noms>        scénarios à lancer, séparés par des virgules (défaut : tous) :
                       webhooks, malformed, idle, soak, db-kill, db-kill-external, sigterm
  --soak-seconds <n>   durée de l’endurance (défaut 60)
  --fuzz-per-route <n> requêtes générées par route (défaut 1000)
  --report <fichier>   écrit aussi les résultats en JSON (lu par .ci/run)`;

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    'soak-seconds': { type: 'string', default: '60' },
    'fuzz-per-route': { type: 'string', default: '1000' },
    report: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// In this order: SIGTERM ends the app, so it comes last; the database kill follows the steady-state ones.
const SCENARIOS: [string, Scenario][] = [
  ['webhooks', duplicateWebhooks],
  ['malformed', malformedInput(Number(args['fuzz-per-route']))],
  ['idle', idleConnections],
  ['soak', soak(Number(args['soak-seconds']) * 1000)],
  ['db-kill', databaseKilledEmbedded],
  ['db-kill-external', databaseKilledExternal],
  ['sigterm', sigtermUnderLoad],
];

const wanted = args.only?.split(',').map((name) => name.trim());
const unknown = wanted?.filter((name) => !SCENARIOS.some(([known]) => known === name)) ?? [];
if (unknown.length > 0) {
  console.error(`scénario inconnu : ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}

function print(result: ScenarioResult) {
  const passed = result.checks.every((check) => check.ok);
  const figures = Object.entries(result.figures).map(([label, value]) => `${label} ${value}`).join(' · ');
  console.log(`${passed ? 'OK    ' : 'ÉCHEC '} ${result.name} : ${figures}`);
  for (const check of result.checks) console.log(`         ${check.ok ? '✓' : '✗'} ${check.target}`);
  if (!passed) for (const example of result.examples ?? []) console.log(`         · ${example}`);
}

const suite = new Suite();
const results: ScenarioResult[] = [];
const started = Date.now();
console.log(`[pannes] ${os.cpus().length} cœurs, ${(os.totalmem() / 2 ** 30).toFixed(0)} Gio, Node ${process.version}, dossier ${suite.workDir}`);
try {
  await suite.start();
  console.log(`[pannes] application prête (production, PostgreSQL embarqué supervisé) en ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [name, scenario] of SCENARIOS) {
    if (wanted && !wanted.includes(name)) continue;
    let result: ScenarioResult;
    try {
      result = await scenario(suite);
    } catch (error) {
      const appLines = suite.app?.tail.slice(-15) ?? [];
      result = { name, figures: {}, checks: [{ target: 'le scénario va jusqu’au bout', ok: false }], examples: [(error as Error).stack ?? String(error), ...appLines] };
    }
    results.push(result);
    print(result);
  }
} catch (error) {
  console.error('[pannes] démarrage impossible :', error);
  results.push({ name: 'démarrage', figures: {}, checks: [{ target: 'l’application démarre', ok: false }], examples: suite.app?.tail.slice(-20) ?? [] });
} finally {
  await suite.stop();
  rmSync(suite.workDir, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.checks.every((c) => c.ok)).length;
console.log(`[pannes] ${results.length - failed} scénario(s) réussi(s), ${failed} en échec, en ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (args.report) writeFileSync(args.report, JSON.stringify({ passed: results.length - failed, failed, results }, null, 2));
process.exit(failed > 0 ? 1 : 0);
