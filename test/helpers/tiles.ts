import { createServer, type Server } from 'node:http';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { middayClock } from './app.js';
import { useBrowserApp, type BrowserApp } from './browser.js';

/** A 256×256 PNG of one colour (a real image: Chromium decodes it like any tile). */
export function solidPng(rgb: [number, number, number], size = 256): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3).fill(Buffer.from(rgb))]);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

export interface TileServer {
  /** The MAP_TILES_URL template of this server. */
  template: string;
  /** Paths of the tiles requested so far (`/tiles/10/530/364.png`). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A local tile server for the map tests: every /tiles/{z}/{x}/{y}.png is the same light-green PNG, so
 * the browser loads real images from a second origin (the CSP must allow it) without the Internet.
 */
export async function startTileServer(): Promise<TileServer> {
  const tile = solidPng([214, 234, 214]);
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    if (!/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(request.url ?? '')) {
      response.writeHead(404).end();
      return;
    }
    requests.push(request.url!);
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': tile.length, 'cache-control': 'no-store' }).end(tile);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    template: `http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Call inside a describe: a local tile server, then the browser app with MAP_TILES_URL pointing at it
 * and the pages' clock fixed at midday in Paris (middayClock).
 */
export function useBrowserAppWithMap(): { session: BrowserApp; tiles: () => TileServer; clock: Date } {
  let server: TileServer | undefined;
  beforeAll(async () => {
    server = await startTileServer();
  });
  afterAll(async () => server?.close());
  const clock = middayClock();
  const session = useBrowserApp({ clock: () => clock, config: () => ({ map: loadConfig({ MAP_TILES_URL: server!.template }).map }) });
  return {
    session,
    tiles: () => {
      if (!server) throw new Error('the tile server is not started yet');
      return server;
    },
    clock,
  };
}
