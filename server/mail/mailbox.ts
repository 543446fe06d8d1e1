import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { StoredMail } from './mailer.js';

const ID = /^\d{17}-[0-9a-f]{8}$/;

/** The messages file mode wrote for one tenant, newest first (development mailbox). */
export async function listMail(dir: string, tenantId: string, limit = 100): Promise<StoredMail[]> {
  let names: string[];
  try {
    names = await readdir(path.join(dir, tenantId));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((id) => ID.test(id)).sort().reverse().slice(0, limit);
  return Promise.all(ids.map(async (id) => JSON.parse(await readFile(path.join(dir, tenantId, `${id}.json`), 'utf8')) as StoredMail));
}

/** One message of one tenant; undefined for an unknown (or malformed) id. */
export async function readMail(dir: string, tenantId: string, id: string): Promise<StoredMail | undefined> {
  if (!ID.test(id)) return undefined;
  try {
    return JSON.parse(await readFile(path.join(dir, tenantId, `${id}.json`), 'utf8')) as StoredMail;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
