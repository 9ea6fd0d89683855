import { isUtf8 } from 'node:buffer';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import type { ValidationIssue } from '../validation-issue.ts';
import { CONTENT_ISSUE_CODES as C, dataIssue, quote } from './content-issues.ts';
import { asBuffer, type Checked } from './checked.ts';

/**
 * CDA R2 documents: well-formed XML (saxes: non-validating, never loads a DTD or an external entity),
 * root `ClinicalDocument` in `urn:hl7-org:v3`, header facts extracted for the cross-check with the
 * metadata. XML safety (RELIABILITY §R10): any DOCTYPE is refused, so no entity other than the five
 * predefined ones and character references exists — each reference expands to at most one character,
 * which rules out billion-laughs; depth, element and attribute counts are capped; UTF-8 only.
 */

export const HL7_V3_NAMESPACE = 'urn:hl7-org:v3';
/** CDA R2 `typeId` (fixed by the standard). */
export const CDA_TYPE_ID = { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' } as const;

export type XmlLimits = {
  maxDepth: number;
  maxElements: number;
  maxAttributesPerElement: number;
  maxAttributeValueLength: number;
};

export const XML_LIMITS: Readonly<XmlLimits> = {
  maxDepth: 200,
  maxElements: 1_000_000,
  maxAttributesPerElement: 256,
  maxAttributeValueLength: 65_536,
};

export type InstanceIdentifier = { root: string; extension: string | null };
export type CdaCode = { code: string | null; codeSystem: string | null; displayName: string | null };

export type CdaDetails = {
  kind: 'cda';
  typeId: InstanceIdentifier | null;
  templateIds: InstanceIdentifier[];
  documentId: InstanceIdentifier | null;
  setId: InstanceIdentifier | null;
  versionNumber: string | null;
  code: CdaCode | null;
  title: string | null;
  effectiveTime: string | null;
  confidentialityCode: CdaCode | null;
  languageCode: string | null;
  /** recordTarget/patientRole/id, in document order (the INS is one whose root is an INS OID). */
  patientIds: InstanceIdentifier[];
  /** component/structuredBody (CDA N3) or component/nonXMLBody (N1, e.g. an embedded PDF). */
  body: 'structured' | 'nonXml' | null;
  nonXmlBodyMediaType: string | null;
  elementCount: number;
  maxDepth: number;
};

const MAX_TITLE = 1000;

/** Thrown by our handlers to stop saxes at the first reason to refuse; never leaves this module. */
class StopParsing {
  constructor(readonly issue: ValidationIssue) {}
}

/** Parses and checks a CDA R2 document. Never throws; O(n) with the caps of `limits`. */
export function checkCda(bytes: Uint8Array, limits: XmlLimits = XML_LIMITS): Checked<CdaDetails> {
  const view = asBuffer(bytes);
  if (!isUtf8(view)) {
    return refuse(dataIssue(C.XML_ENCODING_UNSUPPORTED, "Le document XML doit être encodé en UTF-8 (CI-SIS)."));
  }
  const bom = view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf ? 3 : 0;
  const text = view.toString('utf8', bom);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const d = emptyDetails();
  const stack: string[] = []; // local names (prefixed by {uri} outside HL7 v3)
  let attributesHere = 0;
  let title = '';
  let inTitle = 0; // depth of the header <title>, 0 when outside

  parser.on('xmldecl', (decl) => {
    const enc = decl.encoding?.toLowerCase();
    if (enc !== undefined && enc !== 'utf-8' && enc !== 'utf8') {
      stop(C.XML_ENCODING_UNSUPPORTED, `Le document XML déclare l'encodage ${quote(decl.encoding ?? '', 30)} : seul UTF-8 est accepté.`);
    }
  });
  parser.on('doctype', () => {
    throw new StopParsing(dtdForbidden());
  });
  parser.on('opentagstart', () => {
    attributesHere = 0;
    if (stack.length + 1 > limits.maxDepth) {
      stop(C.XML_TOO_DEEP, `Le document XML est trop profond (plus de ${limits.maxDepth} niveaux d'éléments imbriqués).`);
    }
    if (++d.elementCount > limits.maxElements) {
      stop(C.XML_TOO_MANY_ELEMENTS, `Le document XML contient trop d'éléments (plus de ${limits.maxElements}).`);
    }
  });
  parser.on('attribute', (attr) => {
    if (++attributesHere > limits.maxAttributesPerElement) {
      stop(C.XML_TOO_MANY_ATTRIBUTES, `Un élément XML porte trop d'attributs (plus de ${limits.maxAttributesPerElement}).`);
    }
    if (attr.value.length > limits.maxAttributeValueLength) {
      stop(C.XML_ATTRIBUTE_TOO_LONG, `Un attribut XML dépasse ${limits.maxAttributeValueLength} caractères.`);
    }
  });
  parser.on('opentag', (tag) => {
    const name = tag.uri === HL7_V3_NAMESPACE ? tag.local : `{${tag.uri}}${tag.local}`;
    if (stack.length === 0 && name !== 'ClinicalDocument') {
      stop(
        C.CDA_ROOT_INVALID,
        `L'élément racine doit être ClinicalDocument dans l'espace de noms ${HL7_V3_NAMESPACE} ` +
          `(reçu : ${quote(tag.local, 60)}${tag.uri ? ` dans ${quote(tag.uri, 60)}` : ' sans espace de noms'}).`,
      );
    }
    stack.push(name);
    d.maxDepth = Math.max(d.maxDepth, stack.length);
    if (readHeader(d, stack, tag) === 'title' && inTitle === 0) inTitle = stack.length;
  });
  parser.on('closetag', () => {
    if (inTitle === stack.length) {
      inTitle = -1; // only the first header title counts
      d.title = title.replace(/\s+/gu, ' ').trim().slice(0, MAX_TITLE);
    }
    stack.pop();
  });
  const onText = (t: string): void => {
    if (inTitle > 0 && title.length < MAX_TITLE * 2) title += t.slice(0, MAX_TITLE * 2);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof StopParsing) return refuse(err.issue);
    // A refused document that tried a DOCTYPE (even a broken or lower-case one) says so.
    if (/<!doctype/i.test(text)) return refuse(dtdForbidden());
    return refuse(malformed(err, parser.line, parser.column + 1));
  }
  if (d.typeId?.root !== CDA_TYPE_ID.root || d.typeId.extension !== CDA_TYPE_ID.extension) {
    return refuse(
      dataIssue(
        C.CDA_TYPE_ID_INVALID,
        `Le document CDA doit porter typeId root="${CDA_TYPE_ID.root}" extension="${CDA_TYPE_ID.extension}" (CDA R2).`,
      ),
    );
  }
  return { ok: true, details: d };
}

function stop(code: (typeof C)[keyof typeof C], message: string): never {
  throw new StopParsing(dataIssue(code, message));
}

/** Records the header facts; returns the element's name when it is the header title. */
function readHeader(d: CdaDetails, stack: readonly string[], tag: SaxesTagNS): string | null {
  const depth = stack.length;
  const name = stack[depth - 1];
  const parent = stack[depth - 2];
  const a = tag.attributes;
  if (depth === 2) {
    switch (name) {
      case 'typeId':
        d.typeId ??= ii(a);
        break;
      case 'templateId': {
        const id = ii(a);
        if (id) d.templateIds.push(id);
        break;
      }
      case 'id':
        d.documentId ??= ii(a);
        break;
      case 'setId':
        d.setId ??= ii(a);
        break;
      case 'versionNumber':
        d.versionNumber ??= attr(a, 'value');
        break;
      case 'code':
        d.code ??= cd(a);
        break;
      case 'effectiveTime':
        d.effectiveTime ??= attr(a, 'value');
        break;
      case 'confidentialityCode':
        d.confidentialityCode ??= cd(a);
        break;
      case 'languageCode':
        d.languageCode ??= attr(a, 'code');
        break;
      case 'title':
        return 'title';
    }
  } else if (depth === 3 && parent === 'component') {
    if (name === 'structuredBody') d.body ??= 'structured';
    if (name === 'nonXMLBody') d.body ??= 'nonXml';
  } else if (depth === 4 && name === 'id' && parent === 'patientRole' && stack[1] === 'recordTarget') {
    const id = ii(a);
    if (id) d.patientIds.push(id);
  } else if (depth === 4 && name === 'text' && parent === 'nonXMLBody' && stack[1] === 'component') {
    d.nonXmlBodyMediaType ??= attr(a, 'mediaType');
  }
  return null;
}

function attr(a: Record<string, SaxesAttributeNS>, name: string): string | null {
  const v = Object.hasOwn(a, name) ? a[name]?.value : undefined;
  return v === undefined ? null : v.trim();
}

function ii(a: Record<string, SaxesAttributeNS>): InstanceIdentifier | null {
  const root = attr(a, 'root');
  return root === null ? null : { root, extension: attr(a, 'extension') };
}

function cd(a: Record<string, SaxesAttributeNS>): CdaCode {
  return { code: attr(a, 'code'), codeSystem: attr(a, 'codeSystem'), displayName: attr(a, 'displayName') };
}

function emptyDetails(): CdaDetails {
  return {
    kind: 'cda',
    typeId: null,
    templateIds: [],
    documentId: null,
    setId: null,
    versionNumber: null,
    code: null,
    title: null,
    effectiveTime: null,
    confidentialityCode: null,
    languageCode: null,
    patientIds: [],
    body: null,
    nonXmlBodyMediaType: null,
    elementCount: 0,
    maxDepth: 0,
  };
}

const SAXES_MESSAGES: ReadonlyArray<[RegExp, string]> = [
  [/^undefined entity/, 'entité non définie (seules &lt; &gt; &amp; &quot; &apos; et les références numériques sont admises)'],
  [/^unclosed tag/, 'balise non fermée'],
  [/^unmatched closing tag/, 'balise fermante sans balise ouvrante correspondante'],
  [/^text data outside of root node/, "texte en dehors de l'élément racine"],
  [/^document must contain a root element/, 'le document ne contient aucun élément racine'],
  [/^disallowed character/, 'caractère interdit en XML'],
  [/^unbound namespace prefix/, "préfixe d'espace de noms non déclaré"],
  [/^duplicate attribute/, 'attribut en double'],
];

function dtdForbidden(): ValidationIssue {
  return dataIssue(C.XML_DTD_FORBIDDEN, 'Les déclarations DOCTYPE (DTD, entités) sont interdites dans les documents XML.');
}

function malformed(err: unknown, line: number, column: number): ValidationIssue {
  const raw = err instanceof Error ? err.message.replace(/^\d+:\d+: /, '') : String(err);
  const french = SAXES_MESSAGES.find(([re]) => re.test(raw))?.[1] ?? 'syntaxe XML invalide';
  return dataIssue(
    C.XML_MALFORMED,
    `Le document XML est mal formé (ligne ${line}, colonne ${column}) : ${french} (détail : ${quote(raw, 120)}).`,
  );
}

function refuse(...issues: ValidationIssue[]): Checked<never> {
  return { ok: false, issues };
}
