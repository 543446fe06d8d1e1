import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** What a route of the test feed server answers. */
export interface FeedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Compress the body and say so (Content-Encoding). */
  encoding?: 'gzip' | 'deflate' | 'br';
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Send the body in pieces, this long apart (a feed that trickles in). */
  trickle?: { pieces: number; everyMs: number };
}

export type FeedRoute = (request: http.IncomingMessage) => FeedAnswer;

/**
 * A real HTTP server on 127.0.0.1 serving fixture feeds, for the import tests: routes by path,
 * gzip/deflate/br, slow and trickling answers, and a log of the requests it received (headers
 * included, to check conditional requests).
 */
export class FeedServer {
  readonly routes = new Map<string, FeedRoute>();
  readonly requests: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FeedServer> {
    let instance: FeedServer | undefined;
    const server = http.createServer((request, response) => instance!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance = new FeedServer(server, (server.address() as AddressInfo).port);
    return instance;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Serves `path` with `answer` (a fixed answer or a function of the request). */
  serve(path: string, answer: FeedAnswer | FeedRoute): this {
    this.routes.set(path, typeof answer === 'function' ? answer : () => answer);
    return this;
  }

  hits(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const path = (request.url ?? '/').split('?')[0];
    this.requests.push({ path, headers: request.headers });
    const route = this.routes.get(path);
    const answer: FeedAnswer = route ? route(request) : { status: 404, body: 'not found' };
    const send = () => {
      let body = typeof answer.body === 'string' ? Buffer.from(answer.body) : (answer.body ?? Buffer.alloc(0));
      const headers: Record<string, string> = { 'content-type': 'application/xml; charset=utf-8', ...answer.headers };
      if (answer.encoding) {
        body = answer.encoding === 'gzip' ? zlib.gzipSync(body) : answer.encoding === 'deflate' ? zlib.deflateSync(body) : zlib.brotliCompressSync(body);
        headers['content-encoding'] = answer.encoding;
      }
      if (!answer.trickle && !headers['transfer-encoding']) headers['content-length'] = String(body.length);
      response.writeHead(answer.status ?? 200, headers);
      if (!answer.trickle) return response.end(body);
      const size = Math.ceil(body.length / answer.trickle.pieces);
      let sent = 0;
      const next = () => {
        if (response.destroyed) return;
        if (sent >= body.length) return response.end();
        response.write(body.subarray(sent, sent + size));
        sent += size;
        setTimeout(next, answer.trickle!.everyMs);
      };
      next();
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
