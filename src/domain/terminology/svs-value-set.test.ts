import { describe, expect, it } from 'vitest';
import { fhirSystemForOid, isSystemForOid, nosCanonical, parseSvsValueSet, SVS_ISSUE_CODES } from './svs-value-set.ts';

/** A small SVS file in the shape of the ANS ones. */
function svsXml(options: { id: string; url?: string; displayName?: string; revision?: string; concepts: string }): string {
  const url = options.url === undefined ? '' : `\n             urlFichier="${options.url}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<RetrieveValueSetResponse xmlns="urn:ihe:iti:svs:2008">
   <ValueSet dateFin=""
             displayName="${options.displayName ?? 'JDV_J99_Exemple_CISIS.tabs'}"
             id="${options.id}"
             revisionDate="${options.revision ?? '2024-09-27T12:00:00+01:00'}"${url}>
      <ConceptList>
${options.concepts}
      </ConceptList>
   </ValueSet>
</RetrieveValueSetResponse>`;
}

const concept = (code: string, codeSystem: string, displayName: string) =>
  `         <Concept code="${code}"\n                  codeSystem="${codeSystem}"\n                  displayName="${displayName}"/>`;

const codesOf = (xml: string, expectedOid?: string) => {
  const result = parseSvsValueSet(xml, expectedOid === undefined ? {} : { expectedOid });
  return result.ok ? [] : result.issues.map((i) => i.code);
};

describe('parseSvsValueSet', () => {
  const xml = svsXml({
    id: '1.2.250.1.213.1.1.5.467',
    url: 'https://mos.esante.gouv.fr/NOS/JDV_J04-XdsPracticeSettingCode-CISIS',
    concepts: [
      concept('AMBULATOIRE', '1.2.250.1.213.1.1.4.9', 'Ambulatoire'),
      '<!-- <Concept code="COMMENTED" codeSystem="1.2.3" displayName="ignored"/> -->',
      `<Concept code='ESSMS' codeSystem='1.2.250.1.213.1.1.4.9' displayName='Etablissement &amp; service &#233;&#x2F;m&apos;s'/>`,
      concept('E1762', 'ASTM', 'Full Document'),
    ].join('\n'),
  });

  it('reads the header and the concepts, decoding entities and skipping comments', () => {
    const result = parseSvsValueSet(xml, { expectedOid: '1.2.250.1.213.1.1.5.467' });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const vs = result.valueSet;
    expect(vs).toMatchObject({
      id: 'JDV_J04-XdsPracticeSettingCode-CISIS',
      oid: '1.2.250.1.213.1.1.5.467',
      version: '2024-09-27',
      canonical: 'https://mos.esante.gouv.fr/NOS/JDV_J04-XdsPracticeSettingCode-CISIS/FHIR/JDV-J04-XdsPracticeSettingCode-CISIS',
    });
    expect(vs.concepts.map((c) => c.code)).toEqual(['AMBULATOIRE', 'ESSMS', 'E1762']);
    expect(vs.get('ESSMS')?.display).toBe("Etablissement & service é/m's");
    expect(vs.has('COMMENTED')).toBe(false);
    expect(vs.get('E1762')?.codeSystem).toBe('ASTM');
  });

  it('derives the NOS id from the file name when urlFichier is absent', () => {
    const result = parseSvsValueSet(svsXml({ id: '1.2.3', displayName: 'JDV_VaccinCSE8_CISIS.tabs', concepts: concept('J07', '2.16.840.1.113883.6.73', 'Vaccins') }));
    expect(result.ok && result.valueSet.id).toBe('JDV_VaccinCSE8-CISIS');
  });

  it('refuses DTDs and entity declarations (no expansion, no external entity)', () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml}`;
    expect(codesOf(evil)).toEqual([SVS_ISSUE_CODES.DTD]);
  });

  it('reports a wrong OID, unknown entities, bad concepts, duplicates and an empty list', () => {
    expect(codesOf(xml, '1.2.250.1.213.1.1.5.999')).toEqual([SVS_ISSUE_CODES.OID]);
    const bad = svsXml({
      id: '1.2.3',
      concepts: [
        concept('A', '1.2', 'x &nbsp; y'),
        concept('', 'not an oid', ''),
        concept('B', '1.2', 'b'),
        concept('B', '1.2', 'b again'),
      ].join('\n'),
    });
    expect(codesOf(bad)).toEqual([
      SVS_ISSUE_CODES.ENTITY,
      SVS_ISSUE_CODES.CONCEPT, SVS_ISSUE_CODES.CONCEPT, SVS_ISSUE_CODES.CONCEPT,
      SVS_ISSUE_CODES.DUPLICATE,
    ]);
    expect(codesOf(svsXml({ id: '1.2.3', revision: 'soon', concepts: '' }))).toEqual([SVS_ISSUE_CODES.HEADER, SVS_ISSUE_CODES.EMPTY]);
    expect(codesOf('<nothing/>')).toEqual([SVS_ISSUE_CODES.XML]);
  });
});

describe('code systems', () => {
  it('maps OIDs to FHIR system URIs (official URI, else urn:oid)', () => {
    expect(fhirSystemForOid('2.16.840.1.113883.6.1')).toBe('http://loinc.org');
    expect(fhirSystemForOid('1.2.250.1.213.1.1.4.12')).toBe('urn:oid:1.2.250.1.213.1.1.4.12');
    expect(fhirSystemForOid('2.16.840.1.113883.5.25')).toBe('http://terminology.hl7.org/CodeSystem/v3-Confidentiality');
    expect(fhirSystemForOid('1.2.250.1.213.1.1.4.13')).toBe('urn:oid:1.2.250.1.213.1.1.4.13');
  });

  it('accepts the official URI, the urn:oid form and the ANS canonical on input', () => {
    expect(isSystemForOid('http://loinc.org', '2.16.840.1.113883.6.1')).toBe(true);
    expect(isSystemForOid('urn:oid:2.16.840.1.113883.6.1', '2.16.840.1.113883.6.1')).toBe(true);
    expect(isSystemForOid(nosCanonical('TRE_A05-TypeDocComplementaire'), '1.2.250.1.213.1.1.4.12')).toBe(true);
    expect(isSystemForOid('http://loinc.org', '1.2.250.1.213.1.1.4.12')).toBe(false);
    expect(nosCanonical('TRE_A05-TypeDocComplementaire')).toBe(
      'https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire',
    );
  });
});
