import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('stores scrypt$N$r$p$salt$hash and verifies the right password only', async () => {
    const stored = await hashPassword('Demo-2026!', FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('Demo-2026!', stored)).toBe(true);
    expect(await verifyPassword('demo-2026!', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('same', FAST);
    const b = await hashPassword('same', FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('uses the default cost when none is given', async () => {
    const stored = await hashPassword('x');
    expect(stored.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('x', stored)).toBe(true);
  });

  it('treats a missing, malformed or abusive hash as no match, without throwing', async () => {
    const good = await hashPassword('pw', FAST);
    const [, , r, p, salt, hash] = good.split('$');
    for (const stored of [null, '', 'plain', 'bcrypt$x', `scrypt$1000$${r}$${p}$${salt}$${hash}`, `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`, `scrypt$1024$${r}$${p}$${salt}`, `scrypt$1024$${r}$${p}$$${hash}`]) {
      expect(await verifyPassword('pw', stored)).toBe(false);
    }
  });

  it('normalises Unicode (NFC) so a composed and a decomposed "é" match', async () => {
    const stored = await hashPassword('caf\u00e9', FAST);
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });
});
