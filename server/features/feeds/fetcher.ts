import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { refusalReason, type AddressRanges } from './address-policy.js';

/**
 * Fetches a company's feed over HTTP(S) the careful way: every connection's address is checked by
 * the lookup the socket itself uses (no check-then-connect gap for DNS rebinding to slip through),
 * redirects are followed by hand and each hop is checked again, conditional requests (ETag,
 * Last-Modified) spare unchanged feeds, gzip/deflate/br are decoded, and a deadline and a size limit
 * (on the compressed and on the decoded bytes) bound what one feed can cost. The body is handed over
 * as a stream, so formats are parsed while it arrives.
 */

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface FetchPolicy {
  /** Deadline of the whole exchange: connection, headers, redirects and body. */
  timeoutMs: number;
  /** Largest body accepted, compressed and decoded. */
  maxBytes: number;
  maxRedirects: number;
  /** Exceptions to the address policy (FEED_FETCH_ALLOW: tests and development only). */
  allowed?: AddressRanges;
  /** DNS resolution; tests inject names that resolve to refused addresses. */
  resolve?: Resolver;
  userAgent: string;
}

export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchResult =
  | { status: 'not_modified'; url: string; httpStatus: 304 }
  | { status: 'ok'; url: string; httpStatus: number; body: Readable; contentType: string; etag: string | null; lastModified: string | null };

export const FETCH_ERROR_CODES = [
  'BAD_URL',
  'BAD_SCHEME',
  'CREDENTIALS',
  'BLOCKED_ADDRESS',
  'DNS',
  'TIMEOUT',
  'TOO_LARGE',
  'HTTP_STATUS',
  'TOO_MANY_REDIRECTS',
  'BAD_ENCODING',
  'NETWORK',
] as const;
export type FetchErrorCode = (typeof FETCH_ERROR_CODES)[number];

/**
 * Why a fetch failed: a code and its parameters, said to the company by the strings key
 * `feeds.fetchError.<code>` (a refused address's `reason` by `feeds.address.<reason>`).
 */
export class FeedFetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'FeedFetchError';
  }
}

const defaultResolve: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** The URL of a feed as a company may give it: http(s), a host, no credentials. Throws BAD_URL otherwise. */
export function feedUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new FeedFetchError('BAD_URL', { url: raw.slice(0, 200) });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FeedFetchError('BAD_SCHEME', { scheme: url.protocol.replace(/:$/, '') });
  if (url.username || url.password) throw new FeedFetchError('CREDENTIALS');
  if (!url.hostname) throw new FeedFetchError('BAD_URL', { url: raw.slice(0, 200) });
  return url;
}

/**
 * A lookup for http.request that resolves, refuses the whole name if any of its addresses is refused,
 * and hands the socket the very addresses it checked.
 */
function guardedLookup(policy: FetchPolicy): net.LookupFunction {
  const resolve = policy.resolve ?? defaultResolve;
  return ((hostname: string, options: dns.LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void) => {
    resolve(hostname)
      .then((found) => {
        if (found.length === 0) throw new FeedFetchError('DNS', { host: hostname });
        for (const { address } of found) {
          const reason = refusalReason(address, policy.allowed);
          if (reason !== undefined) throw new FeedFetchError('BLOCKED_ADDRESS', { host: hostname, address, reason });
        }
        const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        const list = (wanted.length > 0 ? wanted : found).map((a) => ({ address: a.address, family: a.family }));
        if (options.all) callback(null, list);
        else callback(null, list[0].address, list[0].family);
      })
      .catch((error: unknown) => {
        callback(error instanceof FeedFetchError ? error : new FeedFetchError('DNS', { host: hostname }), '');
      });
  }) as net.LookupFunction;
}

/** Refuses a stream beyond `max` bytes (TOO_LARGE), whatever Content-Length claimed. */
export function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > max) return callback(new FeedFetchError('TOO_LARGE', { kb: Math.round(max / 1024) }));
      callback(null, chunk);
    },
  });
}

/**
 * Gunzips a body that is gzip without saying so (sitemap.xml.gz served as application/gzip, a
 * compressed upload): decided on the first two bytes.
 */
export function gunzipIfGzip(): Transform {
  let inner: zlib.Gunzip | undefined;
  let decided = false;
  const sniffer = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!decided) {
        decided = true;
        if (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
          inner = zlib.createGunzip();
          inner.on('data', (data: Buffer) => sniffer.push(data));
          inner.on('error', () => sniffer.destroy(new FeedFetchError('BAD_ENCODING', { encoding: 'gzip' })));
        }
      }
      if (inner) inner.write(chunk, () => callback());
      else callback(null, chunk);
    },
    flush(callback) {
      if (!inner) return callback();
      inner.once('end', () => callback());
      inner.end();
    },
  });
  return sniffer;
}

function decoder(encoding: string | undefined): Transform | undefined {
  const value = (encoding ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return undefined;
  if (value === 'gzip' || value === 'x-gzip' || value === 'deflate') return zlib.createUnzip();
  if (value === 'br') return zlib.createBrotliDecompress();
  throw new FeedFetchError('BAD_ENCODING', { encoding: value });
}

/** Pipes `source` through `stages` into one readable; an error anywhere ends it with that error. */
export function chain(source: Readable, stages: Transform[], map: (error: Error) => Error): Readable {
  const out = new PassThrough();
  let current: Readable = source;
  for (const stage of [...stages, out]) {
    current.on('error', (error) => out.destroy(map(error)));
    current = current.pipe(stage);
  }
  return out;
}

interface Hop {
  response: http.IncomingMessage;
  request: http.ClientRequest;
}

function request(url: URL, headers: Record<string, string>, policy: FetchPolicy, signal: AbortSignal): Promise<Hop> {
  // An IP literal never reaches the lookup: it is checked here, before any connection.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) {
    const reason = refusalReason(host, policy.allowed);
    if (reason !== undefined) return Promise.reject(new FeedFetchError('BLOCKED_ADDRESS', { host, address: host, reason }));
  }
  const transport = url.protocol === 'https:' ? https : http;
  // A fresh agent without keep-alive: every hop opens its own connection, looked up and checked.
  const agent = new transport.Agent({ keepAlive: false, lookup: guardedLookup(policy) } as http.AgentOptions);
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: 'GET', headers, agent, signal }, (response) => resolve({ response, request: req }));
    req.on('error', reject);
    req.end();
  });
}

/** Our errors stay as they are; the network's become NETWORK/TIMEOUT with the system's code. */
function asFetchError(error: unknown, signal: AbortSignal): FeedFetchError {
  if (error instanceof FeedFetchError) return error;
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof FeedFetchError) return cause;
  if (signal.aborted) return new FeedFetchError('TIMEOUT');
  const code = (error as NodeJS.ErrnoException)?.code;
  return new FeedFetchError('NETWORK', { code: code ?? 'ERROR' });
}

/**
 * GETs `rawUrl` under `policy`. 304 → not_modified (only when validators were sent); 2xx → the decoded
 * body as a stream that errors with TOO_LARGE or TIMEOUT when the feed overruns its limits; any other
 * status, a refused address, a DNS failure or too many redirects → FeedFetchError.
 */
export async function fetchFeed(rawUrl: string, validators: Validators, policy: FetchPolicy, outer?: AbortSignal): Promise<FetchResult> {
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  const signal = outer ? AbortSignal.any([deadline, outer]) : deadline;
  let url = feedUrl(rawUrl);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      'user-agent': policy.userAgent,
      accept: 'application/xml, text/xml, text/html, text/csv, text/plain, application/ld+json;q=0.9, */*;q=0.5',
      'accept-encoding': 'gzip, deflate, br',
    };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    let response: http.IncomingMessage;
    try {
      ({ response } = await request(url, headers, policy, signal));
    } catch (error) {
      throw asFetchError(error, signal);
    }
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304) {
      response.resume();
      const location = response.headers.location;
      if (!location) throw new FeedFetchError('HTTP_STATUS', { status });
      if (hop >= policy.maxRedirects) throw new FeedFetchError('TOO_MANY_REDIRECTS', { max: policy.maxRedirects });
      url = feedUrl(location, url.toString());
      continue;
    }
    if (status === 304 && (validators.etag || validators.lastModified)) {
      response.resume();
      return { status: 'not_modified', url: url.toString(), httpStatus: 304 };
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new FeedFetchError('HTTP_STATUS', { status });
    }
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > policy.maxBytes) {
      response.destroy();
      throw new FeedFetchError('TOO_LARGE', { kb: Math.round(declared / 1024) });
    }
    let decode: Transform | undefined;
    try {
      decode = decoder(response.headers['content-encoding']);
    } catch (error) {
      response.destroy();
      throw error;
    }
    const stages = [byteLimit(policy.maxBytes), ...(decode ? [decode] : [gunzipIfGzip()]), byteLimit(policy.maxBytes)];
    const body = chain(response, stages, (error) => (error instanceof FeedFetchError ? error : asFetchError(error, signal)));
    // The deadline also bounds a body that trickles in. A body nobody reads any more must not turn
    // that into an uncaught error: readers get it through their own listeners.
    body.on('error', () => {});
    const onAbort = () => body.destroy(new FeedFetchError('TIMEOUT'));
    signal.addEventListener('abort', onAbort, { once: true });
    body.once('close', () => signal.removeEventListener('abort', onAbort));
    return {
      status: 'ok',
      url: url.toString(),
      httpStatus: status,
      body,
      contentType: String(response.headers['content-type'] ?? ''),
      etag: typeof response.headers.etag === 'string' ? response.headers.etag : null,
      lastModified: typeof response.headers['last-modified'] === 'string' ? response.headers['last-modified'] : null,
    };
  }
}
