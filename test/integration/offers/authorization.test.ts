import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferStatus } from '../../../server/db/database.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, FormClient } from '../../helpers/accounts.js';
import { apiClient, apiToken, companyIdOf, createAccount, createCompany, DEMO_PASSWORD, offerBody, type Api } from '../../helpers/company-space.js';

const DAY = 86_400_000;

type Role = 'anonymous' | 'candidate' | 'owner' | 'otherEmployer' | 'admin' | 'foreignToken' | 'foreignAdmin';

/**
 * Who may change an offer: every mutating route × every kind of caller, asserting the status code and
 * that nothing changed when refused. The target offer belongs to the demo employer's company
 * (montagne). `foreignToken` is dijon's admin token sent to montagne's host; `foreignAdmin` is the same
 * admin on its own host, asking for montagne's offer.
 */
describe('authorisation matrix of the offer, company and admin routes', () => {
  let t: TestApp;
  let offerId: string;
  let ownerCompany: string;
  const api = {} as Record<Role, Api>;

  beforeAll(async () => {
    t = await createTestApp();
    ownerCompany = await companyIdOf(t, 'montagne', 'employeur@montagne.demo');
    const otherCompany = await createCompany(t, 'montagne', 'Concurrent des Aravis');
    await createAccount(t, 'montagne', { email: 'concurrent@exemple.fr', role: 'employer', companyId: otherCompany });
    await createAccount(t, 'montagne', { email: 'collegue@exemple.fr', role: 'employer', companyId: ownerCompany, memberRole: 'member' });
    const token = (host: string, email: string) => apiToken(t.app, host, email);
    api.anonymous = apiClient(t.app, MONTAGNE);
    api.candidate = apiClient(t.app, MONTAGNE, await token(MONTAGNE, 'candidat@montagne.demo'));
    api.owner = apiClient(t.app, MONTAGNE, await token(MONTAGNE, 'employeur@montagne.demo'));
    api.otherEmployer = apiClient(t.app, MONTAGNE, await token(MONTAGNE, 'concurrent@exemple.fr'));
    api.admin = apiClient(t.app, MONTAGNE, await token(MONTAGNE, 'admin@montagne.demo'));
    const dijonAdmin = await token(DIJON, 'admin@dijon.demo');
    api.foreignToken = apiClient(t.app, MONTAGNE, dijonAdmin);
    api.foreignAdmin = apiClient(t.app, DIJON, dijonAdmin);
    offerId = (await api.owner('POST', '/api/v1/offers', offerBody({ title: 'Offre cible' }))).json().id;
  });
  afterAll(async () => t?.close());

  async function setState(status: OfferStatus) {
    await t.db.admin
      .updateTable('offers')
      .set({
        status,
        title: 'Offre cible',
        published_at: status === 'draft' ? null : new Date(Date.now() - DAY),
        expires_at: status === 'draft' ? null : new Date(Date.now() + 30 * DAY),
      })
      .where('id', '=', offerId)
      .execute();
  }
  const snapshot = async () => ({
    offer: await t.db.admin.selectFrom('offers').selectAll().where('id', '=', offerId).executeTakeFirst(),
    offers: (await t.db.admin.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    audit: (await t.db.admin.selectFrom('admin_audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
  });

  const REFUSED_ROLES: Role[] = ['anonymous', 'candidate', 'otherEmployer', 'foreignToken', 'foreignAdmin'];

  /** The answer to a refused caller: 401 without (valid) token, 404 when it cannot even see the offer, else 403. */
  function refusal(role: Role, visible: boolean): number {
    if (role === 'anonymous' || role === 'foreignToken') return 401;
    if (role === 'foreignAdmin') return 404;
    return visible ? 403 : 404;
  }

  const ROUTES: { method: 'POST' | 'PATCH' | 'DELETE'; path: string; state: OfferStatus; body?: object; owner: number; admin: number }[] = [
    { method: 'PATCH', path: '', state: 'published', body: { title: 'Titre changé' }, owner: 200, admin: 200 },
    { method: 'DELETE', path: '', state: 'published', owner: 204, admin: 204 },
    { method: 'POST', path: '/submit', state: 'draft', owner: 200, admin: 200 },
    { method: 'POST', path: '/publish', state: 'pending_review', owner: 403, admin: 200 },
    { method: 'POST', path: '/reject', state: 'pending_review', body: { reason: 'Le salaire est manquant' }, owner: 403, admin: 200 },
    { method: 'POST', path: '/close', state: 'published', owner: 200, admin: 200 },
    { method: 'POST', path: '/withdraw', state: 'published', owner: 200, admin: 200 },
    { method: 'POST', path: '/renew', state: 'published', owner: 200, admin: 200 },
    { method: 'POST', path: '/duplicate', state: 'published', owner: 201, admin: 201 },
  ];

  for (const route of ROUTES) {
    it(`${route.method} /api/v1/offers/:id${route.path}`, async () => {
      const url = () => `/api/v1/offers/${offerId}${route.path}`;
      const visible = route.state === 'published';
      for (const role of REFUSED_ROLES) {
        await setState(route.state);
        const before = await snapshot();
        const response = await api[role](route.method, url(), route.body);
        expect(response.statusCode, `${role}: ${response.body}`).toBe(refusal(role, visible));
        expect(response.json().error.code, role).toMatch(/^[A-Z_]+$/);
        expect(await snapshot(), role).toEqual(before);
      }
      for (const role of ['owner', 'admin'] as const) {
        await setState(route.state);
        const before = await snapshot();
        const response = await api[role](route.method, url(), route.body);
        expect(response.statusCode, `${role}: ${response.body}`).toBe(route[role]);
        if (response.statusCode >= 400) expect(await snapshot(), role).toEqual(before);
        else if (role === 'admin') expect((await snapshot()).audit, 'admin actions are audited').toBe(before.audit + 1);
      }
    });
  }

  it('POST /api/v1/offers (for the owner’s company)', async () => {
    const body = offerBody({ company_id: ownerCompany });
    const expected: Record<Role, number> = { anonymous: 401, candidate: 403, otherEmployer: 403, foreignToken: 401, foreignAdmin: 422, owner: 201, admin: 201 };
    for (const role of Object.keys(expected) as Role[]) {
      const before = await snapshot();
      const response = await api[role]('POST', '/api/v1/offers', body);
      expect(response.statusCode, `${role}: ${response.body}`).toBe(expected[role]);
      if (expected[role] >= 400) expect(await snapshot(), role).toEqual(before);
      else expect((await snapshot()).offers, role).toBe(before.offers + 1);
    }
  });

  describe('pages (session cookie + CSRF token)', () => {
    const clients = {} as Record<'anonymous' | 'candidate' | 'owner' | 'colleague' | 'otherEmployer' | 'admin', { client: FormClient; csrf: string }>;
    let colleagueId: string;

    beforeAll(async () => {
      const make = async (email?: string) => {
        const client = new FormClient(t.app, MONTAGNE);
        if (email) await client.logIn(email, DEMO_PASSWORD);
        return { client, csrf: csrfOf((await client.get(email ? '/compte' : '/compte/connexion')).body) };
      };
      clients.anonymous = await make();
      clients.candidate = await make('candidat@montagne.demo');
      clients.owner = await make('employeur@montagne.demo');
      clients.colleague = await make('collegue@exemple.fr');
      clients.otherEmployer = await make('concurrent@exemple.fr');
      clients.admin = await make('admin@montagne.demo');
      colleagueId = (await t.db.admin.selectFrom('users').select('id').where('email', '=', 'collegue@exemple.fr').executeTakeFirstOrThrow()).id;
    });

    const post = (who: keyof typeof clients, url: string, fields: Record<string, string> = {}) => clients[who].client.post(url, { _csrf: clients[who].csrf, ...fields });
    const expectLogIn = (response: { statusCode: number; headers: Record<string, unknown> }) => {
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toMatch(/^\/compte\/connexion/);
    };

    it('offer actions and the offer form: only the company’s members and the admin', async () => {
      const form = { title: 'Titre par formulaire', description_html: '<p>Une description suffisamment longue.</p>', contract: 'cdi', working_time: 'full_time', commune_insee: '74056', housing: 'none', driving_licence: 'non', apply_method: 'platform' };
      for (const [path, fields] of [[`/compte/offres/${offerId}/pourvue`, {}], [`/compte/offres/${offerId}/modifier`, form]] as const) {
        for (const who of ['anonymous', 'candidate', 'otherEmployer'] as const) {
          await setState('published');
          const before = await snapshot();
          const response = await post(who, path, fields);
          if (who === 'anonymous') expectLogIn(response);
          else expect(response.statusCode, `${who} ${path}`).toBe(403);
          expect(await snapshot(), `${who} ${path}`).toEqual(before);
        }
        for (const who of ['owner', 'colleague', 'admin'] as const) {
          await setState('published');
          const response = await post(who, path, fields);
          expect(response.statusCode, `${who} ${path}: ${response.body.slice(0, 300)}`).toBe(303);
        }
      }
    });

    it('creating an offer or a company profile: employers only', async () => {
      for (const who of ['anonymous', 'candidate', 'admin'] as const) {
        const before = await snapshot();
        const offer = await post(who, '/compte/offres/nouvelle', { title: 'Refusé' });
        const profile = await post(who, '/compte/entreprise/profil', { name: 'Nom piraté' });
        const invite = await post(who, '/compte/entreprise/inviter', { email: 'x@exemple.fr', member_role: 'owner' });
        for (const response of [offer, profile, invite]) {
          if (who === 'anonymous') expectLogIn(response);
          else expect(response.statusCode, who).toBe(403);
        }
        expect(await snapshot()).toEqual(before);
      }
      const names = await t.db.admin.selectFrom('companies').select('name').where('id', '=', ownerCompany).executeTakeFirstOrThrow();
      expect(names.name).toBe('Remontées mécaniques des Houches');
      expect(await t.db.admin.selectFrom('company_invitations').selectAll().execute()).toEqual([]);
    });

    it('removing a member: owners (and the member leaving) only; another company cannot', async () => {
      const members = () => t.db.admin.selectFrom('company_members').select('user_id').where('company_id', '=', ownerCompany).execute();
      const before = await members();
      const ownerId = (await t.db.admin.selectFrom('users').select('id').where('email', '=', 'employeur@montagne.demo').executeTakeFirstOrThrow()).id;
      expectLogIn(await post('anonymous', `/compte/entreprise/membres/${colleagueId}/retirer`));
      expect((await post('candidate', `/compte/entreprise/membres/${colleagueId}/retirer`)).statusCode).toBe(403);
      expect((await post('otherEmployer', `/compte/entreprise/membres/${colleagueId}/retirer`)).statusCode).toBe(404);
      // A plain member cannot remove the owner…
      expect((await post('colleague', `/compte/entreprise/membres/${ownerId}/retirer`)).statusCode).toBe(403);
      expect(await members()).toEqual(before);
      // The owner removes the colleague, then the seed's other owner…
      expect((await post('owner', `/compte/entreprise/membres/${colleagueId}/retirer`)).statusCode).toBe(303);
      const seededOwner = (await t.db.admin.selectFrom('users').select('id').where('email', '=', 'recrutement@remontees-mecaniques-des-houches.example').executeTakeFirstOrThrow()).id;
      expect((await post('owner', `/compte/entreprise/membres/${seededOwner}/retirer`)).statusCode).toBe(303);
      expect((await members()).map((m) => m.user_id)).toEqual([ownerId]);
      // …and, now the last owner, cannot leave.
      const last = await post('owner', `/compte/entreprise/membres/${ownerId}/retirer`);
      expect(last.statusCode).toBe(409);
      expect(last.body).toContain('L’entreprise doit garder au moins un responsable');
      expect((await members()).map((m) => m.user_id)).toEqual([ownerId]);
    });

    it('moderation: the tenant admin only', async () => {
      for (const path of [`/admin/moderation/${offerId}/approuver`, `/admin/moderation/${offerId}/refuser`]) {
        for (const who of ['anonymous', 'candidate', 'owner', 'otherEmployer'] as const) {
          await setState('pending_review');
          const before = await snapshot();
          const response = await post(who, path, { reason: 'Motif de refus' });
          if (who === 'anonymous') expectLogIn(response);
          else expect(response.statusCode, `${who} ${path}`).toBe(403);
          expect(await snapshot(), `${who} ${path}`).toEqual(before);
        }
        await setState('pending_review');
        expect((await post('admin', path, { reason: 'Motif de refus' })).statusCode).toBe(303);
      }
    });

    it('refuses every new form without its CSRF token (403) and changes nothing', async () => {
      await setState('published');
      const owner = clients.owner.client;
      const admin = clients.admin.client;
      const before = await snapshot();
      const company = await t.db.admin.selectFrom('companies').select(['name', 'updated_at']).where('id', '=', ownerCompany).executeTakeFirstOrThrow();
      const attempts = [
        owner.post('/compte/offres/nouvelle', { title: 'Sans jeton', description_html: '<p>Description du poste assez longue</p>', contract: 'cdi', working_time: 'full_time', commune_insee: '74056', housing: 'none', driving_licence: 'non', apply_method: 'platform' }),
        owner.post(`/compte/offres/${offerId}/pourvue`, {}),
        owner.post(`/compte/offres/${offerId}/modifier`, { title: 'Sans jeton' }),
        owner.post('/compte/entreprise/profil', { name: 'Sans jeton' }),
        owner.post('/compte/entreprise/inviter', { email: 'sans.jeton@exemple.fr', member_role: 'member' }),
        owner.post('/compte/entreprise/nouvelle', { name: 'Sans jeton' }),
        admin.post(`/admin/moderation/${offerId}/refuser`, { reason: 'Sans jeton' }),
        owner.post(`/compte/offres/${offerId}/pourvue`, { _csrf: clients.candidate.csrf }),
      ];
      for (const response of await Promise.all(attempts)) expect(response.statusCode).toBe(403);
      expect(await snapshot()).toEqual(before);
      expect(await t.db.admin.selectFrom('companies').select(['name', 'updated_at']).where('id', '=', ownerCompany).executeTakeFirstOrThrow()).toEqual(company);
      expect(await t.db.admin.selectFrom('company_invitations').selectAll().execute()).toEqual([]);
    });
  });
});
