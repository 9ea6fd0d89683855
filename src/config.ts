import { z } from 'zod';
import { parseTrustedProxies } from './config-proxies.ts';
import { weakSecretReason } from './config-secrets.ts';

/**
 * Configuration, parsed once at start from `OPENMES_*` environment variables (plus the conventional
 * `DATABASE_URL`). Invalid configuration stops the process with a message naming each variable.
 */
const schema = z.object({
  OPENMES_MODE: z.enum(['development', 'production', 'test']).default('development'),
  OPENMES_HOST: z.string().default('127.0.0.1'),
  OPENMES_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  OPENMES_PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  OPENMES_DATA_DIR: z.string().default('./data'),
  OPENMES_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OPENMES_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  OPENMES_MAIL_FROM: z.string().default('Mon espace santé <ne-pas-repondre@openmes.local>'),
  OPENMES_OPPOSITION_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(42),
  OPENMES_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(10),
  OPENMES_MAX_CARERS: z.coerce.number().int().min(0).max(10).default(1),
  OPENMES_MEDICO_SOCIAL_ENABLED: z.enum(['true', 'false']).default('false'),
  OPENMES_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).max(200 * 1024 * 1024).default(20 * 1024 * 1024),
  OPENMES_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  OPENMES_COOKIE_SECRET: z.string().min(32).optional(),
  OPENMES_PRO_OIDC_ISSUER: z.string().url().optional(),
  OPENMES_PRO_OIDC_CLIENT_ID: z.string().optional(),
  OPENMES_PRO_OIDC_CLIENT_SECRET: z.string().optional(),
  OPENMES_PATIENT_OIDC_ISSUER: z.string().url().optional(),
  OPENMES_PATIENT_OIDC_CLIENT_ID: z.string().optional(),
  OPENMES_PATIENT_OIDC_CLIENT_SECRET: z.string().optional(),
  // Addresses (IPs or CIDRs, comma-separated) whose X-Forwarded-* headers are believed; none by default.
  OPENMES_TRUSTED_PROXIES: z.string().default('').transform((value, ctx) => {
    const parsed = parseTrustedProxies(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `not an IP address or CIDR: ${parsed.invalid}` });
    return parsed.ok ? parsed.proxies : [];
  }),
  OPENMES_API_DOCS: z.enum(['public', 'off']).optional(),
});

export type Config = {
  mode: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  oppositionWindowDays: number;
  retentionYears: number;
  maxCarers: number;
  medicoSocialEnabled: boolean;
  maxDocumentBytes: number;
  accessTokenTtlSeconds: number;
  cookieSecret: string | undefined;
  proIdentityProvider: ExternalIdp | undefined;
  patientIdentityProvider: ExternalIdp | undefined;
  /** IPs / CIDRs of the reverse proxies whose X-Forwarded-* headers are trusted (empty: none). */
  trustedProxies: string[];
  /** Swagger UI and the OpenAPI document at /api/docs: public, or off (the default in production). */
  apiDocs: 'public' | 'off';
};

export type ExternalIdp = { issuer: string; clientId: string; clientSecret: string | undefined };

export class ConfigError extends Error {}

/** Parses and validates the environment; throws ConfigError listing every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.OPENMES_MODE === 'production') {
    const missing = [];
    if (!e.DATABASE_URL) missing.push('DATABASE_URL (production runs on PostgreSQL)');
    if (!e.OPENMES_PUBLIC_URL) missing.push('OPENMES_PUBLIC_URL');
    if (!e.OPENMES_COOKIE_SECRET) missing.push('OPENMES_COOKIE_SECRET');
    if (!e.OPENMES_SMTP_URL) missing.push('OPENMES_SMTP_URL');
    if (missing.length) throw new ConfigError(`Invalid configuration for production:\n  missing ${missing.join('\n  missing ')}`);
    const weak = weakSecretReason(e.OPENMES_COOKIE_SECRET!);
    if (weak) throw new ConfigError(`Invalid configuration for production:\n  OPENMES_COOKIE_SECRET: ${weak}`);
  }
  const idp = (issuer?: string, clientId?: string, clientSecret?: string): ExternalIdp | undefined =>
    issuer && clientId ? { issuer, clientId, clientSecret } : undefined;
  return {
    mode: e.OPENMES_MODE,
    host: e.OPENMES_HOST,
    port: e.OPENMES_PORT,
    publicUrl: (e.OPENMES_PUBLIC_URL ?? `http://${e.OPENMES_HOST}:${e.OPENMES_PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.OPENMES_DATA_DIR,
    logLevel: e.OPENMES_LOG_LEVEL,
    smtpUrl: e.OPENMES_SMTP_URL,
    mailFrom: e.OPENMES_MAIL_FROM,
    oppositionWindowDays: e.OPENMES_OPPOSITION_WINDOW_DAYS,
    retentionYears: e.OPENMES_RETENTION_YEARS,
    maxCarers: e.OPENMES_MAX_CARERS,
    medicoSocialEnabled: e.OPENMES_MEDICO_SOCIAL_ENABLED === 'true',
    maxDocumentBytes: e.OPENMES_MAX_DOCUMENT_BYTES,
    accessTokenTtlSeconds: e.OPENMES_ACCESS_TOKEN_TTL_SECONDS,
    cookieSecret: e.OPENMES_COOKIE_SECRET,
    proIdentityProvider: idp(e.OPENMES_PRO_OIDC_ISSUER, e.OPENMES_PRO_OIDC_CLIENT_ID, e.OPENMES_PRO_OIDC_CLIENT_SECRET),
    patientIdentityProvider: idp(e.OPENMES_PATIENT_OIDC_ISSUER, e.OPENMES_PATIENT_OIDC_CLIENT_ID, e.OPENMES_PATIENT_OIDC_CLIENT_SECRET),
    trustedProxies: e.OPENMES_TRUSTED_PROXIES,
    apiDocs: e.OPENMES_API_DOCS ?? (e.OPENMES_MODE === 'production' ? 'off' : 'public'),
  };
}
