import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CATALOG } from './errors.ts';

describe('error catalogue', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it.each(Object.entries(ERROR_CATALOG))('%s is documented with its status', (code, { status }) => {
    expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
  });

  it('documents no code that the catalogue does not have', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CATALOG).sort());
  });

  it('codes are UPPER_SNAKE with an area prefix, messages are French sentences', () => {
    for (const [code, { message }] of Object.entries(ERROR_CATALOG)) {
      expect(code).toMatch(/^[A-Z]+_[A-Z_]+$/);
      expect(message).toMatch(/^[A-ZÀ-Ý].*\.$/u);
    }
  });

  it('an AppError takes its status and default message from the catalogue', () => {
    const e = new AppError('RESOURCE_NOT_FOUND');
    expect([e.status, e.message]).toEqual([404, 'Ressource introuvable.']);
  });
});
