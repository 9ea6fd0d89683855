/**
 * A CDA R2 document as a safe readable view: the document title and, for each section of the structured
 * body, its title and the text of its narrative block (paragraphs, lists, tables). Only text comes out:
 * the portal renders it as React text, never as HTML, and no stylesheet (XSLT) is ever applied.
 * Works on any DOM-like tree (the browser's DOMParser; a tiny tree in the unit tests).
 */

export const HL7_V3 = 'urn:hl7-org:v3';

/** The part of a DOM node this walker reads. */
export interface XmlNode {
  nodeType: number;
  localName?: string | null;
  namespaceURI?: string | null;
  textContent: string | null;
  childNodes: ArrayLike<XmlNode>;
  getAttribute?(name: string): string | null;
}

export type NarrativeBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; caption: string | null; header: string[]; rows: string[][] };

export interface CdaSection {
  title: string;
  /** 1 for a top-level section, 2 for a section inside it… */
  level: number;
  blocks: NarrativeBlock[];
}

export interface CdaView {
  title: string;
  sections: CdaSection[];
  /** A CDA whose body is an attached file (nonXMLBody): its media type, shown as such. */
  attachedMediaType: string | null;
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
/** Sections nested deeper than this are flattened into the last level (a hostile file cannot blow the stack). */
const MAX_DEPTH = 8;

const children = (n: XmlNode): XmlNode[] => Array.from(n.childNodes);
const isEl = (n: XmlNode, name?: string): boolean => n.nodeType === ELEMENT && (n.namespaceURI ?? HL7_V3) === HL7_V3 && (name === undefined || n.localName === name);
const child = (n: XmlNode, name: string): XmlNode | undefined => children(n).find((c) => isEl(c, name));
const childrenNamed = (n: XmlNode, name: string): XmlNode[] => children(n).filter((c) => isEl(c, name));

/** Collapses whitespace as a browser would, keeping the line breaks of <br/>. */
export function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\r\f\v\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** Inline text of a narrative node: text, <content>, <sub>, <sup>, links… with <br/> as a line break. */
function inlineText(n: XmlNode, depth = 0): string {
  if (n.nodeType === TEXT || n.nodeType === CDATA) return (n.textContent ?? '').replace(/\s+/g, ' ');
  if (n.nodeType !== ELEMENT || depth > 32) return '';
  if (n.localName === 'br') return '\n';
  if (n.localName === 'renderMultiMedia') return '';
  return children(n).map((c) => inlineText(c, depth + 1)).join('');
}

function table(n: XmlNode): NarrativeBlock {
  const rowsOf = (group: XmlNode | undefined): XmlNode[] => (group ? childrenNamed(group, 'tr') : []);
  const cells = (tr: XmlNode): string[] => children(tr).filter((c) => isEl(c, 'td') || isEl(c, 'th')).map((c) => tidy(inlineText(c)));
  const head = rowsOf(child(n, 'thead'));
  const bodies = [...childrenNamed(n, 'tbody'), n];
  const rows = bodies.flatMap(rowsOf).map(cells);
  const caption = child(n, 'caption');
  return { kind: 'table', caption: caption ? tidy(inlineText(caption)) || null : null, header: head[0] ? cells(head[0]) : [], rows };
}

/** The narrative block (<text>) as paragraphs, lists and tables; loose inline text becomes paragraphs. */
export function narrativeBlocks(text: XmlNode): NarrativeBlock[] {
  const blocks: NarrativeBlock[] = [];
  let inline = '';
  const flush = () => {
    const t = tidy(inline);
    if (t) blocks.push({ kind: 'paragraph', text: t });
    inline = '';
  };
  for (const c of children(text)) {
    if (isEl(c, 'paragraph')) {
      flush();
      inline = inlineText(c);
      flush();
    } else if (isEl(c, 'list')) {
      flush();
      const items = childrenNamed(c, 'item').map((i) => tidy(inlineText(i))).filter(Boolean);
      if (items.length) blocks.push({ kind: 'list', items });
    } else if (isEl(c, 'table')) {
      flush();
      blocks.push(table(c));
    } else {
      inline += inlineText(c);
    }
  }
  flush();
  return blocks;
}

function sections(parent: XmlNode, level: number, out: CdaSection[]): void {
  for (const component of childrenNamed(parent, 'component')) {
    const section = child(component, 'section');
    if (!section) continue;
    const title = child(section, 'title');
    const text = child(section, 'text');
    out.push({ title: title ? tidy(inlineText(title)) : '', level, blocks: text ? narrativeBlocks(text) : [] });
    sections(section, Math.min(level + 1, MAX_DEPTH), out);
  }
}

/** Reads a parsed CDA R2 document; null when the root is not an HL7 v3 ClinicalDocument. */
export function readCda(root: XmlNode): CdaView | null {
  if (!isEl(root, 'ClinicalDocument') || root.namespaceURI !== HL7_V3) return null;
  const title = child(root, 'title');
  const body = child(child(root, 'component') ?? root, 'structuredBody');
  const nonXml = child(child(root, 'component') ?? root, 'nonXMLBody');
  const out: CdaSection[] = [];
  if (body) sections(body, 1, out);
  const attached = nonXml ? child(nonXml, 'text') : undefined;
  return {
    title: title ? tidy(inlineText(title)) : '',
    sections: out,
    attachedMediaType: attached ? attached.getAttribute?.('mediaType') ?? 'application/octet-stream' : null,
  };
}

/** Parses the XML with the browser's DOMParser (no scripts, no external entities) and reads it. */
export function parseCdaText(xml: string, parser: { parseFromString(text: string, type: 'application/xml'): { documentElement: XmlNode | null; getElementsByTagName(name: string): ArrayLike<unknown> } }): CdaView | null {
  const doc = parser.parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0 || !doc.documentElement) return null;
  return readCda(doc.documentElement);
}
