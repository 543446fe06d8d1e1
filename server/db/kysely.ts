import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';

/** Marks the statement that opens a transaction's work (withTenant's set_config): it travels with BEGIN. */
export const TRANSACTION_PREAMBLE = '/* transaction preamble */';

/**
 * A connection whose BEGIN waits for the transaction's first statement. A preamble (a statement
 * without parameters whose result is not read, marked TRANSACTION_PREAMBLE) is sent with it in one
 * simple-protocol message; any other statement gets its BEGIN first, as usual.
 */
class DeferredBeginConnection implements DatabaseConnection {
  pendingBegin: string | null = null;

  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const begin = this.pendingBegin;
    if (begin !== null) {
      this.pendingBegin = null;
      if (query.sql.startsWith(TRANSACTION_PREAMBLE) && query.parameters.length === 0) {
        await this.inner.executeQuery(CompiledQuery.raw(`${begin}; ${query.sql}`));
        return { rows: [] };
      }
      await this.inner.executeQuery(CompiledQuery.raw(begin));
    }
    return this.inner.executeQuery<R>(query);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.pendingBegin !== null) {
      const begin = this.pendingBegin;
      this.pendingBegin = null;
      await this.inner.executeQuery(CompiledQuery.raw(begin));
    }
    yield* this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * Kysely's PostgreSQL driver, one round trip lighter per transaction: BEGIN is deferred to the first
 * statement (above); a transaction that ran nothing sends neither BEGIN nor COMMIT.
 */
class DeferredBeginDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new DeferredBeginConnection(await this.inner.acquireConnection());
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const parts = ['start transaction'];
    if (settings.isolationLevel) parts.push(`isolation level ${settings.isolationLevel}`);
    if (settings.accessMode) parts.push(settings.accessMode);
    (connection as DeferredBeginConnection).pendingBegin = parts.length > 1 ? parts.join(' ') : 'begin';
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.discardPendingBegin(connection)) await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.discardPendingBegin(connection)) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  // Savepoints run through the connection, which sends a pending BEGIN first.
  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint!(connection, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint!(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as DeferredBeginConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  /** True when the transaction never started on the server (nothing ran): nothing to end. */
  private discardPendingBegin(connection: DatabaseConnection): boolean {
    const deferred = connection as DeferredBeginConnection;
    if (deferred.pendingBegin === null) return false;
    deferred.pendingBegin = null;
    return true;
  }
}

class DeferredBeginDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new DeferredBeginDriver(super.createDriver());
  }
}

export function createKysely(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new DeferredBeginDialect({ pool }) });
}
