import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * The background worker: a queue in PostgreSQL (table `jobs`, migration 0002) polled by every app
 * node. Claims use FOR UPDATE SKIP LOCKED and a lease (`locked_until`), so any number of nodes share
 * the work, a job runs on one node at a time, and the job of a node that died is taken over once its
 * lease ends. A failed job is retried with exponential backoff up to `maxAttempts`, then kept with
 * status `failed` for inspection.
 *
 * Why not pg-boss: its current majors (11, 12) need Node ≥ 22 and this project runs on Node 20; its
 * schema also wants DDL rights at start-up, which the app's runtime role (cordee_app) does not have.
 * This queue is ~200 lines, created by our migrations, and enough for our jobs.
 *
 * Schedules (`every`) are rows of `job_schedules`: the node that moves `next_run_at` forward (one
 * UPDATE, so only one node wins) enqueues the run.
 */

export interface JobContext {
  name: string;
  attempt: number;
  /** Aborted when the worker stops: long jobs should give up early and be retried. */
  signal: AbortSignal;
  log: JobLogger;
}

export type JobHandler<P = unknown> = (payload: P, context: JobContext) => Promise<void>;

export interface JobDefinition<P = unknown> {
  name: string;
  handler: JobHandler<P>;
  /** Attempts before the job is marked failed (default 5). */
  maxAttempts?: number;
  /** How long a run may hold its claim before another node may take it over (default 5 min). */
  leaseMs?: number;
  /** Delay before retry number `attempt` + 1 (default 2^attempt s, capped at 10 min). */
  backoffMs?: (attempt: number) => number;
}

export interface JobLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface WorkerOptions {
  pollIntervalMs: number;
  /** Jobs run at once on this node (default 2). */
  concurrency?: number;
  log: JobLogger;
  /** Shown in jobs.locked_by. */
  nodeId?: string;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** At most one pending job with this key (e.g. one expiry run per tenant and day). */
  singletonKey?: string;
  maxAttempts?: number;
}

type Executor = Kysely<Database>;

interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  singleton_key: string | null;
}

const DEFAULT_LEASE_MS = 5 * 60_000;
const defaultBackoff = (attempt: number) => Math.min(10 * 60_000, 1000 * 2 ** attempt);

export class Worker {
  private readonly definitions = new Map<string, Required<Pick<JobDefinition, 'handler' | 'leaseMs' | 'backoffMs'>> & { maxAttempts: number }>();
  private readonly schedules = new Map<string, { everyMs: number; payload: unknown }>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly nodeId: string;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: WorkerOptions,
  ) {
    this.nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  define<P>(definition: JobDefinition<P>): this {
    if (this.definitions.has(definition.name)) throw new Error(`Tâche déjà déclarée : ${definition.name}`);
    this.definitions.set(definition.name, {
      handler: definition.handler as JobHandler,
      maxAttempts: definition.maxAttempts ?? 5,
      leaseMs: definition.leaseMs ?? DEFAULT_LEASE_MS,
      backoffMs: definition.backoffMs ?? defaultBackoff,
    });
    return this;
  }

  /** Runs the job `name` every `everyMs` across all nodes (not once per node). */
  every(name: string, everyMs: number, payload: unknown = {}): this {
    if (!this.definitions.has(name)) throw new Error(`Planification d’une tâche inconnue : ${name}`);
    this.schedules.set(name, { everyMs, payload });
    return this;
  }

  /** Adds a job. Pass a transaction as `executor` to enqueue atomically with the change that causes it. */
  async enqueue(name: string, payload: unknown = {}, options: EnqueueOptions = {}, executor: Executor = this.db): Promise<void> {
    if (!this.definitions.has(name)) throw new Error(`Tâche inconnue : ${name}`);
    await executor
      .insertInto('jobs')
      .values({
        name,
        payload: JSON.stringify(payload ?? {}),
        run_at: options.runAt ?? new Date(),
        max_attempts: options.maxAttempts ?? this.definitions.get(name)!.maxAttempts,
        singleton_key: options.singletonKey ?? null,
      })
      .onConflict((oc) => oc.column('singleton_key').doNothing())
      .execute();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const [name, schedule] of this.schedules) {
      await this.db
        .insertInto('job_schedules')
        .values({ name, every_ms: schedule.everyMs, next_run_at: new Date() })
        .onConflict((oc) => oc.column('name').doUpdateSet({ every_ms: schedule.everyMs }))
        .execute();
    }
    const loop = () => {
      if (this.stopped) return;
      this.polling = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.options.log.error({ err: error }, 'worker: polling failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.options.pollIntervalMs);
        });
    };
    loop();
  }

  /** Stops polling, asks running jobs to give up, and waits for them (their claims end with the lease otherwise). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.polling;
    await Promise.allSettled([...this.running]);
  }

  /** One polling pass: enqueue due schedules, then claim and start due jobs. Resolves when they finished. */
  async tick(): Promise<number> {
    await this.enqueueDueSchedules();
    const free = (this.options.concurrency ?? 2) - this.running.size;
    if (free <= 0) return 0;
    const jobs = await this.claim(free);
    const runs = jobs.map((job) => {
      const run = this.run(job).finally(() => this.running.delete(run));
      this.running.add(run);
      return run;
    });
    await Promise.all(runs);
    return jobs.length;
  }

  private async enqueueDueSchedules(): Promise<void> {
    if (this.schedules.size === 0) return;
    const due = await sql<{ name: string; next_run_at: Date }>`
      update job_schedules
      set next_run_at = greatest(next_run_at + make_interval(secs => every_ms / 1000.0), now())
      where name in (${sql.join([...this.schedules.keys()])}) and next_run_at <= now()
      returning name, next_run_at`.execute(this.db);
    for (const row of due.rows) {
      const schedule = this.schedules.get(row.name)!;
      await this.enqueue(row.name, schedule.payload, { singletonKey: `${row.name}@${row.next_run_at.toISOString()}`, maxAttempts: 1 });
    }
  }

  private async claim(limit: number): Promise<ClaimedJob[]> {
    const names = [...this.definitions.keys()];
    if (names.length === 0) return [];
    const { rows } = await sql<ClaimedJob>`
      update jobs j
      set attempts = j.attempts + 1, locked_by = ${this.nodeId},
          locked_until = now() + make_interval(secs => ${DEFAULT_LEASE_MS / 1000})
      where j.id in (
        select id from jobs
        where status = 'pending' and run_at <= now() and (locked_until is null or locked_until < now())
          and name in (${sql.join(names)})
        order by run_at, id
        limit ${limit}
        for update skip locked
      )
      returning j.id::text, j.name, j.payload, j.attempts, j.max_attempts, j.singleton_key`.execute(this.db);
    // Lease per definition (the claim above used the default; adjust when it differs).
    for (const job of rows) {
      const leaseMs = this.definitions.get(job.name)!.leaseMs;
      if (leaseMs !== DEFAULT_LEASE_MS) {
        await sql`update jobs set locked_until = now() + make_interval(secs => ${leaseMs / 1000}) where id = ${job.id}`.execute(this.db);
      }
    }
    return rows;
  }

  private async run(job: ClaimedJob): Promise<void> {
    const definition = this.definitions.get(job.name)!;
    const started = Date.now();
    try {
      await definition.handler(job.payload, { name: job.name, attempt: job.attempts, signal: this.abort.signal, log: this.options.log });
      await this.db.deleteFrom('jobs').where('id', '=', job.id).execute();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (job.singleton_key?.startsWith(`${job.name}@`)) {
        // A scheduled run: the next period is its retry, nothing to keep.
        this.options.log.error({ err: error, job: job.name }, 'scheduled job failed');
        await this.db.deleteFrom('jobs').where('id', '=', job.id).execute();
      } else if (job.attempts >= job.max_attempts) {
        this.options.log.error({ err: error, job: job.name, id: job.id, attempts: job.attempts }, 'job failed for good');
        await this.db.updateTable('jobs').set({ status: 'failed', locked_until: null, last_error: message.slice(0, 2000) }).where('id', '=', job.id).execute();
      } else {
        const delay = definition.backoffMs(job.attempts);
        this.options.log.warn({ err: error, job: job.name, id: job.id, attempts: job.attempts, retryInMs: delay }, 'job failed, will retry');
        await this.db
          .updateTable('jobs')
          .set({ locked_until: null, last_error: message.slice(0, 2000), run_at: new Date(Date.now() + delay) })
          .where('id', '=', job.id)
          .execute();
      }
    } finally {
      const ms = Date.now() - started;
      if (ms > 5_000) this.options.log.info({ job: job.name, ms }, 'slow job');
    }
  }
}
