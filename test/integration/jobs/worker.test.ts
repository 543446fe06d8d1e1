import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../server/jobs/worker.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

const silent = { info() {}, warn() {}, error() {} };

describe('background worker (PostgreSQL queue)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());
  const jobs = () => t.db.admin.selectFrom('jobs').selectAll().orderBy('id').execute();

  it('runs an enqueued job once, with its payload, and removes it', async () => {
    const seen: unknown[] = [];
    const worker = new Worker(t.app.db, { pollIntervalMs: 50, log: silent }).define({ name: 'test.echo', handler: async (payload) => void seen.push(payload) });
    await worker.enqueue('test.echo', { tenant: 'montagne', n: 1 });
    expect(await worker.tick()).toBe(1);
    expect(seen).toEqual([{ tenant: 'montagne', n: 1 }]);
    expect(await worker.tick()).toBe(0);
    expect(await jobs()).toEqual([]);
  });

  it('retries a failing job with backoff, then marks it failed after its last attempt', async () => {
    let calls = 0;
    const worker = new Worker(t.app.db, { pollIntervalMs: 50, log: silent }).define({
      name: 'test.flaky',
      maxAttempts: 2,
      backoffMs: () => 60_000,
      handler: async () => {
        calls++;
        throw new Error(`échec ${calls}`);
      },
    });
    await worker.enqueue('test.flaky');
    await worker.tick();
    let [job] = await jobs();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, last_error: 'échec 1', locked_until: null });
    expect(job.run_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await worker.tick()).toBe(0); // not due yet
    await t.db.admin.updateTable('jobs').set({ run_at: new Date(Date.now() - 1) }).execute();
    await worker.tick();
    [job] = await jobs();
    expect(job).toMatchObject({ status: 'failed', attempts: 2, last_error: 'échec 2' });
    expect(calls).toBe(2);
    await t.db.admin.deleteFrom('jobs').execute();
  });

  it('gives a job to one node only, even when several poll at once', async () => {
    let runs = 0;
    const make = () =>
      new Worker(t.app.db, { pollIntervalMs: 50, log: silent, concurrency: 4 }).define({
        name: 'test.once',
        handler: async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 50));
        },
      });
    const nodes = [make(), make(), make()];
    for (let i = 0; i < 5; i++) await nodes[0].enqueue('test.once', { i });
    await Promise.all(nodes.map((n) => n.tick()));
    await Promise.all(nodes.map((n) => n.tick()));
    expect(runs).toBe(5);
  });

  it('runs a schedule once per period across nodes, and stops cleanly', async () => {
    let runs = 0;
    const make = () =>
      new Worker(t.app.db, { pollIntervalMs: 30, log: silent }).define({ name: 'test.every', handler: async () => void runs++ }).every('test.every', 60_000);
    const [a, b] = [make(), make()];
    await Promise.all([a.start(), b.start()]);
    await new Promise((r) => setTimeout(r, 400));
    await Promise.all([a.stop(), b.stop()]);
    expect(runs).toBe(1);
    const schedule = await t.db.admin.selectFrom('job_schedules').selectAll().where('name', '=', 'test.every').executeTakeFirstOrThrow();
    expect(schedule.next_run_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it('refuses unknown job names', async () => {
    const worker = new Worker(t.app.db, { pollIntervalMs: 50, log: silent });
    await expect(worker.enqueue('test.unknown')).rejects.toThrow('Tâche inconnue');
    expect(() => worker.every('test.unknown', 1000)).toThrow();
  });
});
