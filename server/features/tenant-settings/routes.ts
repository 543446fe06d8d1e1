import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { requireRole } from '../../plugins/auth.js';
import { CsrfOnlyBody } from '../accounts/schemas.js';
import type { Theme } from '../../tenancy/theme.js';
import { SettingsFormBody, settingsForm } from './schemas.js';
import { formOverrides, formValues, readSettings, resetSettings, updateSettings, type SettingsContext, type SettingState } from './service.js';

const INFO: Record<string, string> = { enregistres: 'settings.info.saved', reinitialises: 'settings.info.reset', inchanges: 'settings.info.unchanged' };

/** A setting's value in words: « activée », « 30 jours », or « (aucun) » when the file does not set it. */
function shown(theme: Theme, state: SettingState, value: SettingState['file']): string {
  if (value === undefined || value === '') return theme.t('settings.value.none');
  if (typeof value === 'boolean') return theme.t(value ? 'settings.value.on' : 'settings.value.off');
  if (state.setting.kind === 'integer') return theme.t('settings.value.days', { count: value });
  return String(value);
}

/**
 * The tenant admin's settings page (/admin/parametres, role admin): contact, offer lifetime,
 * moderation and feature switches, stored over tenant.json's values (features/tenant-settings).
 */
export default async function tenantSettingsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const admin = requireRole('admin');
  const context = (request: FastifyRequest): SettingsContext => ({ db: app.db, tenants: app.tenants, tenantId: request.tenant.id });

  /** The form with, beside it, each setting's file value and value in force; `values` after a refused post. */
  async function settingsPage(request: FastifyRequest, reply: FastifyReply, state: { values?: Record<string, string>; errors?: Record<string, string>; info?: string } = {}) {
    const theme = app.theme(request.tenant);
    const { stored, states } = await readSettings(context(request));
    return reply.form({
      values: state.values ?? formValues(stored),
      errors: state.errors,
      status: state.errors ? 400 : 200,
      data: {
        section: 'settings',
        notice: state.info && INFO[state.info] ? theme.t(INFO[state.info]) : undefined,
        settings: states.map((s) => ({
          label: theme.t(`settings.field.${s.setting.field}`),
          file: shown(theme, s, s.file),
          current: shown(theme, s, s.current),
          overridden: s.overridden,
        })),
        anyOverride: states.some((s) => s.overridden),
      },
    });
  }

  app.get('/admin/parametres', { onRequest: admin, config: { form: settingsForm } }, async (request, reply) =>
    settingsPage(request, reply, { info: (request.query as { info?: string }).info }),
  );

  app.post('/admin/parametres', { onRequest: admin, config: { form: settingsForm }, schema: { body: SettingsFormBody } }, async (request, reply) => {
    try {
      const changed = await updateSettings(context(request), request.user!, formOverrides(request.body));
      return reply.redirect(`/admin/parametres?info=${changed ? 'enregistres' : 'inchanges'}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
      return settingsPage(request, reply, { values: request.body, errors: error.fields });
    }
  });

  app.post('/admin/parametres/reinitialiser', { onRequest: admin, schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    const changed = await resetSettings(context(request), request.user!);
    return reply.redirect(`/admin/parametres?info=${changed ? 'reinitialises' : 'inchanges'}`, 303);
  });
}
