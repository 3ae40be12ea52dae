import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type ScryptParams, scryptParams } from './features/auth/passwords.ts';

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  GAPAL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, colons, dashes or underscores')
    .default('gapal:'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  GAPAL_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as XOF')
    .default('XOF'),
  GAPAL_TIMEZONE: z
    .string()
    .refine(isValidTimeZone, 'an IANA time zone such as Africa/Ouagadougou')
    .default('Africa/Ouagadougou'),
  GAPAL_BUSINESS_NAME: z.string().min(1).default('Gapal du Faso'),
  GAPAL_ADMIN_USERNAME: z.string().min(3).max(64).optional(),
  GAPAL_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  GAPAL_DEMO_DATA: booleanText.default(true),
  GAPAL_WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  LOGIN_IP_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  // scrypt's cost N for new password hashes (2^15, about 50 ms); lower only for tests.
  PASSWORD_SCRYPT_N: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1_048_576)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
    .default(32_768),
  WS_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  WS_AUTH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(1_000_000),
  WS_MAX_MESSAGES_PER_10S: z.coerce.number().int().min(1).max(10_000).default(30),
  EXPIRY_CHECK_HOUR: z.coerce.number().int().min(0).max(23).default(6),
  EXPIRY_ALERT_DAYS: z
    .string()
    .regex(/^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$/, 'days before expiry, comma-separated, such as 3,1')
    .default('3,1'),
  TRUST_PROXY: z.string().min(1).default('loopback'),
  CORS_ORIGINS: z.string().default(''),
  HSTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(63_072_000).default(15_552_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SYNC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  GAPAL_BACKUP_DIR: z.string().min(1).default('./backups'),
  GAPAL_BACKUP_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
});

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type Config = {
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  redisUrl: string | undefined;
  /** Prefix of the keys the server writes in Redis (login and rate-limit counters). */
  redisKeyPrefix: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /**
   * A rotated refresh token presented again within this many seconds gets a new pair in the
   * same session instead of revoking it (a lost answer, a retry); later it counts as reuse.
   */
  refreshReuseGraceSeconds: number;
  currency: string;
  timeZone: string;
  businessName: string;
  firstAdmin: { username: string; password: string } | undefined;
  demoData: boolean;
  webDist: string | undefined;
  logLevel: string;
  bodyLimitBytes: number;
  login: { maxFailures: number; windowSeconds: number; ipMaxPerMinute: number };
  /** scrypt's parameters for new password hashes (a stored hash names its own). */
  passwordHashing: ScryptParams;
  realtime: {
    heartbeatSeconds: number;
    authTimeoutSeconds: number;
    /** A client whose unsent data passes this is closed (`slow_client`), so memory stays bounded. */
    maxBufferedBytes: number;
    maxMessagesPer10s: number;
  };
  /** Local hour (business time zone) of the daily expiry check, and the days-before-expiry alerts. */
  expiry: { checkHour: number; alertDays: number[] };
  /** Fastify `trustProxy`: whose X-Forwarded-* headers count (client IP, https). */
  trustProxy: boolean | string;
  security: {
    /** Browser origins allowed to call the API cross-origin; none by default (the app is same-origin). */
    corsOrigins: string[];
    /** Sent only on requests that arrived over https (directly or per a trusted proxy); 0 = never. */
    hstsMaxAgeSeconds: number;
    /** When set, `/metrics` wants this bearer token; otherwise it answers direct loopback calls only. */
    metricsToken: string | undefined;
    syncRateLimitPerMinute: number;
  };
  backup: { dir: string; keepDays: number };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses the environment once; reports every bad variable at the same time. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if ((e.GAPAL_ADMIN_USERNAME === undefined) !== (e.GAPAL_ADMIN_PASSWORD === undefined)) {
    problems.push('GAPAL_ADMIN_USERNAME and GAPAL_ADMIN_PASSWORD must be set together');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.GAPAL_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    dataDir,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    jwtSecret: e.JWT_SECRET ?? readOrCreateSecret(dataDir, 'jwt-secret'),
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
    currency: e.GAPAL_CURRENCY,
    timeZone: e.GAPAL_TIMEZONE,
    businessName: e.GAPAL_BUSINESS_NAME,
    firstAdmin:
      e.GAPAL_ADMIN_USERNAME && e.GAPAL_ADMIN_PASSWORD
        ? { username: e.GAPAL_ADMIN_USERNAME, password: e.GAPAL_ADMIN_PASSWORD }
        : undefined,
    demoData: e.GAPAL_DEMO_DATA,
    webDist: e.GAPAL_WEB_DIST,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    passwordHashing: scryptParams(e.PASSWORD_SCRYPT_N),
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      windowSeconds: e.LOGIN_WINDOW_SECONDS,
      ipMaxPerMinute: e.LOGIN_IP_MAX_PER_MINUTE,
    },
    realtime: {
      heartbeatSeconds: e.WS_HEARTBEAT_SECONDS,
      authTimeoutSeconds: e.WS_AUTH_TIMEOUT_SECONDS,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      maxMessagesPer10s: e.WS_MAX_MESSAGES_PER_10S,
    },
    expiry: {
      checkHour: e.EXPIRY_CHECK_HOUR,
      alertDays: [...new Set(e.EXPIRY_ALERT_DAYS.split(',').map((day) => Number(day.trim())))].sort(
        (a, b) => b - a,
      ),
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    security: {
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
      hstsMaxAgeSeconds: e.HSTS_MAX_AGE_SECONDS,
      metricsToken: e.METRICS_TOKEN,
      syncRateLimitPerMinute: e.SYNC_RATE_LIMIT_PER_MINUTE,
    },
    backup: { dir: path.resolve(e.GAPAL_BACKUP_DIR), keepDays: e.GAPAL_BACKUP_KEEP_DAYS },
  };
}

/** `true`/`false`, a hop count, or addresses/CIDRs/`loopback`/`uniquelocal` as proxy-addr reads them. */
function parseTrustProxy(value: string): boolean | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/** A fresh install is secure by default: the secret is random and kept (0600) in the data dir. */
function readOrCreateSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process started at the same moment and wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}
