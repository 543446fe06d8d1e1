import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../plugins/auth.js';
import { employerHome } from './service.js';

/** The employer's home (/compte/employeur): what to do next, and every offer with its applications (new/total). */
export default async function employerHomeRoutes(app: FastifyInstance) {
  app.get('/compte/employeur', { onRequest: requireRole('employer') }, async (request, reply) => {
    const theme = app.theme(request.tenant);
    const home = await employerHome(app.db, request.tenant, request.user!, app.clock());
    // The first step of all: the company's profile (its own explanatory page).
    if (!home) return reply.redirect('/compte/entreprise/nouvelle', 303);
    return reply.page('pages/employer/home', {
      meta: { title: theme.t('employerHome.title'), noindex: true },
      ...home,
      offers: home.offers.map((o) => ({ ...o, statusLabel: theme.t(`offerStatus.${o.status}`) })),
      csrfToken: reply.csrfToken(),
      billing: request.tenant.config.features.billing,
    });
  });
}
