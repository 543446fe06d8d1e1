import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { MailService } from '../../../server/mail/mail-service.js';
import { listMail } from '../../../server/mail/mailbox.js';
import { fileMailer } from '../../../server/mail/nodemailer-mailer.js';
import { loadTenantRegistry } from '../../../server/tenancy/registry.js';
import { Theme } from '../../../server/tenancy/theme.js';
import { copyTenants, TENANTS_DIR, VIEWS_DIR, writeTenantFile } from '../../helpers/tenant-fixtures.js';
import { testTempDir } from '../../helpers/tmp.js';

const noop = () => {};
const silent = { info: noop, warn: noop, error: noop, debug: noop, trace: noop, fatal: noop, child: () => silent, level: 'silent', silent: noop } as unknown as FastifyBaseLogger;

function service(tenantsDir: string, dir: string) {
  const registry = loadTenantRegistry(tenantsDir, { allowLocalhostSubdomains: true });
  const themes = new Map(registry.tenants.map((t) => [t.id, new Theme(t, VIEWS_DIR, { cache: false })]));
  return { registry, mail: new MailService(fileMailer(dir), (t) => themes.get(t.id)!, 'ne-pas-repondre@cordee.test', silent) };
}

describe('e-mails (Handlebars templates, HTML and text, per tenant)', () => {
  it('renders both parts in French: HTML escaped, plain text not', () => {
    const { registry, mail } = service(TENANTS_DIR, testTempDir('mail'));
    const message = mail.render({
      tenant: registry.get('dijon')!,
      origin: 'https://jeunes-emploi-dijon.cordee.example',
      to: 'ines@exemple.fr',
      template: 'verify-email',
      data: { displayName: 'Inès <Morel> & co', link: 'https://jeunes-emploi-dijon.cordee.example/compte/verification?jeton=abc', hours: 48 },
    });
    expect(message.subject).toBe('Confirmez votre adresse e-mail – Jeunes & Emploi Dijon');
    expect(message.from).toBe('"Jeunes & Emploi Dijon" <ne-pas-repondre@cordee.test>');
    expect(message.replyTo).toBe('contact@jeunes-emploi-dijon.cordee.example');
    expect(message.text).toContain('Bonjour Inès <Morel> & co,');
    expect(message.text).toContain('https://jeunes-emploi-dijon.cordee.example/compte/verification?jeton=abc');
    expect(message.text).toContain('Ce lien est valable 48 heures');
    expect(message.text).not.toMatch(/&amp;|&lt;|&#x3D;/);
    expect(message.html).toContain('Bonjour Inès &lt;Morel&gt; &amp; co,');
    expect(message.html).toContain('<html lang="fr">');
    expect(message.html).toContain('style="background:#5b21b6');
  });

  it('lets a tenant override an e-mail template and its strings', () => {
    const tenants = copyTenants(['montagne', 'dijon']);
    writeTenantFile(tenants, 'montagne', 'views/emails/verify-email.text.hbs', 'Salut {{displayName}} ! {{link}}');
    writeTenantFile(tenants, 'montagne', 'strings.fr.json', JSON.stringify({ 'email.verify-email.subject': 'Bienvenue sur {name} : confirmez' }));
    const { registry, mail } = service(tenants, testTempDir('mail'));
    const data = { displayName: 'Léa', link: 'http://x/l', hours: 48 };
    const montagne = mail.render({ tenant: registry.get('montagne')!, origin: 'http://x', to: 'a@b.fr', template: 'verify-email', data });
    const dijon = mail.render({ tenant: registry.get('dijon')!, origin: 'http://x', to: 'a@b.fr', template: 'verify-email', data });
    expect(montagne.subject).toBe('Bienvenue sur Emploi Montagne : confirmez');
    expect(montagne.text).toContain('Salut Léa ! http://x/l');
    expect(dijon.text).not.toContain('Salut');
  });

  it('writes each message as a real .eml (multipart text + HTML) and a .json per tenant, listed newest first', async () => {
    const dir = testTempDir('mail');
    const { registry, mail } = service(TENANTS_DIR, dir);
    const tenant = registry.get('montagne')!;
    for (const name of ['Un', 'Deux']) {
      mail.send({ tenant, origin: 'http://montagne.localhost', to: `${name.toLowerCase()}@exemple.fr`, template: 'password-changed', data: { displayName: name, resetLink: 'http://montagne.localhost/compte/mot-de-passe-oublie' } });
      await mail.idle();
    }
    const files = readdirSync(path.join(dir, 'montagne')).sort();
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    const eml = readFileSync(path.join(dir, 'montagne', files.find((f) => f.endsWith('.eml'))!), 'utf8');
    expect(eml).toMatch(/Content-Type: multipart\/alternative/);
    expect(eml).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(eml).toMatch(/Content-Type: text\/html; charset=utf-8/);
    expect(eml).toMatch(/^X-Cordee-Tenant: montagne$/m);
    const listed = await listMail(dir, 'montagne');
    expect(listed.map((m) => m.to)).toEqual(['deux@exemple.fr', 'un@exemple.fr']);
    expect(await listMail(dir, 'dijon')).toEqual([]);
  });
});
