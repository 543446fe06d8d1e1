/**
 * The account rules in one place (durations, password length, rate limits), used by the service, the
 * routes and the tests alike.
 */
const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** Bearer tokens of the API: short, and the session row ends with them. */
export const API_TOKEN_TTL_S = 15 * MINUTE;
/** Browser sessions: the cookie's token lapses after this much inactivity… */
export const BROWSER_IDLE_TTL_S = 2 * HOUR;
/** …and is re-signed (same session) when older than this, so an active user is not logged out… */
export const BROWSER_RENEW_AFTER_S = 10 * MINUTE;
/** …until the session itself ends, whatever the activity (OWASP ASVS L2: re-authenticate every 12 h). */
export const BROWSER_SESSION_TTL_S = 12 * HOUR;

/** E-mailed links. */
export const VERIFY_EMAIL_TTL_S = 48 * HOUR;
export const RESET_PASSWORD_TTL_S = 30 * MINUTE;

/** NIST SP 800-63B / ASVS: at least 8 characters, long passphrases welcome, no composition rules. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Roles one can give oneself by signing up; counsellors and admins are created by a tenant admin. */
export const SELF_SERVICE_ROLES = ['candidate', 'employer'] as const;

/**
 * Rate limits (per tenant): generous per IP (a mission locale's office shares one address between
 * many young people), tight per e-mail (what a password-guessing attack targets).
 */
export const LIMITS = {
  logInPerIp: { max: 30, windowMs: 15 * MINUTE * 1000 },
  logInPerEmail: { max: 8, windowMs: 15 * MINUTE * 1000 },
  signUpPerIp: { max: 10, windowMs: HOUR * 1000 },
  signUpPerEmail: { max: 3, windowMs: HOUR * 1000 },
  /** Password-reset requests and verification e-mails (each one sends a message). */
  mailPerIp: { max: 10, windowMs: HOUR * 1000 },
  mailPerEmail: { max: 3, windowMs: HOUR * 1000 },
} as const;
