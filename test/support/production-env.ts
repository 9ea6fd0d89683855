/**
 * The environment of a production platform (OPENMES_MODE=production passes parseConfig with it). The
 * database and SMTP server named here are never reached by the tests: they hand the platform its test
 * database, and no test starts the dispatcher against this SMTP URL.
 */
export const PRODUCTION_PUBLIC_URL = 'https://mes.example.test';

export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
  OPENMES_MODE: 'production',
  DATABASE_URL: 'postgres://openmes@db.invalid:5432/openmes',
  OPENMES_PUBLIC_URL: PRODUCTION_PUBLIC_URL,
  OPENMES_COOKIE_SECRET: 'kR3v9Qm2ZxT7pL0sWc8YbN4hJd6Fg1Ua5EeXo',
  OPENMES_SMTP_URL: 'smtp://mail.invalid:25',
};
