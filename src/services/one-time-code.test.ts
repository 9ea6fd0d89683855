import { describe, expect, it } from 'vitest';
import { generateOneTimeCode, hashOneTimeCode, oneTimeCodeMatches } from './one-time-code.ts';

describe('one-time sign-in codes', () => {
  it('are 6 digits', () => {
    for (let i = 0; i < 200; i++) expect(generateOneTimeCode()).toMatch(/^\d{6}$/);
  });

  it('are stored as a hash bound to their challenge and compared exactly', () => {
    const hash = hashOneTimeCode('challenge-1', '042917');
    expect(hash).not.toContain('042917');
    expect(hashOneTimeCode('challenge-2', '042917')).not.toBe(hash);
    expect(oneTimeCodeMatches('challenge-1', '042917', hash)).toBe(true);
    expect(oneTimeCodeMatches('challenge-1', ' 042 917 ', hash)).toBe(true);
    expect(oneTimeCodeMatches('challenge-1', '042918', hash)).toBe(false);
    expect(oneTimeCodeMatches('challenge-2', '042917', hash)).toBe(false);
    expect(oneTimeCodeMatches('challenge-1', '42917', hash)).toBe(false);
    expect(oneTimeCodeMatches('challenge-1', 'abcdef', hash)).toBe(false);
  });
});
