/**
 * npm run tenant -- <commande> : create, fork, check, list, export, import, schema (each with --help).
 * The folder side lives in server/tenancy/{create,check,transfer,tenant-schema}.ts; this file parses
 * arguments, opens the database when a command needs it and prints.
 */
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, runScript } from '../server/cli.js';
import { loadScriptConfig, type Config } from '../server/config.js';
import { adminKysely, migrateWithReferenceData, openDatabase } from '../server/db/bootstrap.js';
import { withTenant } from '../server/db/tenant-db.js';
import { checkTenant, type CheckFinding } from '../server/tenancy/check.js';
import { createTenant, hasTenantsTable, SKELETON, TenantToolError } from '../server/tenancy/create.js';
import { tenantFolders } from '../server/tenancy/registry.js';
import { readTenantConfig } from '../server/tenancy/tenant-config.js';
import { TENANT_SCHEMA_FILE, tenantJsonSchemaText, writeTenantJsonSchema } from '../server/tenancy/tenant-schema.js';
import { exportTenant, importTenant, NOT_EXPORTED } from '../server/tenancy/transfer.js';

type Say = (message: string) => void;

/** A path as the operator typed it: relative to the current folder when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

const USAGE = `usage : npm run tenant -- <commande> [options]   (--help après une commande pour son aide)

  create <slug> --name "<nom>" --host <domaine> [--from ${SKELETON}|<slug>]
                       crée tenants/<slug>/ depuis le squelette ou un tenant existant (thème, textes, config ; jamais ses données)
  fork <source> <slug> [--name "<nom>"] [--host <domaine>]
                       comme create --from <source> ; garde le nom de la source si --name manque
  check [slug…]        vérifie les tenants avant mise en ligne (tous par défaut) ; code de sortie 1 si un problème bloque
  list                 tenants, noms d’hôte, nombres d’entreprises et d’offres
  export <slug> [--with-credentials] [--with-cvs] [--output <fichier>]
                       écrit les données du tenant en JSON lines (sur la sortie standard par défaut)
  import [--input <fichier>] [--skip-folder]
                       importe un export (depuis l’entrée standard par défaut) ; refuse un slug ou un nom d’hôte existant
  schema [--check]     régénère tenants/${TENANT_SCHEMA_FILE} depuis le schéma de tenant.json`;

const HELP: Record<string, string> = {
  create: `usage : npm run tenant -- create <slug> --name "<nom>" --host <domaine> [--host <autre>…] [--from ${SKELETON}|<slug>] [--skip-db]

Crée tenants/<slug>/ en copiant tenant.json, strings.fr.json, assets/ et views/ de la source
(${SKELETON} par défaut, ou un tenant existant pour reprendre son apparence), jamais ses données ni son README.
Fixe slug, name et hostnames, valide le résultat, puis enregistre le tenant dans la base quand elle est
joignable (DATABASE_URL ou PostgreSQL embarqué, démarré ou non). --skip-db : ne touche pas à la base
(le prochain démarrage ou npm run db:migrate l’enregistre).
Refuse un slug déjà pris (dossier ou base) et un nom d’hôte déjà utilisé par un autre tenant.`,
  fork: `usage : npm run tenant -- fork <source> <slug> [--name "<nom>"] [--host <domaine>…] [--skip-db]

Alias de « create <slug> --from <source> » ; sans --name, le nouveau tenant garde le nom de la source,
sans --host il n’a pas encore de nom d’hôte (<slug>.localhost suffit en développement).`,
  check: `usage : npm run tenant -- check [slug…]

Vérifie chaque tenant (tous les dossiers de tenants/ par défaut ; ${SKELETON} s’il est nommé) : tenant.json
conforme au schéma, logo présent, chaque gabarit et partiel compilé à travers la chaîne tenant → thème de base,
partiels, helpers et textes ({{t "clé"}}) manquants, variables des textes gardées, noms d’hôte déjà pris par un autre
tenant, contraste WCAG AA des couleurs. [BLOQUANT] : à corriger, code de sortie 1 ; [conseil] : à considérer.`,
  list: `usage : npm run tenant -- list

Liste les tenants (dossiers de tenants/ et lignes de la base) avec leurs noms d’hôte et leurs nombres
d’entreprises et d’offres (publiées entre parenthèses). Sans base joignable, les nombres sont « – ».`,
  export: `usage : npm run tenant -- export <slug> [--with-credentials] [--with-cvs] [--output <fichier>]
        npm run -s tenant -- export <slug> > <fichier>.jsonl

Écrit le tenant en JSON lines : un en-tête (tenant.json et les fichiers de son dossier), une ligne par
enregistrement (${'{'}"table", "row"}), puis une ligne de fin avec les nombres par table.
Sans --with-credentials, les comptes sont exportés sans empreinte de mot de passe (chacun devra
réinitialiser le sien) ; sans --with-cvs, les CV ne sont pas exportés (les logos des entreprises le sont).
Non exportés : ${Object.keys(NOT_EXPORTED).join(', ')}.`,
  import: `usage : npm run tenant -- import [--input <fichier>] [--skip-folder] [--into-empty] < <fichier>.jsonl

Importe un export dans ce déploiement, en une transaction, sous le rôle de l’application et le tenant
de l’export (la sécurité par ligne refuse toute ligne d’un autre tenant), et recrée tenants/<slug>/.
Refuse un slug déjà présent en base et un nom d’hôte déjà utilisé ; un dossier tenants/<slug>/ déjà
là et identique à celui de l’export est gardé tel quel, un dossier différent est refusé. Sur un déploiement neuf
(pas encore de base), crée la base, ses migrations et données de référence, sans autre tenant.
--skip-folder : n’écrit pas le dossier (il est déployé autrement).
--into-empty : accepte un tenant déjà enregistré s’il n’a encore aucune donnée (enregistré par le
démarrage depuis son dossier déployé, qui est alors conservé) ; un tenant qui a des données est toujours refusé.
Les offres importées sont indexées par le worker (file de recherche).`,
  schema: `usage : npm run tenant -- schema [--check]

Régénère tenants/${TENANT_SCHEMA_FILE}, le schéma JSON de tenant.json que les éditeurs utilisent
(complétion, aide au survol) via "$schema": "../${TENANT_SCHEMA_FILE}". --check : vérifie seulement
qu’il est à jour (code de sortie 1 sinon).`,
};

/** parseArgs with French errors; `--help` prints the command's help and ends the command. */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: O) {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return parsed as typeof parsed & { values: { help?: boolean } };
  } catch (error) {
    throw new CliError(`${(error as Error).message.replace(/^Unknown option/, 'option inconnue').replace(/^Option '(.+)' argument missing/, 'l’option $1 attend une valeur')}\n${HELP[command]}`);
  }
}

/** Operator mistakes of the tenancy modules become CLI errors: one French sentence, exit code 1. */
async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TenantToolError) throw new CliError(error.message);
    throw error;
  }
}

interface OpenDb {
  db: ReturnType<typeof adminKysely>;
  where: string;
  close(): Promise<void>;
}

/**
 * The privileged database: DATABASE_URL, else the embedded server (the one `npm start` runs, or
 * started here and stopped after). `optional`: undefined (with the reason) rather than an error when
 * there is no database yet, e.g. on a fresh clone before the first `npm start`. `create`: the database
 * is created if missing and brought up to date (migrations, reference data) without registering any
 * tenant: an import into a new deployment (its first start registers the other tenant folders).
 */
async function database(config: Config, log: Say, mode: 'optional' | 'required' | 'create'): Promise<OpenDb | undefined> {
  const optional = mode === 'optional';
  const skip = (reason: string): undefined => {
    if (!optional) throw new CliError(reason);
    log(reason);
    return undefined;
  };
  if (mode !== 'create' && !config.database.url && !existsSync(path.join(config.dataDir, 'pg', 'PG_VERSION'))) {
    return skip(`pas encore de base (${path.join(config.dataDir, 'pg')} n’existe pas) : le premier npm start la crée et enregistre les tenants`);
  }
  let opened;
  try {
    opened = await openDatabase(config, log);
  } catch (error) {
    if (error instanceof CliError || !optional) throw error;
    return skip(`base injoignable (${(error as Error).message.split('\n')[0]}) : le prochain démarrage ou npm run db:migrate enregistrera le tenant`);
  }
  const db = adminKysely(opened.url, log);
  const close = async () => {
    await db.destroy();
    await opened.embedded?.stop();
  };
  try {
    // An import writes every table: the schema must be current (only pending steps run; no tenant is registered).
    if (mode === 'create') await migrateWithReferenceData(db, config.referenceDataDir, log);
    else if (!(await hasTenantsTable(db))) {
      await close();
      return skip('base non migrée (pas de table tenants) : lancez npm run db:migrate');
    }
  } catch (error) {
    await close();
    if (!optional) throw error;
    return skip(`base injoignable (${(error as Error).message}) : le prochain démarrage ou npm run db:migrate enregistrera le tenant`);
  }
  const where = config.database.url ? 'DATABASE_URL' : opened.embedded?.reused ? 'PostgreSQL embarqué de l’application en cours' : 'PostgreSQL embarqué';
  return { db, where, close };
}

function printFindings(say: Say, slug: string, findings: CheckFinding[]): number {
  const fatal = findings.filter((f) => f.severity === 'fatal').length;
  say(`${slug} : ${findings.length === 0 ? 'OK' : `${fatal} problème(s) bloquant(s), ${findings.length - fatal} conseil(s)`}`);
  for (const f of findings) say(`  [${f.severity === 'fatal' ? 'BLOQUANT' : 'conseil'}] ${f.check} ${f.message}`);
  return fatal;
}

async function create(config: Config, say: Say, input: { slug?: string; from: string; name?: string; hosts: string[]; skipDb: boolean; command: string }) {
  if (!input.slug) throw new CliError(HELP[input.command]);
  const { slug } = input;
  const opened = input.skipDb ? undefined : await database(config, say, 'optional');
  try {
    const created = await refusals(() => createTenant(opened?.db, { tenantsDir: config.tenantsDir, slug, from: input.from, name: input.name, hostnames: input.hosts }));
    const relative = shown(created.dir);
    say(`${relative} créé depuis ${input.from} (copié : ${created.copied.join(', ')}${created.skipped.length ? ` ; non copié : ${created.skipped.join(', ')}` : ''})`);
    say(opened ? `tenant ${slug} enregistré dans la base (${opened.where})` : `tenant ${slug} pas encore enregistré dans la base`);
    const fatal = printFindings(say, slug, checkTenant(created.dir, config.viewsDir, { tenantsDir: config.tenantsDir }));
    const hosts = created.config.hostnames;
    const origin = (host: string) => `http://${host}:${config.port}`;
    say('Étapes suivantes :');
    say(`  1. éditez ${path.join(relative, 'tenant.json')} (slogan, contact, couleurs, secteurs, adhésion${input.from === SKELETON ? '' : ` : repris de ${input.from}`}) et, au besoin, strings.fr.json, assets/ et views/ (voir tenants/${SKELETON}/README.md) ;`);
    say(`  2. npm run tenant -- check ${slug}${fatal > 0 ? '   (à corriger avant la mise en ligne)' : ''}`);
    say(`  3. en développement : ${origin(`${slug}.localhost`)} (npm start)${hosts[0] ? `, ou curl -H 'Host: ${hosts[0]}' http://127.0.0.1:${config.port}/` : ''}`);
    say(`  4. en production : faites pointer le DNS de ${hosts.length ? hosts.join(', ') : '<votre domaine> (ajoutez-le à hostnames)'} vers le déploiement, déployez le dossier et redémarrez l’application (les tenants sont chargés au démarrage).`);
  } finally {
    await opened?.close();
  }
}

async function list(config: Config, say: Say) {
  const folders = tenantFolders(config.tenantsDir);
  const opened = await database(config, say, 'optional');
  try {
    const rows = opened ? await opened.db.selectFrom('tenants').select(['id', 'name']).orderBy('id').execute() : [];
    const slugs = [...new Set([...folders, ...rows.map((r) => r.id)])].sort();
    const table: string[][] = [['slug', 'nom', 'noms d’hôte', 'entreprises', 'offres (publiées)']];
    for (const slug of slugs) {
      let name = rows.find((r) => r.id === slug)?.name ?? '';
      let hosts = '(pas de dossier : données seules)';
      if (folders.includes(slug)) {
        try {
          const tenantConfig = readTenantConfig(path.join(config.tenantsDir, slug));
          name = tenantConfig.name;
          hosts = tenantConfig.hostnames.join(', ') || '(aucun)';
        } catch {
          hosts = '(tenant.json invalide : npm run tenant -- check)';
        }
      }
      let companies = '–';
      let offers = '–';
      if (opened && rows.some((r) => r.id === slug)) {
        // withTenant for an owner role under FORCE RLS, the explicit filter for a superuser.
        const counts = await withTenant(opened.db, slug, async ({ trx }) => ({
          companies: (await trx.selectFrom('companies').where('tenant_id', '=', slug).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
          offers: await trx
            .selectFrom('offers')
            .where('tenant_id', '=', slug)
            .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.countAll<number>().filterWhere('status', '=', 'published').as('published')])
            .executeTakeFirstOrThrow(),
        }));
        companies = String(counts.companies);
        offers = `${counts.offers.all} (${counts.offers.published})`;
      } else if (opened) {
        hosts += ' — pas encore enregistré dans la base';
      }
      table.push([slug, name, hosts, companies, offers]);
    }
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) console.log(row.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
    const templates = readdirSync(config.tenantsDir).filter((n) => n.startsWith('_'));
    if (templates.length) say(`modèles (jamais servis) : ${templates.join(', ')} ; en développement, chaque tenant répond aussi sur <slug>.localhost`);
  } finally {
    await opened?.close();
  }
}

/** Writes a line and waits when the stream's buffer is full, so a large export never piles up in memory. */
function lineWriter(stream: Writable) {
  return async (line: string) => {
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  };
}

async function exportCommand(config: Config, note: Say, input: { slug?: string; withCredentials: boolean; withCvs: boolean; output?: string }) {
  if (!input.slug) throw new CliError(HELP.export);
  if (!input.output && process.stdout.isTTY) throw new CliError(`redirigez la sortie vers un fichier : npm run -s tenant -- export ${input.slug} > ${input.slug}.jsonl (ou --output ${input.slug}.jsonl)`);
  const opened = await database(config, note, 'required');
  const stream = input.output ? createWriteStream(input.output) : process.stdout;
  try {
    const started = Date.now();
    const counts = await refusals(() => exportTenant(opened!.db, { tenantsDir: config.tenantsDir, slug: input.slug!, withCredentials: input.withCredentials, withCvs: input.withCvs }, lineWriter(stream)));
    if (stream !== process.stdout) await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    note(`export de ${input.slug} : ${Object.entries(counts).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')} en ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!input.withCredentials) note('comptes exportés sans mot de passe (--with-credentials pour les garder) : chacun devra réinitialiser le sien');
  } finally {
    await opened!.close();
  }
}

async function importCommand(config: Config, say: Say, input: { file?: string; skipFolder: boolean; intoEmpty: boolean }) {
  if (!input.file && process.stdin.isTTY) throw new CliError('donnez un export sur l’entrée standard : npm run tenant -- import < fichier.jsonl (ou --input fichier.jsonl)');
  if (input.file && !existsSync(input.file)) throw new CliError(`fichier introuvable : ${input.file}`);
  const opened = await database(config, say, 'create');
  try {
    const started = Date.now();
    const lines = createInterface({ input: input.file ? createReadStream(input.file) : process.stdin, crlfDelay: Infinity });
    const report = await refusals(() => importTenant(opened!.db, lines, { tenantsDir: config.tenantsDir, writeFolder: !input.skipFolder, intoEmpty: input.intoEmpty }));
    say(`tenant ${report.slug} importé en ${((Date.now() - started) / 1000).toFixed(1)} s : ${Object.entries(report.counts).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    const folder = path.join(config.tenantsDir, report.slug);
    if (report.folder) say(`dossier ${shown(report.folder)} recréé depuis l’export`);
    else if (existsSync(folder)) say(`dossier ${shown(folder)} déjà en place, conservé`);
    say(`Étapes suivantes : npm run tenant -- check ${report.slug} ; en développement http://${report.slug}.localhost:${config.port} ; en production, déployez le dossier, faites pointer le DNS et redémarrez l’application. Les comptes sans mot de passe passent par « Mot de passe oublié ».`);
  } finally {
    await opened!.close();
  }
}

await runScript(async (say) => {
  const [command, ...args] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    if (!command) process.exitCode = 1;
    return;
  }
  if (!(command in HELP)) throw new CliError(`commande inconnue « ${command} »\n${USAGE}`);
  const config = loadScriptConfig();
  // export writes its data on stdout: its messages go to stderr.
  const note: Say = (message) => console.error(`[cordée] ${message}`);
  switch (command) {
    case 'create':
    case 'fork': {
      const { values, positionals } = parse(command, args, {
        name: { type: 'string' },
        host: { type: 'string', multiple: true },
        from: { type: 'string' },
        'skip-db': { type: 'boolean' },
      });
      if (values.help) return console.log(HELP[command]);
      if (command === 'create') {
        if (positionals.length !== 1) throw new CliError(HELP.create);
        if (!values.name) throw new CliError(`--name est obligatoire (le nom du site, par exemple --name "Mission Locale de Besançon")\n${HELP.create}`);
        if (!values.host?.length) throw new CliError(`--host est obligatoire (le nom de domaine public, par exemple --host emploi.ml-besancon.fr)\n${HELP.create}`);
        return create(config, say, { command, slug: positionals[0], from: values.from ?? SKELETON, name: values.name, hosts: values.host, skipDb: values['skip-db'] === true });
      }
      if (positionals.length !== 2 || values.from) throw new CliError(HELP.fork);
      return create(config, say, { command, slug: positionals[1], from: positionals[0], name: values.name, hosts: values.host ?? [], skipDb: values['skip-db'] === true });
    }
    case 'check': {
      const { values, positionals } = parse(command, args, {});
      if (values.help) return console.log(HELP.check);
      const slugs = positionals.length > 0 ? positionals : tenantFolders(config.tenantsDir);
      let fatal = 0;
      for (const slug of slugs) {
        const dir = path.join(config.tenantsDir, slug);
        if (slug.includes('/') || !existsSync(path.join(dir, 'tenant.json'))) throw new CliError(`tenant inconnu : ${slug} (${dir}/tenant.json n’existe pas)`);
        fatal += printFindings(say, slug, checkTenant(dir, config.viewsDir, { tenantsDir: config.tenantsDir }));
      }
      if (fatal > 0) throw new CliError(`${fatal} problème(s) bloquant(s) : à corriger avant la mise en ligne`);
      return;
    }
    case 'list': {
      const { values, positionals } = parse(command, args, {});
      if (values.help) return console.log(HELP.list);
      if (positionals.length > 0) throw new CliError(HELP.list);
      return list(config, say);
    }
    case 'export': {
      const { values, positionals } = parse(command, args, { 'with-credentials': { type: 'boolean' }, 'with-cvs': { type: 'boolean' }, output: { type: 'string', short: 'o' } });
      if (values.help) return console.log(HELP.export);
      if (positionals.length !== 1) throw new CliError(HELP.export);
      return exportCommand(config, note, { slug: positionals[0], withCredentials: values['with-credentials'] === true, withCvs: values['with-cvs'] === true, output: values.output });
    }
    case 'import': {
      const { values, positionals } = parse(command, args, { input: { type: 'string', short: 'i' }, 'skip-folder': { type: 'boolean' }, 'into-empty': { type: 'boolean' } });
      if (values.help) return console.log(HELP.import);
      if (positionals.length > 0) throw new CliError(HELP.import);
      return importCommand(config, say, { file: values.input, skipFolder: values['skip-folder'] === true, intoEmpty: values['into-empty'] === true });
    }
    case 'schema': {
      const { values, positionals } = parse(command, args, { check: { type: 'boolean' } });
      if (values.help) return console.log(HELP.schema);
      if (positionals.length > 0) throw new CliError(HELP.schema);
      const file = path.join(config.tenantsDir, TENANT_SCHEMA_FILE);
      if (values.check) {
        const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
        if (current !== tenantJsonSchemaText()) throw new CliError(`${file} n’est pas à jour : npm run tenant -- schema`);
        return say(`${file} est à jour`);
      }
      return say(writeTenantJsonSchema(config.tenantsDir) ? `${file} régénéré` : `${file} était déjà à jour`);
    }
  }
});
