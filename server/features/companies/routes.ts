import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { descriptionText } from '../offers/sanitize.js';
import { companyPage } from './service.js';

export default async function companiesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/entreprises/:slug', { schema: { params: Type.Object({ slug: Type.String({ maxLength: 120 }) }) } }, async (request, reply) => {
    const page = await companyPage(app.db, request.tenant, request.params.slug);
    return reply.page('pages/company', {
      meta: { title: page.company.name, description: page.company.descriptionHtml ? descriptionText(page.company.descriptionHtml).slice(0, 160) : page.company.name },
      ...page,
    });
  });
}
