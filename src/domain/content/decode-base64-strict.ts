import { Buffer } from 'node:buffer';
import type { ValidationResult } from '../validation-issue.ts';
import { CONTENT_ISSUE_CODES as C, dataIssue, formatBytes } from './content-issues.ts';

/** Value of each base64 character + 1 (0 = not in the alphabet); `=` handled apart. */
const ALPHABET = new Uint8Array(128);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  .split('')
  .forEach((ch, i) => (ALPHABET[ch.charCodeAt(0)] = i + 1));

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Decodes FHIR `attachment.data` (base64Binary): standard alphabet, padding required and canonical
 * (unused bits zero), XML-schema whitespace (space, tab, CR, LF) allowed anywhere. The decoded size is
 * known from the character count before anything is decoded, and the scan stops as soon as the text
 * cannot fit in `maxBytes` — an oversize payload costs at most `maxBytes × 4/3` characters read.
 * An empty text decodes to zero bytes (the content check then says CONTENT_EMPTY). Never throws.
 */
export function decodeBase64Strict(text: string, maxBytes: number): ValidationResult<Uint8Array> {
  if (typeof text !== 'string') return fail(C.BASE64_ALPHABET, 'Les données doivent être une chaîne base64.');
  if (!(maxBytes >= 0)) return fail(C.TOO_LARGE, 'Aucune taille maximale valide n’est configurée : contenu refusé.');
  // More characters than this cannot decode to ≤ maxBytes (or are not a multiple of 4).
  const stopAt = Math.ceil(maxBytes / 3) * 4 + 3;
  let count = 0;
  let pad = 0;
  let last = 0; // value of the last data character, for the canonical-padding check
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === 0x3d) {
      if (++pad > 2) return fail(C.BASE64_PADDING, 'Le base64 contient plus de deux caractères de remplissage « = ».');
    } else {
      const v = c < 128 ? (ALPHABET[c] as number) : 0;
      if (v === 0) return fail(C.BASE64_ALPHABET, alphabetMessage(text, i));
      if (pad > 0) {
        return fail(C.BASE64_PADDING, `Le caractère de remplissage « = » n'est admis qu'à la fin du base64 (position ${i}).`);
      }
      last = v - 1;
    }
    if (++count > stopAt) return tooLarge(maxBytes);
  }
  if (count % 4 !== 0) {
    return fail(
      C.BASE64_PADDING,
      `La longueur du base64 (${count} caractères hors espaces) doit être un multiple de 4 : remplissage « = » manquant ou données tronquées.`,
    );
  }
  if ((pad === 1 && (last & 0x03) !== 0) || (pad === 2 && (last & 0x0f) !== 0)) {
    return fail(C.BASE64_PADDING, 'Le base64 n’est pas canonique : les bits inutilisés avant « = » doivent être nuls.');
  }
  const size = (count / 4) * 3 - pad;
  if (size > maxBytes) return tooLarge(maxBytes);
  const clean = count === text.length ? text : text.replace(/[ \t\r\n]+/g, '');
  // A dedicated allocation (not Node's shared pool): the result's .buffer holds nothing else.
  const out = Buffer.allocUnsafeSlow(size);
  out.write(clean, 'base64');
  return { ok: true, value: new Uint8Array(out.buffer, out.byteOffset, size) };
}

function alphabetMessage(text: string, i: number): string {
  const ch = text[i] === '-' || text[i] === '_' ? ' (alphabet base64url : utilisez + et / au lieu de - et _)' : '';
  return `Le base64 contient un caractère interdit à la position ${i}${ch}.`;
}

function tooLarge(maxBytes: number): ValidationResult<Uint8Array> {
  return fail(C.TOO_LARGE, `Le contenu décodé dépasse la taille maximale de ${formatBytes(maxBytes)}.`);
}

function fail(code: (typeof C)[keyof typeof C], message: string): ValidationResult<Uint8Array> {
  return { ok: false, issues: [dataIssue(code, message)] };
}
