import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { readCda, type XmlNode } from './cda-sections.ts';

/** A DOM-like tree built with saxes (the browser uses DOMParser; Node has none). */
function parse(xml: string): XmlNode {
  type Node = XmlNode & { childNodes: Node[]; attributes?: Record<string, string> };
  const textNode = (text: string): Node => ({ nodeType: 3, textContent: text, childNodes: [] });
  const root: Node = { nodeType: 9, textContent: null, childNodes: [] };
  const stack: Node[] = [root];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag) => {
    const attributes = Object.fromEntries(Object.values(tag.attributes).map((a) => [(a as { local: string }).local, (a as { value: string }).value]));
    const el: Node = {
      nodeType: 1, localName: tag.local ?? tag.name, namespaceURI: tag.uri ?? null, childNodes: [], attributes,
      get textContent() { return this.childNodes.map((c) => c.textContent ?? '').join(''); },
      getAttribute(name: string) { return this.attributes?.[name] ?? null; },
    };
    stack[stack.length - 1]!.childNodes.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (text) => void stack[stack.length - 1]!.childNodes.push(textNode(text)));
  parser.on('cdata', (text) => void stack[stack.length - 1]!.childNodes.push({ nodeType: 4, textContent: text, childNodes: [] }));
  parser.write(xml).close();
  return root.childNodes.find((n) => n.nodeType === 1)!;
}

const cda = (body: string, title = 'Compte rendu de consultation') => `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <title>${title}</title>
  <recordTarget><patientRole><patient><name><given>Jeanne</given></name></patient></patientRole></recordTarget>
  <component>${body}</component>
</ClinicalDocument>`;

describe('CDA R2 readable view', () => {
  it('gives the document title and each section title with its paragraphs, lists and tables, in order', () => {
    const view = readCda(parse(cda(`<structuredBody>
      <component><section>
        <title>Motif de consultation</title>
        <text>Contrôle &amp; suivi de l&#8217;hypertension.<br/>Pas de plainte.</text>
      </section></component>
      <component><section>
        <title>Traitements</title>
        <text>
          <paragraph>Traitement <content styleCode="Bold">inchangé</content> :</paragraph>
          <list><item>Amlodipine 5 mg</item><item>  Paracétamol   1 g </item></list>
          <table><caption>Mesures</caption>
            <thead><tr><th>Mesure</th><th>Valeur</th></tr></thead>
            <tbody><tr><td>Tension</td><td>13/8</td></tr><tr><td>Poids</td><td>70 kg</td></tr></tbody>
          </table>
        </text>
        <component><section><title>Allergies</title><text>Aucune connue</text></section></component>
      </section></component>
    </structuredBody>`)));
    expect(view).toEqual({
      title: 'Compte rendu de consultation',
      attachedMediaType: null,
      sections: [
        { title: 'Motif de consultation', level: 1, blocks: [{ kind: 'paragraph', text: 'Contrôle & suivi de l’hypertension.\nPas de plainte.' }] },
        {
          title: 'Traitements', level: 1, blocks: [
            { kind: 'paragraph', text: 'Traitement inchangé :' },
            { kind: 'list', items: ['Amlodipine 5 mg', 'Paracétamol 1 g'] },
            { kind: 'table', caption: 'Mesures', header: ['Mesure', 'Valeur'], rows: [['Tension', '13/8'], ['Poids', '70 kg']] },
          ],
        },
        { title: 'Allergies', level: 2, blocks: [{ kind: 'paragraph', text: 'Aucune connue' }] },
      ],
    });
  });

  it('keeps markup-looking text as text: nothing of the document becomes HTML', () => {
    const view = readCda(parse(cda(`<structuredBody><component><section>
      <title>&lt;img src=x onerror=alert(1)&gt;</title>
      <text><![CDATA[<script>alert(1)</script>]]><renderMultiMedia referencedObject="x"/></text>
    </section></component></structuredBody>`)));
    expect(view?.sections).toEqual([
      { title: '<img src=x onerror=alert(1)>', level: 1, blocks: [{ kind: 'paragraph', text: '<script>alert(1)</script>' }] },
    ]);
  });

  it('reports a CDA whose body is an attached file, and refuses what is not a ClinicalDocument', () => {
    const view = readCda(parse(cda('<nonXMLBody><text mediaType="application/pdf" representation="B64">JVBERi0xLjQK</text></nonXMLBody>')));
    expect(view).toMatchObject({ sections: [], attachedMediaType: 'application/pdf' });
    expect(readCda(parse('<ClinicalDocument><title>Sans espace de noms</title></ClinicalDocument>'))).toBeNull();
    expect(readCda(parse('<html xmlns="http://www.w3.org/1999/xhtml"><body>Bonjour</body></html>'))).toBeNull();
  });
});
