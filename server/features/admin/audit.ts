import type { AuditTarget } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import type { AuthUser } from '../accounts/service.js';

/**
 * One line of the tenant's admin audit log, written in the same transaction as the action it
 * describes (a rolled-back action leaves no line). Only actions taken with the admin role are logged.
 */
export async function recordAdminAction(
  t: TenantDb,
  actor: AuthUser,
  action: string,
  /** `id` is null for a target without a row of its own (the tenant's settings). */
  target: { type: AuditTarget; id: string | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  if (actor.role !== 'admin') return;
  await t.trx
    .insertInto('admin_audit_log')
    .values({
      tenant_id: t.tenantId,
      actor_user_id: actor.id,
      actor_email: actor.email,
      action,
      target_type: target.type,
      target_id: target.id,
      details: JSON.stringify(details),
    })
    .execute();
}
