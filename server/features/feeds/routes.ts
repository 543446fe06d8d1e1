import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Selectable } from 'kysely';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FeedRunsTable } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { notFound } from '../../errors.js';
import { acceptMultipart, multipartHardCap, type UploadedFile } from '../../files/upload.js';
import { requireRole } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import type { Theme } from '../../tenancy/theme.js';
import { CsrfOnlyBody } from '../accounts/schemas.js';
import type { AccountContext } from '../accounts/service.js';
import { AddressRanges } from './address-policy.js';
import { canonicalOrigin, feedDeps } from './deps.js';
import { aggregatorFeed, franceTravailFileByDay, franceTravailFileOf, franceTravailFiles, type FranceTravailSummary } from './export-service.js';
import { csvTemplate } from './formats/delimited.js';
import {
  adminSourceForm,
  adminUploadForm,
  apiKeyForm,
  ApiKeyFormBody,
  sourceForm,
  SourceFormBody,
  uploadForm,
  UploadFormBody,
} from './forms.js';
import { createKey, listKeys, revokeKey } from './partner-api.js';
import * as repo from './repository.js';
import { addUrlSource, removeSource, requestPoll, setSourceActive, sourceHealth, sourcesOverview, uploadFeedFile } from './source-service.js';

const INFO: Record<string, string> = {
  ajoute: 'feeds.info.added',
  releve: 'feeds.info.pollRequested',
  suspendu: 'feeds.info.paused',
  repris: 'feeds.info.resumed',
  supprime: 'feeds.info.deleted',
  fichier: 'feeds.info.uploaded',
  'fichier-refuse': 'feeds.info.uploadFailed',
  'france-travail': 'feeds.info.franceTravailMade',
  'cle-revoquee': 'feeds.info.keyRevoked',
};

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
// A real calendar day (format: date checks months and days, not just digits): 9999-99-99 is a 400, not a database error.
const DayParams = Type.Object({ day: Type.String({ format: 'date' }) });

type Run = Selectable<FeedRunsTable>;

/** A run as the pages show it: its status in words and its counts. */
function presentRun(theme: Theme, run: Run | undefined) {
  if (!run) return undefined;
  return { ...run, statusLabel: theme.t(`feeds.status.${run.status}`), triggerLabel: theme.t(`feeds.trigger.${run.trigger}`) };
}

/**
 * The feed pages: the company's sources (/compte/flux, role employer) and the tenant admin's view of
 * every source, the exports and the partner API keys (/admin/flux, /admin/cles-api). Health pages
 * answer at /compte/flux/:id (members of the company) and /admin/flux/:id (admin). The aggregator
 * feed is public at /flux/offres.xml.
 */
export default async function feedsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = (request: FastifyRequest): AccountContext => ({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log });
  const deps = feedDeps(fastify);
  const allowed = AddressRanges.parse(app.config.feeds.allowNetworks);
  const employer = requireRole('employer');
  const admin = requireRole('admin');
  const member = requireRole('employer', 'admin');
  const uploadCap = multipartHardCap(app.config.feeds.maxBytes);
  // Feed files (multipart, this plugin's routes only): one file, up to FEED_MAX_MB.
  acceptMultipart(fastify, { maxFileBytes: app.config.feeds.maxBytes, hardCap: uploadCap, refusedCode: 'VALIDATION_FAILED', tooLargeFields: { file: 'feeds.upload.tooLarge' } });

  const companies = async (request: FastifyRequest) => ({ companies: await withTenant(app.db, request.tenant.id, (t) => repo.companyChoices(t)) });
  const adminForm = adminSourceForm(companies);
  const adminUpload = adminUploadForm(companies);
  const home = (request: FastifyRequest) => (request.user!.role === 'admin' ? '/admin/flux' : '/compte/flux');

  async function listPage(request: FastifyRequest, reply: FastifyReply) {
    const theme = app.theme(request.tenant);
    const overview = await sourcesOverview(context(request), request.user!);
    if (!overview) return reply.redirect('/compte/entreprise/nouvelle', 303);
    const runs = await withTenant(app.db, request.tenant.id, (t) => repo.lastRuns(t, overview.sources.map((s) => s.id)));
    const lastRun = new Map(runs.map((run) => [run.source_id, run]));
    const isAdmin = request.user!.role === 'admin';
    const info = INFO[String((request.query as { info?: unknown }).info ?? '')];
    const exports = isAdmin ? await exportsSection(request) : undefined;
    return reply.page('pages/feeds/list', {
      meta: { title: theme.t('feeds.list.title'), noindex: true },
      section: 'feeds',
      isAdmin,
      base: home(request),
      company: overview.company,
      notice: info ? theme.t(info) : undefined,
      sources: overview.sources.map((source) => ({
        ...source,
        formatLabel: theme.t(`feeds.format.${source.format}`),
        schedule: source.kind === 'url' ? theme.t(`feeds.pollsPerDay.${source.polls_per_day}`) : theme.t('feeds.kind.upload'),
        statusLabel: source.last_status ? theme.t(`feeds.status.${source.last_status}`) : theme.t('feeds.status.never'),
        failing: source.consecutive_failures > 0,
        lastRun: presentRun(theme, lastRun.get(source.id)),
      })),
      exports,
      csrfToken: reply.csrfToken(),
    });
  }

  async function exportsSection(request: FastifyRequest) {
    const theme = app.theme(request.tenant);
    const files = await franceTravailFiles(app.db, request.tenant);
    return {
      feedUrl: `${origin(request)}/flux/offres.xml`,
      files: files.map((file) => {
        const summary = file.summary as unknown as FranceTravailSummary;
        return {
          day: file.generated_on,
          offers: file.offer_count,
          created: summary.created,
          modified: summary.modified,
          deleted: summary.deleted,
          skipped: summary.skipped.map((skip) => ({ ...skip, reason: theme.t(`feeds.franceTravail.skip.${skip.reason}`) })),
        };
      }),
    };
  }

  async function healthPage(request: FastifyRequest, reply: FastifyReply) {
    const theme = app.theme(request.tenant);
    const { source, runs, review } = await sourceHealth(context(request), request.user!, (request.params as { id: string }).id);
    const isAdmin = request.user!.role === 'admin';
    const info = INFO[String((request.query as { info?: unknown }).info ?? '')];
    const last = presentRun(theme, runs[0]);
    return reply.page('pages/feeds/source', {
      meta: { title: theme.t('feeds.source.title', { name: source.name }), noindex: true },
      section: 'feeds',
      isAdmin,
      base: home(request),
      notice: info ? theme.t(info) : undefined,
      source: {
        ...source,
        formatLabel: theme.t(`feeds.format.${source.format}`),
        schedule: source.kind === 'url' ? theme.t(`feeds.pollsPerDay.${source.polls_per_day}`) : theme.t('feeds.kind.upload'),
        statusLabel: source.last_status ? theme.t(`feeds.status.${source.last_status}`) : theme.t('feeds.status.never'),
        polled: source.kind === 'url',
      },
      last,
      rejections: last?.rejections ?? [],
      runs: runs.map((run) => presentRun(theme, run)),
      review: review.map((item) => ({
        ...item,
        statusLabel: item.offer_status ? theme.t(`offerStatus.${item.offer_status}`) : theme.t('feeds.review.noOffer'),
        missing: item.missed_polls > 0,
      })),
      csrfToken: reply.csrfToken(),
    });
  }

  // Company side (and the admin, who has every company).

  app.get('/compte/flux', { onRequest: employer }, listPage);
  app.get('/admin/flux', { onRequest: admin }, listPage);

  app.get('/compte/flux/modele.csv', { onRequest: member }, async (_request, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="modele-offres.csv"').send(`\uFEFF${csvTemplate()}`),
  );

  app.get('/compte/flux/nouveau', { onRequest: employer, config: { form: sourceForm } }, async (_request, reply) => reply.form({ values: { polls_per_day: '2' } }));
  app.get('/admin/flux/nouveau', { onRequest: admin, config: { form: adminForm } }, async (_request, reply) => reply.form({ values: { polls_per_day: '2' } }));

  async function createSource(request: FastifyRequest, reply: FastifyReply) {
    const body = request.body as SourceFormBody;
    const id = await addUrlSource(context(request), request.user!, { ...body, polls_per_day: Number(body.polls_per_day) }, allowed);
    return reply.redirect(`${home(request)}/${id}?info=ajoute`, 303);
  }
  app.post('/compte/flux/nouveau', { onRequest: employer, config: { form: sourceForm }, schema: { body: SourceFormBody } }, createSource);
  app.post('/admin/flux/nouveau', { onRequest: admin, config: { form: adminForm }, schema: { body: SourceFormBody } }, createSource);

  app.get('/compte/flux/fichier', { onRequest: employer, config: { form: uploadForm } }, async (_request, reply) => reply.form());
  app.get('/admin/flux/fichier', { onRequest: admin, config: { form: adminUpload } }, async (_request, reply) => reply.form());

  async function upload(request: FastifyRequest, reply: FastifyReply) {
    const body = request.body as UploadFormBody & { file?: UploadedFile };
    const { sourceId, outcome } = await uploadFeedFile(context(request), deps, request.user!, { company_id: body.company_id, format: body.format, file: body.file });
    return reply.redirect(`${home(request)}/${sourceId}?info=${outcome.status === 'failed' ? 'fichier-refuse' : 'fichier'}`, 303);
  }
  app.post('/compte/flux/fichier', { onRequest: employer, bodyLimit: uploadCap, config: { form: uploadForm }, schema: { body: UploadFormBody } }, upload);
  app.post('/admin/flux/fichier', { onRequest: admin, bodyLimit: uploadCap, config: { form: adminUpload }, schema: { body: UploadFormBody } }, upload);

  app.get('/compte/flux/:id', { onRequest: employer, schema: { params: IdParams } }, healthPage);
  app.get('/admin/flux/:id', { onRequest: admin, schema: { params: IdParams } }, healthPage);

  /** Source buttons: path → what it does and the notice it leaves. */
  const ACTIONS: Record<string, (request: FastifyRequest, id: string) => Promise<string>> = {
    relever: async (request, id) => {
      await requestPoll(context(request), request.user!, id);
      return 'releve';
    },
    suspendre: async (request, id) => {
      await setSourceActive(context(request), request.user!, id, false);
      return 'suspendu';
    },
    reprendre: async (request, id) => {
      await setSourceActive(context(request), request.user!, id, true);
      return 'repris';
    },
    supprimer: async (request, id) => {
      await removeSource(context(request), request.user!, id);
      return 'supprime';
    },
  };

  app.post(
    '/compte/flux/:id/:action',
    { onRequest: member, schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }), action: Type.String({ maxLength: 20 }) }), body: CsrfOnlyBody } },
    async (request, reply) => {
      const act = ACTIONS[request.params.action];
      if (!act) throw notFound();
      const info = await act(request, request.params.id);
      return reply.redirect(info === 'supprime' ? `${home(request)}?info=${info}` : `${home(request)}/${request.params.id}?info=${info}`, 303);
    },
  );

  // Exports: the public aggregator feed; the admin's France Travail files.

  app.get('/flux/offres.xml', { config: { auth: false } }, async (request, reply) => {
    const feed = await aggregatorFeed(app.db, request.tenant, origin(request));
    return reply
      .type('application/xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('last-modified', feed.created_at.toUTCString())
      .send(feed.content);
  });

  app.post('/admin/flux/france-travail', { onRequest: admin, schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    // The same public address as the worker's files: the movements of one day and the next match.
    await franceTravailFileOf(app.db, request.tenant, canonicalOrigin(request.tenant));
    return reply.redirect('/admin/flux?info=france-travail', 303);
  });

  app.get('/admin/flux/france-travail/:day', { onRequest: admin, schema: { params: DayParams } }, async (request, reply) => {
    const file = await franceTravailFileByDay(app.db, request.tenant, request.params.day);
    if (!file) throw notFound();
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="france-travail-${request.tenant.id}-${file.generated_on}.txt"`)
      .header('cache-control', 'no-store')
      .send(file.content);
  });

  // Partner API keys.

  const keysData = async (request: FastifyRequest) => {
    const theme = app.theme(request.tenant);
    const info = INFO[String((request.query as { info?: unknown } | undefined)?.info ?? '')];
    return {
      section: 'feeds',
      notice: info ? theme.t(info) : undefined,
      keys: await listKeys(app.db, request.tenant),
      docsUrl: '/api/docs',
    };
  };
  const keysForm = { ...apiKeyForm, data: keysData };

  app.get('/admin/cles-api', { onRequest: admin, config: { form: keysForm } }, async (_request, reply) => reply.form());

  app.post('/admin/cles-api', { onRequest: admin, config: { form: keysForm }, schema: { body: ApiKeyFormBody } }, async (request, reply) => {
    const { key } = await createKey(app.db, request.tenant, request.user!, request.body.name);
    // Shown this once: the page is not cached and the key is not kept anywhere but in its hash.
    reply.header('cache-control', 'no-store');
    return reply.form({ status: 201, data: { newKey: key, newKeyName: request.body.name } });
  });

  app.post('/admin/cles-api/:id/revoquer', { onRequest: admin, schema: { params: IdParams, body: CsrfOnlyBody } }, async (request, reply) => {
    await revokeKey(app.db, request.tenant, request.user!, request.params.id);
    return reply.redirect('/admin/cles-api?info=cle-revoquee', 303);
  });
}
