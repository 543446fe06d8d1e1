/**
 * The bare twin of the page benchmark (scripts/bench-pages.ts starts it): the real app is built once,
 * in this process, only to capture what each page template is given (the same rows, read once); then
 * a bare Fastify serves every page by rendering that context with the tenant's theme (the same
 * Handlebars templates, partials and helpers, compiled once). What the app does beyond this twin
 * (tenant, session and CSRF hooks, security headers, database round trips, view models) is what the
 * benchmark's ratio measures.
 *
 * Arguments: --host <tenant host> --pages '["/", "/offres", …]'. Environment: the app's (NODE_ENV,
 * DATABASE_URL, secrets, PORT).
 */
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { buildApp } from '../server/app.js';
import { runScript } from '../server/cli.js';
import { loadConfig } from '../server/config.js';

await runScript(async (say) => {
  const { values } = parseArgs({ options: { host: { type: 'string' }, pages: { type: 'string' } } });
  const host = values.host!;
  const paths = JSON.parse(values.pages!) as string[];
  // No load shedding while capturing: a busy start-up must not turn a page into a 503.
  const config = { ...loadConfig(), logLevel: 'warn', loadShedding: false };
  const app = await buildApp(config, { watchTenants: false });
  await app.ready();
  const tenant = app.tenants.resolveHost(host);
  if (!tenant) throw new Error(`hôte inconnu : ${host}`);
  const theme = app.theme(tenant);
  const render = theme.render.bind(theme);
  const pages = new Map<string, { template: string; context: Record<string, unknown> }>();
  let current = '';
  theme.render = (template, context, layout) => {
    pages.set(current, { template, context });
    return render(template, context, layout);
  };
  for (const path of paths) {
    current = path;
    const response = await app.inject({ url: path, headers: { host } });
    if (response.statusCode !== 200 || !pages.has(path)) throw new Error(`${path} : ${response.statusCode}`);
  }
  theme.render = render;
  await app.close();

  const twin = Fastify({ logger: false });
  twin.get('/healthz', async () => ({ status: 'ok' }));
  twin.get('*', async (request, reply) => {
    const page = pages.get(request.url);
    if (!page) return reply.code(404).send();
    return reply.type('text/html; charset=utf-8').send(theme.render(page.template, page.context));
  });
  await twin.listen({ host: config.host, port: config.port });
  say(`jumeau prêt : ${paths.length} pages sur le port ${config.port}`);
  const stop = async () => {
    await twin.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});
