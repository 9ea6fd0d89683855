import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProfessionsCsv, PROFESSIONS_CSV_HEADER } from './professions.ts';

const meta = { version: '2024-12-13', effectiveFrom: '2024-12-13' };
const HEADER = PROFESSIONS_CSV_HEADER.join(',');
const G15 = 'TRE_G15-ProfessionSante,1.2.250.1.71.1.2.7';
const R85 = 'TRE_R85-RolePriseCharge,1.2.250.1.213.1.6.1.107';
const R94 = 'TRE_R94-ProfessionSocial (name inferred; OID as found in JDV_J48),1.2.250.1.213.1.6.1.4';
const R95 = 'TRE_R95-UsagerTitre,1.2.250.1.213.1.6.1.109';
const HEALTH = 'profession de santé (RPPS)';
const ROLE = 'rôle (non-PS / médico-social / personnel)';

const sample = [
  HEADER,
  `${G15},10,Médecin,${HEALTH},`,
  `${G15},35,Aide-soignant,${HEALTH},deprecated in TRE_G15 on 2024-12-13 (equivalent roles exist in TRE_R85 codes 313-317)`,
  `${R85},301,Coordination territoriale d'appui (PAERPA),${ROLE},`,
  `${R85},339,"Autre professionnel intervenant dans la direction de la qualité, hygiène, sécurité et environnement",${ROLE},`,
  `${R94},41,Assistant de service social,profession du social,`,
  `${R95},93,Psychologue,usage de titre professionnel,`,
].join('\n');

const parseOk = (text: string) => {
  const result = parseProfessionsCsv(text, meta);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.catalog;
};
const issueCodes = (text: string, m = meta) => {
  const result = parseProfessionsCsv(text, m);
  return result.ok ? [] : result.issues.map((i) => i.code);
};

describe('parseProfessionsCsv — catalogue', () => {
  const catalog = parseOk(sample);

  it('keys entries by terminology short name and code', () => {
    expect(catalog.all().map((e) => e.key)).toEqual(['G15:10', 'G15:35', 'R85:301', 'R85:339', 'R94:41', 'R95:93']);
    expect(catalog.get('G15:10')).toMatchObject({
      terminology: 'TRE_G15-ProfessionSante',
      terminologyShortName: 'G15',
      oid: '1.2.250.1.71.1.2.7',
      code: '10',
      display: 'Médecin',
      kind: 'health',
      category: 'health_profession',
      deprecated: false,
    });
    expect(catalog.get('R85:339')?.display).toContain('qualité, hygiène');
    expect(catalog.get('R94:41')).toMatchObject({ terminology: 'TRE_R94-ProfessionSocial', terminologyNote: 'name inferred; OID as found in JDV_J48' });
    expect(catalog.version).toBe('2024-12-13');
    expect(catalog.effectiveFrom).toBe('2024-12-13');
  });

  it('maps the kinds of the file to health / medico_social', () => {
    expect(catalog.kind('G15:10')).toBe('health');
    expect(catalog.kind('R85:301')).toBe('medico_social');
    expect(catalog.get('R85:301')?.category).toBe('care_role');
    expect(catalog.get('R94:41')?.category).toBe('social_profession');
    expect(catalog.get('R95:93')?.category).toBe('protected_title');
    expect(catalog.kind('G15:99')).toBeUndefined();
  });

  it('knows deprecated entries and unknown keys', () => {
    expect(catalog.isDeprecated('G15:35')).toBe(true);
    expect(catalog.get('G15:35')?.deprecatedOn).toBe('2024-12-13');
    expect(catalog.isDeprecated('G15:10')).toBe(false);
    expect(catalog.isDeprecated('G15:99')).toBe(false);
    expect(catalog.isKnownProfessionKey('R95:93')).toBe(true);
    expect(catalog.isKnownProfessionKey('G15:93')).toBe(false);
    expect(catalog.isKnownProfessionKey('10')).toBe(false);
  });

  it('accepts a byte-order mark and CRLF line ends', () => {
    expect(parseOk(`\uFEFF${sample.replaceAll('\n', '\r\n')}\r\n`).all()).toHaveLength(6);
  });
});

describe('parseProfessionsCsv — refusals', () => {
  it('refuses a header that is not exactly the expected one', () => {
    expect(issueCodes(sample.replace('display_fr', 'display'))).toEqual(['TERMINOLOGY_PROFESSIONS_HEADER']);
    expect(issueCodes(sample.replace(HEADER, `${HEADER},extra`))).toEqual(['TERMINOLOGY_PROFESSIONS_HEADER']);
    expect(issueCodes('')).toEqual(['TERMINOLOGY_PROFESSIONS_HEADER']);
  });

  it('refuses a duplicate (terminology, code), naming both lines', () => {
    const result = parseProfessionsCsv(`${sample}\n${G15},10,Médecin bis,${HEALTH},`, meta);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toEqual([expect.objectContaining({ field: 'row[8].code', code: 'TERMINOLOGY_PROFESSIONS_DUPLICATE' })]);
      expect(result.issues[0]?.message).toContain('ligne 2');
    }
  });

  it('refuses inconsistent OIDs in both directions', () => {
    expect(issueCodes(`${sample}\nTRE_G15-ProfessionSante,1.2.250.1.71.1.2.8,11,X,${HEALTH},`)).toEqual(['TERMINOLOGY_PROFESSIONS_OID']);
    expect(issueCodes(`${sample}\nTRE_G16-Autre,1.2.250.1.71.1.2.7,11,X,${HEALTH},`)).toEqual(['TERMINOLOGY_PROFESSIONS_OID']);
    expect(issueCodes(`${sample}\n${G15.replace('1.2.250.1.71.1.2.7', '1.2..7')},11,X,${HEALTH},`)).toEqual(['TERMINOLOGY_PROFESSIONS_OID']);
  });

  it('refuses empty displays and codes, unknown kinds and terminologies, wrong column counts', () => {
    expect(issueCodes(`${sample}\n${G15},11, ,${HEALTH},`)).toEqual(['TERMINOLOGY_PROFESSIONS_DISPLAY']);
    expect(issueCodes(`${sample}\n${G15},,X,${HEALTH},`)).toEqual(['TERMINOLOGY_PROFESSIONS_CODE']);
    expect(issueCodes(`${sample}\n${G15},11,X,profession inventée,`)).toEqual(['TERMINOLOGY_PROFESSIONS_KIND']);
    expect(issueCodes(`${sample}\nProfessions,1.2.3,11,X,${HEALTH},`)).toEqual(['TERMINOLOGY_PROFESSIONS_TERMINOLOGY']);
    expect(issueCodes(`${sample}\n${G15},11,X,${HEALTH}`)).toEqual(['TERMINOLOGY_PROFESSIONS_COLUMNS']);
  });

  it('refuses a kind that changes within one terminology', () => {
    expect(issueCodes(`${sample}\n${G15},11,X,${ROLE},`)).toEqual(['TERMINOLOGY_PROFESSIONS_KIND']);
  });

  it('refuses malformed CSV, an empty file body and bad metadata without throwing', () => {
    expect(issueCodes(`${sample}\n${G15},11,"unterminated,${HEALTH},`)).toEqual(['TERMINOLOGY_PROFESSIONS_CSV']);
    expect(issueCodes(HEADER)).toEqual(['TERMINOLOGY_PROFESSIONS_EMPTY']);
    expect(issueCodes(sample, { version: '', effectiveFrom: '13/12/2024' })).toEqual([
      'TERMINOLOGY_PROFESSIONS_META',
      'TERMINOLOGY_PROFESSIONS_META',
    ]);
  });
});

describe('parseProfessionsCsv — properties', () => {
  const rows = fc.uniqueArray(
    fc.record({
      terminology: fc.constantFrom(G15, R85, R94, R95),
      code: fc.stringMatching(/^[0-9]{1,4}$/),
      display: fc.string({ unit: fc.constantFrom(...'abcdeéè -\',"'), minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ''),
    }),
    { selector: (r) => `${r.terminology}|${r.code}`, minLength: 1, maxLength: 40 },
  );
  const kindOf: Record<string, string> = { [G15]: HEALTH, [R85]: ROLE, [R94]: 'profession du social', [R95]: 'usage de titre professionnel' };
  const line = (r: { terminology: string; code: string; display: string }) =>
    `${r.terminology},${r.code},"${r.display.replaceAll('"', '""')}",${kindOf[r.terminology]},`;

  it('loads every well-formed file, one entry per row', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const catalog = parseOk([HEADER, ...rs.map(line)].join('\n'));
        expect(catalog.all()).toHaveLength(rs.length);
        for (const r of rs) {
          const short = /^TRE_([A-Z]\d+)-/.exec(r.terminology)![1];
          expect(catalog.get(`${short}:${r.code}`)?.display).toBe(r.display.trim());
        }
      }),
    );
  });

  it('refuses any file where a row is repeated', () => {
    fc.assert(
      fc.property(rows, fc.nat(), (rs, n) => {
        const repeated = rs[n % rs.length]!;
        expect(issueCodes([HEADER, ...rs.map(line), line(repeated)].join('\n'))).toContain('TERMINOLOGY_PROFESSIONS_DUPLICATE');
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `${HEADER}\n${s}`)), (text) => {
        const result = parseProfessionsCsv(text, meta);
        if (!result.ok) for (const i of result.issues) expect(i.code).toMatch(/^TERMINOLOGY_PROFESSIONS_/);
      }),
    );
  });
});
