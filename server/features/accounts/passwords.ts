import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './policy.js';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): ~40 ms here, run off the
 * event loop by the native binding. The PHC string keeps salt and parameters, so raising them later
 * only needs a rehash at the next log-in.
 */
// Algorithm is an ambient const enum (not importable under isolatedModules): 2 is Argon2id.
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// A real hash of a random password, verified when the account does not exist (or has no password),
// so that "unknown e-mail" and "wrong password" take the same time.
let decoy: Promise<string> | undefined;

/** Constant-time check (inside argon2's verify); false for a missing or malformed hash. */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    decoy ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let common: Set<string> | undefined;

/** ~18 000 of the most common passwords of 8+ characters (zxcvbn's list: includes azerty, motdepasse…). */
async function commonPasswords(): Promise<Set<string>> {
  if (!common) {
    const { dictionary } = await import('@zxcvbn-ts/language-common');
    common = new Set(dictionary['passwords-common'].filter((p) => p.length >= PASSWORD_MIN_LENGTH));
  }
  return common;
}

export type PasswordProblem = 'invalid' | 'common' | 'personal';

/**
 * Why a new password is refused (the strings key is `fields.<field>.<problem>`), or undefined when it
 * is acceptable. Length is also checked by the schemas; this adds what a schema cannot (ASVS: refuse
 * common/breached passwords and the account's own identifiers).
 */
export async function passwordProblem(password: string, context: { email: string; displayName?: string }): Promise<PasswordProblem | undefined> {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) return 'invalid';
  const lower = password.toLowerCase();
  if ((await commonPasswords()).has(lower)) return 'common';
  const local = context.email.toLowerCase().split('@')[0];
  const identifiers = [context.email.toLowerCase(), local, context.displayName?.toLowerCase().replace(/\s+/g, '')];
  if (identifiers.some((id) => id && id.length >= 4 && lower.replace(/\s+/g, '').includes(id))) return 'personal';
  return undefined;
}
