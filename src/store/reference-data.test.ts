import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REFERENCE_DATA_DIR,
  loadProfessionCatalog,
  loadReferenceManifest,
  readReferenceFile,
} from './reference-data.ts';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A writable copy of the real reference-data folder. */
function copyOfReferenceData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openmes-refdata-'));
  temps.push(dir);
  cpSync(DEFAULT_REFERENCE_DATA_DIR, dir, { recursive: true });
  return dir;
}

/** Rewrites the professions CSV and its sha256 in the manifest. */
function replaceProfessions(dir: string, text: string): void {
  writeFileSync(join(dir, 'professions_and_roles.csv'), text);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  for (const d of manifest.datasets) {
    if (d.id === 'professions_and_roles') d.sha256 = createHash('sha256').update(text).digest('hex');
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

describe('loadProfessionCatalog (real reference data)', () => {
  const catalog = loadProfessionCatalog();

  it('loads the 116 professions and roles of version 2024-12-13', () => {
    expect(catalog.all()).toHaveLength(116);
    expect(catalog.version).toBe('2024-12-13');
    expect(catalog.effectiveFrom).toBe('2024-12-13');
    const perTerminology: Record<string, number> = {};
    for (const e of catalog.all()) perTerminology[e.terminologyShortName] = (perTerminology[e.terminologyShortName] ?? 0) + 1;
    expect(perTerminology).toEqual({
      G15: 29,
      R85: 70,
      R94: 12,
      R95: 5,
    });
  });

  it('finds the entries used across the project', () => {
    expect(catalog.get('G15:10')).toMatchObject({ display: 'Médecin', kind: 'health', deprecated: false });
    expect(catalog.get('R85:301')).toMatchObject({ display: "Coordination territoriale d'appui (PAERPA)", kind: 'medico_social' });
    expect(catalog.get('R94:41')).toMatchObject({ display: 'Assistant de service social', kind: 'medico_social' });
    expect(catalog.get('R95:93')).toMatchObject({ display: 'Psychologue', kind: 'medico_social' });
    expect(['35', '36', '37', '38', '39'].every((c) => catalog.isDeprecated(`G15:${c}`))).toBe(true);
    expect(catalog.all().filter((e) => e.deprecated)).toHaveLength(5);
    expect(catalog.all().filter((e) => e.kind === 'health')).toHaveLength(29);
  });

  it('selects the version in force at a date', () => {
    expect(loadProfessionCatalog(DEFAULT_REFERENCE_DATA_DIR, { date: '2025-01-01' }).version).toBe('2024-12-13');
    expect(() => loadProfessionCatalog(DEFAULT_REFERENCE_DATA_DIR, { date: '2024-12-12' })).toThrow(/aucune version en vigueur/);
  });
});

describe('reference-data manifest', () => {
  it('lists existing files whose sha256 matches', () => {
    const manifest = loadReferenceManifest();
    expect(manifest.datasets.map((d) => d.id)).toContain('dmp_typecode_J66_to_classcode_J57');
    expect(manifest.datasets.filter((d) => d.file.startsWith('ans-nos/'))).toHaveLength(11);
    for (const d of manifest.datasets) expect(readReferenceFile(manifest, d).length).toBeGreaterThan(0);
  });
});

describe('loadProfessionCatalog (fails fast)', () => {
  it('throws when a file does not match its checksum', () => {
    const dir = copyOfReferenceData();
    writeFileSync(join(dir, 'professions_and_roles.csv'), 'terminology,oid,code,display_fr,kind,status_note\n');
    expect(() => loadProfessionCatalog(dir)).toThrow(/REFERENCE_DATA_CHECKSUM/);
  });

  it('throws an Error listing every issue of an invalid CSV', () => {
    const dir = copyOfReferenceData();
    const text = readFileSync(join(dir, 'professions_and_roles.csv'), 'utf8');
    const firstRow = text.split('\n')[1]!;
    replaceProfessions(dir, `${text}${firstRow}\n${firstRow.replace(',10,', ',11,').replace('Médecin', '')}\n`);
    expect(() => loadProfessionCatalog(dir)).toThrow(/TERMINOLOGY_PROFESSIONS_DUPLICATE[\s\S]*TERMINOLOGY_PROFESSIONS_DISPLAY/);
  });

  it('throws on a bad header and on a missing manifest', () => {
    const dir = copyOfReferenceData();
    const text = readFileSync(join(dir, 'professions_and_roles.csv'), 'utf8');
    replaceProfessions(dir, text.replace('display_fr', 'libelle'));
    expect(() => loadProfessionCatalog(dir)).toThrow(/TERMINOLOGY_PROFESSIONS_HEADER/);
    rmSync(join(dir, 'manifest.json'));
    expect(() => loadProfessionCatalog(dir)).toThrow(/Manifeste/);
  });
});
