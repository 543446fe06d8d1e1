import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressRanges } from '../../../server/features/feeds/address-policy.js';
import { FeedFetchError, fetchFeed, type FetchPolicy, type Resolver } from '../../../server/features/feeds/fetcher.js';
import { FeedServer } from '../../helpers/feed-server.js';

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The error a fetch ends with (at the request or while reading the body). */
async function failure(work: Promise<unknown>): Promise<FeedFetchError> {
  try {
    const result = (await work) as { status: string; body?: Readable };
    if (result.body) await readAll(result.body);
  } catch (error) {
    if (error instanceof FeedFetchError) return error;
    throw error;
  }
  throw new Error('the fetch succeeded');
}

/**
 * The guarded fetcher against a real HTTP server on 127.0.0.1: the SSRF guard (addresses, redirects,
 * DNS answers, connect-time checks), compression, conditional requests, limits and deadlines.
 */
describe('feed fetcher', () => {
  let server: FeedServer;
  const base = { timeoutMs: 1_000, maxBytes: 64 * 1024, maxRedirects: 5, userAgent: 'test' } satisfies Partial<FetchPolicy>;
  /** The production policy: nothing private allowed. */
  const guarded = (resolve?: Resolver): FetchPolicy => ({ ...base, resolve });
  /** The test server (127.0.0.1 only) allowed, as FEED_FETCH_ALLOW=127.0.0.1 does. */
  const local = (resolve?: Resolver): FetchPolicy => ({ ...base, allowed: AddressRanges.parse(['127.0.0.1']), resolve });

  beforeAll(async () => {
    server = await FeedServer.start();
    server.serve('/flux.xml', { body: '<source></source>' });
  });
  afterAll(async () => server?.close());

  describe('SSRF guard', () => {
    it.each([
      ['loopback', 'http://127.0.0.1:PORT/flux.xml'],
      ['loopback written as one number', 'http://2130706433:PORT/flux.xml'],
      ['loopback in hexadecimal', 'http://0x7f.1:PORT/flux.xml'],
      ['private 10.x', 'http://10.0.0.1/flux.xml'],
      ['private 192.168.x', 'http://192.168.1.10/flux.xml'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
      ['unspecified', 'http://0.0.0.0:PORT/flux.xml'],
      ['IPv6 loopback', 'http://[::1]:PORT/flux.xml'],
      ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:PORT/flux.xml'],
      ['IPv4-mapped metadata (hex)', 'http://[::ffff:a9fe:a9fe]/latest/'],
      ['NAT64 of a private address', 'http://[64:ff9b::a00:1]/flux.xml'],
      ['6to4 of loopback', 'http://[2002:7f00:1::1]/flux.xml'],
      ['IPv6 unique local', 'http://[fd00:ec2::254]/latest/'],
      ['IPv6 link-local', 'http://[fe80::1]/flux.xml'],
    ])('refuses %s before any connection', async (_label, raw) => {
      const before = server.requests.length;
      const error = await failure(fetchFeed(raw.replace('PORT', String(server.port)), {}, guarded()));
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(server.requests.length).toBe(before);
    });

    it.each([
      ['loopback', 'http://127.0.0.2:PORT/flux.xml'],
      ['10.x', 'http://10.1.2.3/flux.xml'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/iam/'],
      ['IPv6 loopback', 'http://[::1]:PORT/flux.xml'],
    ])('refuses a redirect to %s', async (_label, target) => {
      server.serve('/redirige', { status: 302, headers: { location: target.replace('PORT', String(server.port)) } });
      const error = await failure(fetchFeed(server.url('/redirige'), {}, local()));
      expect(error.code).toBe('BLOCKED_ADDRESS');
    });

    it.each([
      ['a private address', 'intranet.example', [{ address: '10.20.30.40', family: 4 }]],
      ['the metadata address', 'metadata.example', [{ address: '169.254.169.254', family: 4 }]],
      ['loopback', 'moi.example', [{ address: '127.0.0.1', family: 4 }]],
      ['an IPv4-mapped private address', 'v6.example', [{ address: '::ffff:10.0.0.1', family: 6 }]],
      ['a public and a private address', 'mixte.example', [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }]],
    ])('refuses a name that resolves to %s', async (_label, name, answer) => {
      const before = server.requests.length;
      const resolve: Resolver = async (hostname) => (hostname === name ? answer : []);
      const error = await failure(fetchFeed(`http://${name}:${server.port}/flux.xml`, {}, guarded(resolve)));
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(error.params.host).toBe(name);
      expect(server.requests.length).toBe(before);
    });

    it('checks the address each connection actually uses: a name that rebinds to a private address between two connections is refused', async () => {
      const answers = ['127.0.0.1', '10.0.0.1'];
      const asked: string[] = [];
      const resolve: Resolver = async (hostname) => {
        asked.push(hostname);
        return [{ address: answers.shift() ?? '10.0.0.1', family: 4 }];
      };
      server.serve('/rebond', { status: 301, headers: { location: `http://rebind.example:${server.port}/flux.xml` } });
      const before = server.hits('/flux.xml').length;
      const error = await failure(fetchFeed(`http://rebind.example:${server.port}/rebond`, {}, local(resolve)));
      expect(error).toMatchObject({ code: 'BLOCKED_ADDRESS', params: { host: 'rebind.example', address: '10.0.0.1', reason: 'private' } });
      // One lookup per connection, and the second connection never reached any server.
      expect(asked).toEqual(['rebind.example', 'rebind.example']);
      expect(server.hits('/flux.xml').length).toBe(before);
    });

    it('refuses other schemes and credentials in the address', async () => {
      for (const raw of ['file:///etc/passwd', 'ftp://ftp.example/flux.xml', 'gopher://127.0.0.1:25/']) {
        expect((await failure(fetchFeed(raw, {}, guarded()))).code).toBe('BAD_SCHEME');
      }
      expect((await failure(fetchFeed('http://user:secret@ats.example/flux.xml', {}, guarded()))).code).toBe('CREDENTIALS');
      expect((await failure(fetchFeed('pas une adresse', {}, guarded()))).code).toBe('BAD_URL');
      server.serve('/vers-fichier', { status: 302, headers: { location: 'file:///etc/passwd' } });
      expect(await failure(fetchFeed(server.url('/vers-fichier'), {}, local()))).toMatchObject({ code: 'BAD_SCHEME', params: { scheme: 'file' } });
    });
  });

  describe('transfer', () => {
    const xml = `<?xml version="1.0"?><source>${'<job><title>Perchman</title></job>'.repeat(50)}</source>`;

    it.each(['gzip', 'deflate', 'br'] as const)('decodes %s', async (encoding) => {
      server.serve(`/compresse-${encoding}`, { body: xml, encoding });
      const result = await fetchFeed(server.url(`/compresse-${encoding}`), {}, local());
      expect(result.status).toBe('ok');
      if (result.status === 'ok') expect(await readAll(result.body)).toBe(xml);
    });

    it('gunzips a gzip file served without Content-Encoding (sitemap.xml.gz)', async () => {
      server.serve('/sitemap.xml.gz', { body: zlib.gzipSync(xml), headers: { 'content-type': 'application/gzip' } });
      const result = await fetchFeed(server.url('/sitemap.xml.gz'), {}, local());
      if (result.status !== 'ok') throw new Error('expected ok');
      expect(await readAll(result.body)).toBe(xml);
    });

    it('follows redirects up to the limit', async () => {
      for (let i = 0; i < 7; i++) server.serve(`/saut-${i}`, { status: 302, headers: { location: `/saut-${i + 1}` } });
      server.serve('/saut-3', { status: 302, headers: { location: '/flux.xml' } });
      const ok = await fetchFeed(server.url('/saut-0'), {}, local());
      expect(ok).toMatchObject({ status: 'ok', url: server.url('/flux.xml') });
      if (ok.status === 'ok') expect(await readAll(ok.body)).toBe('<source></source>');
      server.serve('/saut-3', { status: 302, headers: { location: '/saut-4' } });
      expect((await failure(fetchFeed(server.url('/saut-0'), {}, local()))).code).toBe('TOO_MANY_REDIRECTS');
    });

    it('answers not_modified to a 304 only when validators were sent', async () => {
      server.serve('/conditionnel', (request) => (request.headers['if-none-match'] === '"abc"' ? { status: 304 } : { body: xml, headers: { etag: '"abc"' } }));
      const first = await fetchFeed(server.url('/conditionnel'), {}, local());
      expect(first).toMatchObject({ status: 'ok', etag: '"abc"' });
      if (first.status === 'ok') await readAll(first.body);
      expect(await fetchFeed(server.url('/conditionnel'), { etag: '"abc"' }, local())).toMatchObject({ status: 'not_modified' });
      server.serve('/toujours-304', { status: 304 });
      expect((await failure(fetchFeed(server.url('/toujours-304'), {}, local()))).code).toBe('HTTP_STATUS');
    });

    it('refuses an answer announced too large, one that turns out too large, and a compression bomb', async () => {
      server.serve('/annonce', { body: Buffer.alloc(100 * 1024, 'a') });
      expect(await failure(fetchFeed(server.url('/annonce'), {}, local()))).toMatchObject({ code: 'TOO_LARGE', params: { kb: 100 } });
      server.serve('/morceaux', { body: Buffer.alloc(100 * 1024, 'a'), trickle: { pieces: 10, everyMs: 5 }, headers: { 'transfer-encoding': 'chunked' } });
      expect((await failure(fetchFeed(server.url('/morceaux'), {}, local()))).code).toBe('TOO_LARGE');
      // 10 MB of zeros gzip to ~10 KB: under the limit compressed, far over it decoded.
      server.serve('/bombe', { body: Buffer.alloc(10 * 1024 * 1024), encoding: 'gzip' });
      expect((await failure(fetchFeed(server.url('/bombe'), {}, local()))).code).toBe('TOO_LARGE');
    });

    it('gives up on a server that does not answer in time, or whose body trickles past the deadline', async () => {
      server.serve('/lent', { body: xml, delayMs: 3_000 });
      const started = Date.now();
      expect((await failure(fetchFeed(server.url('/lent'), {}, local()))).code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2_500);
      server.serve('/goutte', { body: xml, trickle: { pieces: 40, everyMs: 100 } });
      expect((await failure(fetchFeed(server.url('/goutte'), {}, local()))).code).toBe('TIMEOUT');
    });

    it('reports HTTP errors and unknown encodings', async () => {
      server.serve('/absent', { status: 404 });
      expect(await failure(fetchFeed(server.url('/absent'), {}, local()))).toMatchObject({ code: 'HTTP_STATUS', params: { status: 404 } });
      server.serve('/zstd', { body: xml, headers: { 'content-encoding': 'zstd' } });
      expect(await failure(fetchFeed(server.url('/zstd'), {}, local()))).toMatchObject({ code: 'BAD_ENCODING', params: { encoding: 'zstd' } });
    });
  });
});
