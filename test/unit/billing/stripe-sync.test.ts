import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantRegistry } from '../../../server/tenancy/registry.js';
import { syncStripeCatalogue } from '../../../server/features/billing/stripe-sync.js';
import { ROOT, TENANTS_DIR } from '../../helpers/tenant-fixtures.js';

interface Call {
  method: string;
  path: string;
  params: URLSearchParams;
  idempotencyKey?: string;
}

/** A tiny in-memory Stripe (products and prices only) that records every call the SDK makes. */
function fakeStripe() {
  const calls: Call[] = [];
  const products = new Map<string, Record<string, unknown>>();
  const prices: Record<string, unknown>[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const url = new URL(request.url!, 'http://stripe');
      const params = request.method === 'GET' ? url.searchParams : new URLSearchParams(body);
      calls.push({ method: request.method!, path: url.pathname, params, idempotencyKey: request.headers['idempotency-key'] as string | undefined });
      const send = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      const list = (data: unknown[]) => send(200, { object: 'list', data, has_more: false, url: url.pathname });
      const productMatch = /^\/v1\/products\/([^/]+)$/.exec(url.pathname);
      if (productMatch && request.method === 'GET') {
        const product = products.get(productMatch[1]);
        return product ? send(200, product) : send(404, { error: { type: 'invalid_request_error', message: 'No such product' } });
      }
      if (url.pathname === '/v1/products' && request.method === 'POST') {
        const product = { id: params.get('id'), object: 'product', name: params.get('name'), active: true, metadata: { tenant_id: params.get('metadata[tenant_id]'), tier_code: params.get('metadata[tier_code]') } };
        products.set(product.id!, product);
        return send(200, product);
      }
      if (url.pathname === '/v1/prices' && request.method === 'GET') {
        const key = params.get('lookup_keys[0]');
        const product = params.get('product');
        return list(prices.filter((p) => p.active && (key ? p.lookup_key === key : p.product === product)));
      }
      if (url.pathname === '/v1/prices' && request.method === 'POST') {
        const price = {
          id: `price_${prices.length + 1}`,
          object: 'price',
          active: true,
          product: params.get('product'),
          unit_amount: Number(params.get('unit_amount')),
          currency: params.get('currency'),
          lookup_key: params.get('lookup_key'),
          recurring: { interval: params.get('recurring[interval]') },
        };
        prices.push(price);
        return send(200, price);
      }
      const priceUpdate = /^\/v1\/prices\/([^/]+)$/.exec(url.pathname);
      if (priceUpdate && request.method === 'POST') {
        const price = prices.find((p) => p.id === priceUpdate[1])!;
        price.active = params.get('active') === 'true';
        return send(200, price);
      }
      send(404, { error: { type: 'invalid_request_error', message: `unexpected ${request.method} ${url.pathname}` } });
    });
  });
  return { server, calls, products, prices };
}

describe('billing:stripe-sync (products and prices from the tier grid)', () => {
  const fake = fakeStripe();
  let port: number;
  const montagne = loadTenantRegistry(TENANTS_DIR, { allowLocalhostSubdomains: true }).get('montagne')!;
  const client = () => new Stripe('sk_test_sync', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    port = (fake.server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => (fake.server as Server).close(() => resolve())));

  it('creates one product and one yearly price per tier, then a second run changes nothing', async () => {
    const first = await syncStripeCatalogue(client(), montagne);
    expect(first).toEqual({ productsCreated: 4, productsUpdated: 0, pricesCreated: 4, pricesDeactivated: 0 });
    const createPrice = fake.calls.filter((c) => c.method === 'POST' && c.path === '/v1/prices');
    expect(createPrice.map((c) => [c.params.get('product'), c.params.get('unit_amount'), c.params.get('recurring[interval]'), c.params.get('currency')])).toEqual([
      ['cordee_montagne_tpe', '60000', 'year', 'eur'],
      ['cordee_montagne_pe', '120000', 'year', 'eur'],
      ['cordee_montagne_me', '240000', 'year', 'eur'],
      ['cordee_montagne_ge', '400000', 'year', 'eur'],
    ]);
    expect(createPrice[0].params.get('lookup_key')).toBe('cordee:montagne:tpe:60000');
    expect(createPrice[0].idempotencyKey).toBe('price:cordee:montagne:tpe:60000');
    const writes = fake.calls.filter((c) => c.method === 'POST').length;

    const second = await syncStripeCatalogue(client(), montagne);
    expect(second).toEqual({ productsCreated: 0, productsUpdated: 0, pricesCreated: 0, pricesDeactivated: 0 });
    expect(fake.calls.filter((c) => c.method === 'POST').length).toBe(writes);
  });

  it('a new amount in tenant.json makes a new price and deactivates the old one', async () => {
    const grid = montagne.config.membership as { tiers: { yearlyPriceCents: number }[] };
    const changed = { ...montagne, config: { ...montagne.config, membership: { ...montagne.config.membership, tiers: grid.tiers.map((t, i) => (i === 0 ? { ...t, yearlyPriceCents: 65000 } : t)) } } } as typeof montagne;
    const report = await syncStripeCatalogue(client(), changed);
    expect(report).toEqual({ productsCreated: 0, productsUpdated: 0, pricesCreated: 1, pricesDeactivated: 1 });
    expect(fake.prices.filter((p) => p.product === 'cordee_montagne_tpe' && p.active).map((p) => p.unit_amount)).toEqual([65000]);
  });

  it('the npm script runs against STRIPE_API_BASE and refuses a free board', async () => {
    const run = (tenant: string) =>
      promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/billing-stripe-sync.ts', '--tenant', tenant], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'test', STRIPE_SECRET_KEY: 'sk_test_sync', STRIPE_WEBHOOK_SECRET: 'whsec_sync', STRIPE_API_BASE: `http://127.0.0.1:${port}` },
      });
    const { stdout } = await run('montagne');
    expect(stdout).toContain('Stripe synchronisé pour montagne');
    await expect(run('dijon')).rejects.toMatchObject({ stderr: expect.stringContaining('ne facture pas d’adhésion') });
    // Two node + tsx processes: about 12 s on a loaded CI machine, more than the default 30 s is possible.
  }, 90_000);
});
