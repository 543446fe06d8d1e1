import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { descriptionText } from '../offers/sanitize.js';
import { companyLogo, companyPage } from './service.js';

const SlugParams = Type.Object({ slug: Type.String({ maxLength: 120 }) });

export default async function companiesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/entreprises/:slug', { config: { anonymousPageCache: true }, schema: { params: SlugParams } }, async (request, reply) => {
    const page = await companyPage(app.db, request.tenant, request.params.slug, app.theme(request.tenant));
    const { saving, saved } = await app.savedOffers.controls(request, reply, page.offers.map((o) => o.id));
    return reply.page('pages/company', {
      meta: { title: page.company.name, description: page.company.descriptionHtml ? descriptionText(page.company.descriptionHtml).slice(0, 160) : page.company.name },
      ...page,
      offers: page.offers.map((o) => ({ ...o, saved: saved.has(o.id) })),
      saving,
    });
  });

  // The logo, public: its type as sniffed at upload (PNG, JPEG or WebP only), never guessed by the browser.
  app.get('/entreprises/:slug/logo', { schema: { params: SlugParams } }, async (request, reply) => {
    const logo = await companyLogo(app.db, app.files, request.tenant, request.params.slug);
    return reply
      .header('content-type', logo.mediaType)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=3600')
      .send(logo.content);
  });
}
