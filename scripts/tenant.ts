/**
 * npm run tenant -- list | check [slug…] | fork <source> <new-slug>
 * `fork` copies a tenant folder (or _skeleton) as the starting point of a new board.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, runScript } from '../server/cli.js';
import { loadScriptConfig } from '../server/config.js';
import { checkTenant } from '../server/tenancy/check.js';
import { tenantFolders } from '../server/tenancy/registry.js';

const USAGE = 'usage : npm run tenant -- list | check [slug…] | fork <source|_skeleton> <nouveau-slug>';

await runScript(async (say) => {
  const config = loadScriptConfig();
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'list':
      for (const slug of tenantFolders(config.tenantsDir)) say(slug);
      return;
    case 'check': {
      const slugs = args.length > 0 ? args : tenantFolders(config.tenantsDir);
      let fatal = 0;
      for (const slug of slugs) {
        const dir = path.join(config.tenantsDir, slug);
        if (!existsSync(dir)) throw new CliError(`Tenant inconnu : ${slug} (${dir} n’existe pas)`);
        const findings = checkTenant(dir, config.viewsDir);
        fatal += findings.filter((f) => f.severity === 'fatal').length;
        say(`${slug} : ${findings.length === 0 ? 'OK' : `${findings.length} remarque(s)`}`);
        for (const f of findings) say(`  [${f.severity === 'fatal' ? 'BLOQUANT' : 'conseil'}] ${f.check} ${f.message}`);
      }
      if (fatal > 0) throw new CliError(`${fatal} problème(s) bloquant(s)`);
      return;
    }
    case 'fork': {
      const [source, slug] = args;
      if (!source || !slug) throw new CliError(USAGE);
      if (!/^[a-z][a-z0-9-]{1,39}$/.test(slug)) throw new CliError(`slug invalide « ${slug} » : minuscules, chiffres et tirets, 2 à 40 caractères`);
      const from = path.join(config.tenantsDir, source);
      const to = path.join(config.tenantsDir, slug);
      if (!existsSync(from)) throw new CliError(`Source introuvable : ${from}`);
      if (existsSync(to)) throw new CliError(`${to} existe déjà`);
      cpSync(from, to, { recursive: true });
      const file = path.join(to, 'tenant.json');
      const tenant = JSON.parse(readFileSync(file, 'utf8'));
      Object.assign(tenant, { slug, hostnames: [] });
      writeFileSync(file, `${JSON.stringify(tenant, null, 2)}\n`);
      say(`${to} créé depuis ${source}. Étapes suivantes :`);
      say(`  1. éditez ${file} (nom, hostnames, contact, secteurs, couleurs) ;`);
      say(`  2. npm run tenant -- check ${slug}`);
      say(`  3. npm run db:migrate (enregistre le tenant), puis http://${slug}.localhost:${config.port}`);
      return;
    }
    default:
      throw new CliError(USAGE);
  }
});
