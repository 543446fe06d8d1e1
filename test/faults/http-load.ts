import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';

export interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Outcome {
  /** 0 when no response came (connection refused, reset, timeout). */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Socket-level failure: ECONNREFUSED, ECONNRESET, TIMEOUT… */
  error?: string;
  /** True once the status line arrived: a failure after that was the server's, not a refusal. */
  responseStarted: boolean;
  startedAt: number;
  endedAt: number;
}

export const elapsed = (outcome: Outcome) => outcome.endedAt - outcome.startedAt;

/** One request through `agent` (keep-alive); never rejects: failures are in the outcome. */
export function send(origin: URL, host: string, agent: http.Agent, call: Call, timeoutMs: number, keepBody = true): Promise<Outcome> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    let responseStarted = false;
    let settled = false;
    const finish = (outcome: Omit<Outcome, 'startedAt' | 'endedAt' | 'responseStarted'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, responseStarted, startedAt, endedAt: Date.now() });
    };
    const request = http.request(
      {
        host: origin.hostname,
        port: origin.port,
        method: call.method ?? 'GET',
        path: call.path,
        agent,
        headers: { host, ...(call.body !== undefined ? { 'content-length': String(Buffer.byteLength(call.body)) } : {}), ...call.headers },
      },
      (response) => {
        responseStarted = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => keepBody && chunks.push(chunk));
        response.on('end', () => finish({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, headers: response.headers, body: '', error: error.code ?? error.message }));
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, headers: {}, body: '', error: error.code ?? error.message }));
    request.end(call.body);
  });
}

export interface LoadOptions {
  origin: URL;
  host: string;
  connections: number;
  durationMs: number;
  timeoutMs: number;
  /** The n-th call of one connection's loop. */
  next: (connection: number, n: number) => Call;
  keepBodies?: boolean;
  /** Called as each outcome arrives (e.g. to act on a created id at once). */
  onOutcome?: (call: Call, outcome: Outcome) => void;
  /** Pause after a failed call, as a real client would (so an outage is not a busy loop). */
  backoffMs?: number;
}

/**
 * `connections` closed loops (each waits for its answer before the next request), each on its own
 * keep-alive socket, for `durationMs`: the load is bounded by the server's own speed.
 */
export async function drive(options: LoadOptions): Promise<{ calls: Call[]; outcomes: Outcome[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const calls: Call[] = [];
  const outcomes: Outcome[] = [];
  const end = Date.now() + options.durationMs;
  await Promise.all(
    Array.from({ length: options.connections }, async (_, connection) => {
      for (let n = 0; Date.now() < end; n++) {
        const call = options.next(connection, n);
        const outcome = await send(options.origin, options.host, agent, call, options.timeoutMs, options.keepBodies ?? false);
        calls.push(call);
        outcomes.push(outcome);
        options.onOutcome?.(call, outcome);
        if ((outcome.status === 0 || outcome.status >= 500) && options.backoffMs) await new Promise((r) => setTimeout(r, options.backoffMs));
      }
    }),
  );
  agent.destroy();
  return { calls, outcomes };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  error?: string;
}

/**
 * Writes `bytes` as they are on a fresh connection and reads the answer until the server closes: for
 * requests an HTTP client refuses to build (raw non-UTF-8 bytes, control characters in the target).
 */
export function rawRequest(port: number, bytes: Buffer, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), ...(error ? { error } : {}) });
    };
    socket.setTimeout(timeoutMs, () => finish('TIMEOUT'));
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}

function parseResponse(data: Buffer): Omit<RawResponse, 'error'> {
  const text = data.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return { status: 0, headers: {}, body: '' };
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  let body = data.subarray(Buffer.byteLength(text.slice(0, split + 4), 'latin1'));
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(statusLine.split(' ')[1]) || 0, headers, body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
