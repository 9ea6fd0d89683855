import { isUtf8 } from 'node:buffer';
import { CONTENT_ISSUE_CODES as C, dataIssue, quote, typeIssue } from './content-issues.ts';
import { asBuffer, type Checked } from './checked.ts';

export type TextDetails = { kind: 'text'; charset: 'utf-8' | 'us-ascii' };

const UTF8_NAMES = new Set(['utf-8', 'utf8']);
const ASCII_NAMES = new Set(['us-ascii', 'ascii']);

/**
 * Plain text: valid UTF-8 (native validator, O(n)), no NUL byte. A `charset` parameter may say UTF-8
 * or US-ASCII (then every byte must be < 0x80); any other charset is refused rather than guessed.
 */
export function checkText(bytes: Uint8Array, declaredCharset: string | null): Checked<TextDetails> {
  let charset: TextDetails['charset'] = 'utf-8';
  if (declaredCharset !== null && !UTF8_NAMES.has(declaredCharset)) {
    if (!ASCII_NAMES.has(declaredCharset)) {
      return {
        ok: false,
        issues: [
          typeIssue(
            C.TEXT_CHARSET_UNSUPPORTED,
            `Le jeu de caractères ${quote(declaredCharset, 40)} n'est pas accepté : le texte doit être en UTF-8.`,
          ),
        ],
      };
    }
    charset = 'us-ascii';
  }
  const view = asBuffer(bytes);
  const nul = view.indexOf(0);
  if (nul >= 0) {
    return {
      ok: false,
      issues: [dataIssue(C.TEXT_NUL_BYTE, `Le texte contient un octet nul (position ${nul}) : ce n'est pas du texte brut.`)],
    };
  }
  if (!isUtf8(view)) {
    return {
      ok: false,
      issues: [dataIssue(C.TEXT_INVALID_UTF8, "Le texte n'est pas encodé en UTF-8 valide.")],
    };
  }
  if (charset === 'us-ascii') {
    const nonAscii = view.findIndex((b) => b >= 0x80);
    if (nonAscii >= 0) {
      return {
        ok: false,
        issues: [
          dataIssue(
            C.TEXT_INVALID_UTF8,
            `Le texte est déclaré en US-ASCII mais contient un caractère non ASCII (octet ${nonAscii}).`,
          ),
        ],
      };
    }
  }
  return { ok: true, details: { kind: 'text', charset } };
}
