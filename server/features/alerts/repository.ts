import { sql } from 'kysely';
import type { AlertFrequency } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

export async function insertAlert(
  t: TenantDb,
  alert: { userId: string | null; email: string; label: string; search: unknown; frequency: AlertFrequency; confirmed: boolean },
) {
  return t.trx
    .insertInto('alerts')
    .values({
      tenant_id: t.tenantId,
      user_id: alert.userId,
      email: alert.email,
      label: alert.label,
      search: JSON.stringify(alert.search),
      frequency: alert.frequency,
      confirmed_at: alert.confirmed ? sql`now()` : null,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

/** Confirms once; the first digest window starts now (nothing older is ever sent). */
export async function confirmAlert(t: TenantDb, id: string): Promise<boolean> {
  const result = await t.trx
    .updateTable('alerts')
    .set({ confirmed_at: sql`now()`, last_window_end: sql`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .where('unsubscribed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findAlert(t: TenantDb, id: string) {
  return t.trx.selectFrom('alerts').selectAll().where('tenant_id', '=', t.tenantId).where('id', '=', id).executeTakeFirst();
}

export async function unsubscribe(t: TenantDb, id: string): Promise<void> {
  await t.trx
    .updateTable('alerts')
    .set({ unsubscribed_at: sql`coalesce(unsubscribed_at, now())` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export async function alertsOfUser(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('alerts')
    .select(['id', 'label', 'frequency', 'created_at', 'confirmed_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('user_id', '=', userId)
    .where('unsubscribed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

const PERIOD = sql`case a.frequency when 'daily' then interval '1 day' else interval '7 days' end`;

/**
 * Opens the next window of every due alert: records [last_window_end, now) as a pending send and moves
 * last_window_end, in this transaction. Alerts with a pending send wait for it first.
 */
export async function openDueWindows(t: TenantDb, now: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with due as (
      select a.id, a.last_window_end from alerts a
      where a.tenant_id = ${t.tenantId} and a.confirmed_at is not null and a.unsubscribed_at is null
        and a.last_window_end + ${PERIOD} <= ${now}
        and not exists (select 1 from alert_sends s where s.alert_id = a.id and s.status = 'pending')
      order by a.last_window_end
      limit ${limit}
      for update of a skip locked
    ), opened as (
      insert into alert_sends (tenant_id, alert_id, window_start, window_end)
      select ${t.tenantId}, id, last_window_end, ${now} from due
      returning alert_id
    )
    update alerts set last_window_end = ${now} where id in (select alert_id from opened)
    returning 1 as n`.execute(t.trx);
  return rows.length;
}

/** Claims pending sends (new ones and those a crashed run left) for a few minutes. */
export async function claimPendingSends(t: TenantDb, limit: number, leaseSeconds: number) {
  const { rows } = await sql<{ alert_id: string; window_start: Date; window_end: Date; attempts: number }>`
    update alert_sends s set claimed_until = now() + make_interval(secs => ${leaseSeconds}), attempts = s.attempts + 1
    where (s.alert_id, s.window_end) in (
      select alert_id, window_end from alert_sends
      where tenant_id = ${t.tenantId} and status = 'pending' and (claimed_until is null or claimed_until < now())
      order by created_at
      limit ${limit}
      for update skip locked
    )
    returning s.alert_id, s.window_start, s.window_end, s.attempts`.execute(t.trx);
  return rows;
}

export async function markSent(t: TenantDb, alertId: string, windowEnd: Date, offerCount: number): Promise<void> {
  await t.trx
    .updateTable('alert_sends')
    .set({ status: 'sent', sent_at: sql`now()`, offer_count: offerCount, claimed_until: null })
    .where('tenant_id', '=', t.tenantId)
    .where('alert_id', '=', alertId)
    .where('window_end', '=', windowEnd)
    .execute();
}

export async function releaseSend(t: TenantDb, alertId: string, windowEnd: Date): Promise<void> {
  await t.trx
    .updateTable('alert_sends')
    .set({ claimed_until: null })
    .where('tenant_id', '=', t.tenantId)
    .where('alert_id', '=', alertId)
    .where('window_end', '=', windowEnd)
    .execute();
}

/** Anonymous alerts never confirmed within a week are forgotten. */
export async function dropUnconfirmed(t: TenantDb, olderThan: Date): Promise<number> {
  const result = await t.trx
    .deleteFrom('alerts')
    .where('tenant_id', '=', t.tenantId)
    .where('confirmed_at', 'is', null)
    .where('created_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
