import net from 'node:net';
import { MONTAGNE_HOST } from '../app-process.js';
import { drive, elapsed, percentile } from '../http-load.js';
import type { ScenarioResult, Suite } from '../suite.js';

const IDLE = 200;
const SLOW = 50;
const SLOW_BYTE_EVERY_MS = 2_000;
const LOAD_MS = 15_000;
/**
 * Twice the app's HEADERS_TIMEOUT_MS default (10 s, checked every second): slack for a busy machine, well
 * below Node's own defaults (60 s for headers, checked every 30 s).
 */
const CLOSE_WITHIN_MS = 2 * 10_000;

interface Held {
  socket: net.Socket;
  openedAt: number;
  closedAt?: number;
  answer: string;
}

/** A socket held open: silent, or trickling the headers of a request that never ends (slowloris). */
function hold(port: number, trickle: boolean): Held {
  const socket = net.connect(port, '127.0.0.1');
  const held: Held = { socket, openedAt: Date.now(), answer: '' };
  const headers = `GET /offres HTTP/1.1\r\nHost: ${MONTAGNE_HOST}\r\nX-Lent: ${'a'.repeat(1000)}`;
  let sent = 0;
  const timer = trickle ? setInterval(() => socket.writable && socket.write(headers[sent++ % headers.length]), SLOW_BYTE_EVERY_MS) : undefined;
  socket.on('data', (chunk) => (held.answer += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.on('close', () => {
    clearInterval(timer);
    held.closedAt = Date.now();
  });
  return held;
}

/**
 * 4. 200 idle sockets and 50 slowloris sockets: normal requests still answer fast, and the server's
 * own timeouts close the held sockets (408) without anyone's help.
 */
export async function idleConnections(suite: Suite): Promise<ScenarioResult> {
  const port = Number(new URL(suite.app.origin).port);
  const idle = Array.from({ length: IDLE }, () => hold(port, false));
  const slow = Array.from({ length: SLOW }, () => hold(port, true));
  const { outcomes } = await drive({
    origin: new URL(suite.app.origin),
    host: MONTAGNE_HOST,
    connections: 8,
    durationMs: LOAD_MS,
    timeoutMs: 10_000,
    next: (connection, n) => ({ path: (connection + n) % 2 === 0 ? '/offres' : '/api/v1/offers?q=ski' }),
  });
  const all = [...idle, ...slow];
  const deadline = Math.max(...all.map((h) => h.openedAt)) + CLOSE_WITHIN_MS + 1_000;
  while (all.some((h) => h.closedAt === undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

  const closeSeconds = (group: Held[]) => Math.max(...group.map((h) => ((h.closedAt ?? Infinity) - h.openedAt) / 1000));
  const closedInTime = (group: Held[]) => group.filter((h) => h.closedAt !== undefined && h.closedAt - h.openedAt <= CLOSE_WITHIN_MS).length;
  const latencies = outcomes.map(elapsed);
  const failed = outcomes.filter((o) => o.status !== 200);
  const result: ScenarioResult = {
    name: '4 connexions inactives et lentes',
    figures: {
      'requêtes normales': outcomes.length,
      'échecs normaux': failed.length,
      'p99 normal (ms)': percentile(latencies, 99),
      'inactives fermées': `${closedInTime(idle)}/${IDLE}`,
      'lentes fermées': `${closedInTime(slow)}/${SLOW}`,
      'fermeture la plus tardive (s)': closeSeconds(all).toFixed(1),
      'réponses 408': all.filter((h) => h.answer.startsWith('HTTP/1.1 408')).length,
    },
    checks: [
      { target: 'p99 des requêtes normales < 1 s, aucune en échec', ok: percentile(latencies, 99) < 1_000 && failed.length === 0 && outcomes.length > 0 },
      { target: `toutes les connexions tenues fermées par le serveur en ${CLOSE_WITHIN_MS / 1000} s`, ok: closedInTime(all) === all.length },
    ],
  };
  // Whatever the server left open is closed here, so that a failing run does not leak sockets.
  for (const h of all) h.socket.destroy();
  return result;
}
