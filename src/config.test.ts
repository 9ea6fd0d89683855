import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

/** A production configuration that passes, to vary one variable at a time. */
const PRODUCTION = {
  OPENMES_MODE: 'production',
  DATABASE_URL: 'postgres://openmes@db.internal:5432/openmes',
  OPENMES_PUBLIC_URL: 'https://mes.example.test',
  OPENMES_COOKIE_SECRET: 'kR3v9Qm2ZxT7pL0sWc8YbN4hJd6Fg1Ua5Ee',
  OPENMES_SMTP_URL: 'smtp://mail.internal:25',
};

const errorOf = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
};

describe('OPENMES_COOKIE_SECRET in production', () => {
  it('refuses a secret that is long enough but not random, naming the variable', () => {
    for (const weak of ['a'.repeat(32), 'abcdefghijklmnopqrstuvwxyzabcdef', 'motdepasse1234motdepasse1234motdepasse', '0123456789abcdef0123456789abcdef']) {
      const message = errorOf({ ...PRODUCTION, OPENMES_COOKIE_SECRET: weak });
      expect(message, weak).toContain('OPENMES_COOKIE_SECRET');
      expect(message, weak).toContain('openssl rand');
    }
    expect(errorOf({ ...PRODUCTION, OPENMES_COOKIE_SECRET: 'ab'.repeat(8) })).toContain('OPENMES_COOKIE_SECRET');
  });

  it('accepts secrets drawn at random (hex or base64, as openssl prints them)', () => {
    for (const secret of [PRODUCTION.OPENMES_COOKIE_SECRET, '3f9a1c7e52b80d4f6a2e9c1b7d05f8e3', 'q1Vx0mB3k+ZtR9w/8LpYc2Hn5sJeUo4Gf7aD6iKlQzE=']) {
      expect(parseConfig({ ...PRODUCTION, OPENMES_COOKIE_SECRET: secret }).cookieSecret).toBe(secret);
    }
  });

  it('is not judged outside production (development derives its own when absent)', () => {
    expect(parseConfig({ OPENMES_COOKIE_SECRET: 'a'.repeat(32) }).cookieSecret).toBe('a'.repeat(32));
  });
});

describe('OPENMES_TRUSTED_PROXIES', () => {
  it('trusts no proxy by default', () => {
    expect(parseConfig({}).trustedProxies).toEqual([]);
    expect(parseConfig(PRODUCTION).trustedProxies).toEqual([]);
  });

  it('reads addresses and CIDR ranges, comma-separated', () => {
    expect(parseConfig({ OPENMES_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.168.1.10 ,::1, fd00::/8' }).trustedProxies)
      .toEqual(['10.0.0.0/8', '192.168.1.10', '::1', 'fd00::/8']);
  });

  it('refuses anything else, naming the variable and the value', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/2', '*', '::1/129']) {
      const message = errorOf({ OPENMES_TRUSTED_PROXIES: bad });
      expect(message, bad).toContain('OPENMES_TRUSTED_PROXIES');
      expect(message, bad).toContain(bad);
    }
  });
});

describe('OPENMES_API_DOCS', () => {
  it('is off in production and public elsewhere unless set', () => {
    expect(parseConfig(PRODUCTION).apiDocs).toBe('off');
    expect(parseConfig({ ...PRODUCTION, OPENMES_API_DOCS: 'public' }).apiDocs).toBe('public');
    expect(parseConfig({}).apiDocs).toBe('public');
    expect(parseConfig({ OPENMES_API_DOCS: 'off' }).apiDocs).toBe('off');
    expect(errorOf({ OPENMES_API_DOCS: 'yes' })).toContain('OPENMES_API_DOCS');
  });
});
