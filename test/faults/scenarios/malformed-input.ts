import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { RouteOptions } from 'fastify';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { createRandom, type Random } from '../../../server/db/seed/random.js';
import { ROOT, STRIPE_WEBHOOK_SECRET } from '../app-process.js';
import { rawRequest, send, type Call } from '../http-load.js';
import type { ScenarioResult, Suite } from '../suite.js';

interface Route {
  method: string;
  url: string;
  query: Record<string, JsonSchema>;
  body: Record<string, JsonSchema>;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  enum?: unknown[];
}

/** Values a careless handler chokes on: wrong types, extremes, injections, odd Unicode. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '1.5',
  '99999999999999999999999',
  '2147483648',
  '-2147483649',
  '0x1F',
  'true',
  'null',
  '[]',
  '{}',
  "' OR '1'='1",
  '1; DROP TABLE offers;--',
  "' UNION SELECT password_hash FROM users--",
  '%',
  '_',
  '\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{constructor.constructor("return process")()}}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'a'.repeat(10_000),
  'é'.repeat(2_000),
  '\u202Egnp.exe',
  '\u0000',
  '\uFEFF',
  '😀'.repeat(50),
  '2026-02-30',
  '9999-99-99',
  '__proto__',
  'constructor',
  'chamonix',
  '74056',
  '95.1,6.2',
  '45.9,6.8,1',
  'ski',
];

/** Percent-encodings that are not valid UTF-8 or not valid at all, sent as they are. */
const BROKEN_ENCODINGS = ['%FF', '%C0%AF', '%ED%A0%80', '%00', '%', '%zz', '%E2%82', '%F0%9F%98'];

const HOSTILE_JSON = [
  '{',
  '[]',
  '"texte"',
  'null',
  '1e309',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  '{"__proto__":{"role":"admin"}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
  '{"tenant_id":"dijon","role":"admin"}',
];

const EXTRA_PARAMS = ['__proto__[role]', 'a[b][c]', 'x[]', 'utm_source', 'q', 'page'];

/** Every route as the app declares it, with its query and body schemas, from a build that never listens. */
async function declaredRoutes(suite: Suite): Promise<Route[]> {
  const declared: RouteOptions[] = [];
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: suite.adminUrl(),
    JWT_SECRET: 'x'.repeat(40),
    COOKIE_SECRET: 'y'.repeat(40),
    LOG_LEVEL: 'silent',
    STRIPE_SECRET_KEY: 'sk_test_faultsuite',
    STRIPE_WEBHOOK_SECRET,
  });
  const app = await buildApp(config, { onRoute: (route) => declared.push(route), watchTenants: false });
  await app.close();
  const routes: Route[] = [];
  for (const route of declared) {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
    for (const method of methods) {
      // Public GET routes (pages, feeds, assets) and the whole API; page forms are posted with a CSRF token.
      if (!route.url.startsWith('/api/') && method !== 'GET') continue;
      const schema = (route.schema ?? {}) as { querystring?: JsonSchema; body?: JsonSchema };
      routes.push({ method, url: route.url, query: schema.querystring?.properties ?? {}, body: schema.body?.properties ?? {} });
    }
  }
  return routes;
}

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be encoded: send its raw UTF-8 bytes instead
  }
}

function typeOf(schema: JsonSchema): string {
  const type = schema.type ?? schema.anyOf?.find((s) => s.type !== 'null')?.type;
  return Array.isArray(type) ? type[0] : (type ?? 'string');
}

/** A wrong value for a property of this schema: the wrong type, an extreme, or any hostile string. */
function hostileValue(random: Random, schema: JsonSchema): unknown {
  const roll = random.next();
  const type = typeOf(schema);
  if (roll < 0.3 && (type === 'integer' || type === 'number')) return random.pick([1e308, -1e308, 0.5, -1, 2 ** 53 + 1, '12abc', true, [1, 2], { a: 1 }]);
  if (roll < 0.4) return random.pick([null, 42, true, [], {}, ['a', 'b'], { $gt: '' }]);
  return random.pick(HOSTILE_STRINGS);
}

function fillPath(random: Random, url: string, samples: Pick<Board, 'offerId' | 'companySlug'>): string {
  return url.replace(/:(\w+)|\*/g, (_, name: string | undefined) => {
    const roll = random.next();
    if (roll < 0.15 && name === 'id') return samples.offerId;
    if (roll < 0.25 && name === 'slug') return samples.companySlug;
    if (roll < 0.35) return random.pick(BROKEN_ENCODINGS);
    return encode(random.pick(HOSTILE_STRINGS)).slice(0, random.chance(0.5) ? 300 : 30_000);
  });
}

function query(random: Random, route: Route): string {
  const names = [...Object.keys(route.query), ...EXTRA_PARAMS];
  const parts: string[] = [];
  for (let i = 0, count = random.int(0, 4); i < count; i++) {
    const name = random.pick(names);
    const raw = random.chance(0.1) ? random.pick(BROKEN_ENCODINGS) : encode(String(hostileValue(random, route.query[name] ?? {})));
    // Repeated parameters: the same name two or three times.
    for (let r = 0, repeat = random.chance(0.15) ? random.int(2, 3) : 1; r < repeat; r++) parts.push(`${encode(name)}=${raw}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function body(random: Random, route: Route): { body: string; contentType: string } {
  const roll = random.next();
  if (roll < 0.15) return { body: random.pick(HOSTILE_JSON), contentType: 'application/json' };
  if (roll < 0.2) return { body: 'title=x&contract=cdi', contentType: random.pick(['application/x-www-form-urlencoded', 'text/plain', 'application/xml']) };
  const object: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(route.body)) {
    if (random.chance(0.7)) object[name] = random.chance(0.5) ? hostileValue(random, schema) : random.pick(['Titre valable', 'cdi', 'full_time', '74056', 12, false]);
  }
  if (random.chance(0.2)) object[random.pick(['tenant_id', 'role', 'status', '__proto__', 'id'])] = 'dijon';
  return { body: JSON.stringify(object), contentType: 'application/json' };
}

/** Who sends the request: nobody, one of the board's demo accounts (a token for the API, a session for pages), or a forger. */
function identity(random: Random, board: Board, isApi: boolean): Record<string, string> {
  const roll = random.next();
  if (roll < 0.3) return {};
  if (!isApi) return { cookie: random.pick(board.sessions) };
  const token = random.pick(board.tokens);
  if (roll < 0.8) return { authorization: `Bearer ${token}` };
  const forged = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"sub":"x","aud":"${board.tenant}","typ":"api"}`).toString('base64url')}.`;
  return { authorization: random.pick([`Bearer ${forged}`, 'Bearer abc', 'Basic YWRtaW46YWRtaW4=', `Bearer ${token}x`, 'Bearer']) };
}

/** Every demo board, with its demo accounts (README) signed in both ways, and a live offer and a company to aim at. */
interface Board {
  tenant: string;
  host: string;
  tokens: string[];
  sessions: string[];
  offerId: string;
  companySlug: string;
}

const DEMO_ACCOUNTS: Record<string, string[]> = {
  montagne: ['admin@montagne.demo', 'employeur@montagne.demo', 'candidat@montagne.demo'],
  dijon: ['admin@dijon.demo', 'employeur@dijon.demo', 'conseiller@dijon.demo', 'jeune@dijon.demo'],
  'ge-occitanie': ['admin@ge-occitanie.demo', 'employeur@ge-occitanie.demo', 'candidat@ge-occitanie.demo'],
};

async function demoBoards(suite: Suite): Promise<Board[]> {
  const boards: Board[] = [];
  for (const [tenant, accounts] of Object.entries(DEMO_ACCOUNTS)) {
    // Production resolves only the host names of tenant.json.
    const host = (JSON.parse(readFileSync(path.join(ROOT, 'tenants', tenant, 'tenant.json'), 'utf8')) as { hostnames: string[] }).hostnames[0];
    const tokens: string[] = [];
    const sessions: string[] = [];
    for (const email of accounts) {
      tokens.push(await suite.token(suite.app, host, email));
      sessions.push(await suite.sessionCookie(host, email));
    }
    const [offerId] = await suite.liveOfferIds(1, host);
    const [{ slug: companySlug }] = await suite.query<{ slug: string }>('select slug from companies where tenant_id = $1 order by slug limit 1', [tenant]);
    boards.push({ tenant, host, tokens, sessions, offerId, companySlug });
  }
  return boards;
}

const hasApiErrorShape = (text: string) => {
  try {
    const { error } = JSON.parse(text);
    return typeof error?.code === 'string' && typeof error?.message === 'string' && typeof error?.fields === 'object' && error.fields !== null;
  } catch {
    return false;
  }
};

/**
 * 6. Generated hostile requests (a fixed seed: the same requests on every run) to every GET route and
 * every API route, on each demo board, anonymous or as one of its demo accounts (session cookie for
 * pages, token for the API): no 5xx, no request left unanswered, and every 4xx of the API in the
 * `{error:{code,message,fields}}` shape. Some requests go as raw bytes an HTTP client would refuse to send.
 */
export function malformedInput(perRoute: number) {
  return async (suite: Suite): Promise<ScenarioResult> => {
    const routes = await declaredRoutes(suite);
    const boards = await demoBoards(suite);
    const origin = new URL(suite.app.origin);
    const port = Number(origin.port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const counts = { requests: 0, serverErrors: 0, unanswered: 0, apiClientErrors: 0, apiBadShape: 0, raw: 0 };
    const examples: string[] = [];
    const problem = (text: string) => examples.length < 12 && examples.push(text);

    const jobs = routes.flatMap((route) => Array.from({ length: perRoute }, () => route));
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < jobs.length) {
          const index = next++;
          const route = jobs[index];
          // Each request from its own seeded stream: the same requests whatever the order they run in.
          const random = createRandom(`faults:malformed-input:${index}`);
          const board = random.pick(boards);
          const target = fillPath(random, route.url, board) + query(random, route);
          const isApi = route.url.startsWith('/api/');
          const payload = route.method === 'GET' || route.method === 'DELETE' ? undefined : body(random, route);
          const headers = { ...identity(random, board, isApi), ...(payload ? { 'content-type': payload.contentType } : {}) };
          let status: number;
          let text: string;
          let error: string | undefined;
          if (random.chance(0.1)) {
            // Raw bytes: a non-UTF-8 byte and a control character in the target, as no client library sends.
            counts.raw += 1;
            const bytes = Buffer.concat([Buffer.from(target.slice(0, 2_000), 'latin1'), Buffer.from([0xff, 0xfe, random.pick([0x01, 0x7f, 0xc0])])]);
            const head = Buffer.from(` HTTP/1.1\r\nHost: ${board.host}\r\nConnection: close\r\n\r\n`, 'latin1');
            const response = await rawRequest(port, Buffer.concat([Buffer.from(`${route.method} `), bytes, head]), 30_000);
            ({ status, body: text, error } = response);
          } else {
            const call: Call = { method: route.method, path: target, headers, body: payload?.body };
            const outcome = await send(origin, board.host, agent, call, 30_000);
            ({ status, body: text, error } = outcome);
          }
          counts.requests += 1;
          if (status === 0) {
            counts.unanswered += 1;
            problem(`sans réponse (${error}) : ${board.tenant} ${route.method} ${target.slice(0, 150)}`);
          } else if (status >= 500) {
            counts.serverErrors += 1;
            problem(`${status} : ${board.tenant} ${route.method} ${target.slice(0, 150)} ${payload?.body.slice(0, 100) ?? ''}`);
          } else if (isApi && status >= 400) {
            counts.apiClientErrors += 1;
            if (!hasApiErrorShape(text)) {
              counts.apiBadShape += 1;
              problem(`${status} sans {error:{code,message,fields}} : ${board.tenant} ${route.method} ${target.slice(0, 150)} → ${text.slice(0, 120)}`);
            }
          }
        }
      }),
    );
    agent.destroy();
    return {
      name: '6 entrées malformées',
      figures: {
        routes: routes.length,
        requêtes: counts.requests,
        'dont octets bruts': counts.raw,
        '5xx': counts.serverErrors,
        'sans réponse': counts.unanswered,
        '4xx de l’API': counts.apiClientErrors,
        'dont hors format': counts.apiBadShape,
      },
      checks: [
        { target: 'aucune réponse 5xx', ok: counts.serverErrors === 0 && counts.requests === jobs.length },
        { target: 'chaque requête reçoit une réponse', ok: counts.unanswered === 0 },
        { target: 'chaque 4xx de l’API au format {error:{code,message,fields}}', ok: counts.apiBadShape === 0 && counts.apiClientErrors > 0 },
      ],
      examples,
    };
  };
}
