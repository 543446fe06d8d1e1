import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The files of leaflet/dist the map uses (no source maps, nothing else of node_modules). */
const LEAFLET_FILE = /^(leaflet\.js|leaflet\.css|images\/(marker-icon|marker-icon-2x|marker-shadow|layers|layers-2x)\.png)$/;
const ASSET_NAME = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*\.(css|js|svg|png|webp|ico|woff2)$/;

/**
 * /assets/<file>: the tenant's own file first (tenants/<slug>/assets), then the base theme's
 * (views/assets). /theme.css carries the tenant's colours as CSS custom properties, so the CSP needs
 * no inline styles.
 */
export default async function themeAssetsRoutes(app: FastifyInstance) {
  const baseAssets = path.join(app.config.viewsDir, 'assets');
  // serve: false — we only want reply.sendFile, with our own tenant-first lookup.
  await app.register(fastifyStatic, { root: baseAssets, serve: false });
  const maxAge = app.config.env === 'production' ? 86_400_000 : 0;

  app.get<{ Params: { '*': string } }>('/assets/*', async (request, reply) => {
    const file = request.params['*'];
    if (!ASSET_NAME.test(file)) return reply.callNotFound();
    const tenantAssets = path.join(request.tenant.dir, 'assets');
    const root = existsSync(path.join(tenantAssets, file)) ? tenantAssets : baseAssets;
    if (!existsSync(path.join(root, file))) return reply.callNotFound();
    return reply.sendFile(file, root, { maxAge });
  });

  // Leaflet (the search page's map) from the installed package, so no CDN: same origin, same CSP.
  const leafletDir = path.dirname(createRequire(import.meta.url).resolve('leaflet/dist/leaflet.js'));
  app.get<{ Params: { '*': string } }>('/assets/vendor/leaflet/*', async (request, reply) => {
    const file = request.params['*'];
    if (!LEAFLET_FILE.test(file)) return reply.callNotFound();
    return reply.sendFile(file, leafletDir, { maxAge });
  });

  app.get('/theme.css', async (request, reply) => {
    const { primaryColor, accentColor } = request.tenant.config.theme;
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300');
    return `:root{--color-primary:${primaryColor};--color-accent:${accentColor};}\n`;
  });
}
