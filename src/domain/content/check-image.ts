import { crc32 } from 'node:zlib';
import { CONTENT_ISSUE_CODES as C, dataIssue } from './content-issues.ts';
import { PNG_SIGNATURE } from './content-types.ts';
import type { Checked } from './checked.ts';

/**
 * Structural checks of PNG and JPEG: they walk the chunk / marker headers using the declared lengths
 * (O(number of chunks), never the pixel data) and refuse truncated files and trailing data.
 */

export type PngDetails = { kind: 'png'; width: number; height: number; bitDepth: number; colorType: number };
export type JpegDetails = { kind: 'jpeg'; width: number; height: number; components: number };

const ALLOWED_BIT_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

const u32 = (b: Uint8Array, i: number): number =>
  (((b[i] as number) << 24) >>> 0) + ((b[i + 1] as number) << 16) + ((b[i + 2] as number) << 8) + (b[i + 3] as number);
const u16 = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) + (b[i + 1] as number);

function chunkType(b: Uint8Array, i: number): string | null {
  let out = '';
  for (let k = i; k < i + 4; k++) {
    const c = b[k] as number;
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return null;
    out += String.fromCharCode(c);
  }
  return out;
}

const png = (message: string): Checked<never> => ({ ok: false, issues: [dataIssue(C.PNG_INVALID, message)] });
const truncated = (what: string): Checked<never> => ({
  ok: false,
  issues: [dataIssue(C.TRUNCATED, `L'image ${what} est incomplète : le fichier semble tronqué.`)],
});

/** PNG: signature, IHDR first (valid, CRC checked), at least one IDAT, IEND last and at the very end. */
export function checkPng(bytes: Uint8Array): Checked<PngDetails> {
  const n = bytes.length;
  if (n < PNG_SIGNATURE.length) return truncated('PNG');
  if (PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return png("La signature de l'image PNG est invalide.");
  let pos: number = PNG_SIGNATURE.length;
  let details: PngDetails | null = null;
  let sawIdat = false;
  while (true) {
    if (pos + 8 > n) return truncated('PNG');
    const length = u32(bytes, pos);
    const type = chunkType(bytes, pos + 4);
    if (type === null || length > 0x7fffffff) return png(`Le bloc PNG à l'octet ${pos} est invalide.`);
    const end = pos + 12 + length;
    if (end > n) return truncated('PNG');
    if (details === null) {
      if (type !== 'IHDR' || length !== 13) return png('Le premier bloc d’une image PNG doit être IHDR (13 octets).');
      if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== u32(bytes, pos + 8 + length)) {
        return png("Le bloc IHDR de l'image PNG est corrompu (somme de contrôle CRC invalide).");
      }
      const ihdr = readIhdr(bytes, pos + 8);
      if (typeof ihdr === 'string') return png(ihdr);
      details = ihdr;
    } else if (type === 'IHDR') {
      return png("L'image PNG contient plusieurs blocs IHDR.");
    } else if (type === 'IDAT') {
      sawIdat = true;
    } else if (type === 'IEND') {
      if (!sawIdat) return png("L'image PNG ne contient aucune donnée d'image (bloc IDAT).");
      if (length !== 0) return png('Le bloc IEND de l’image PNG doit être vide.');
      if (end !== n) return png(`L'image PNG contient ${n - end} octet(s) après le bloc de fin IEND.`);
      return { ok: true, details };
    }
    pos = end;
  }
}

function readIhdr(b: Uint8Array, at: number): PngDetails | string {
  const width = u32(b, at);
  const height = u32(b, at + 4);
  const bitDepth = b[at + 8] as number;
  const colorType = b[at + 9] as number;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return `Les dimensions de l'image PNG sont invalides (${width} × ${height}).`;
  }
  if (!ALLOWED_BIT_DEPTHS[colorType]?.includes(bitDepth)) {
    return `Le type de couleur (${colorType}) et la profondeur (${bitDepth} bits) de l'image PNG sont incompatibles.`;
  }
  if (b[at + 10] !== 0 || b[at + 11] !== 0 || (b[at + 12] !== 0 && b[at + 12] !== 1)) {
    return "Les méthodes de compression, de filtrage ou d'entrelacement de l'image PNG sont inconnues.";
  }
  return { kind: 'png', width, height, bitDepth, colorType };
}

const jpeg = (message: string): Checked<never> => ({ ok: false, issues: [dataIssue(C.JPEG_INVALID, message)] });

/** Start-of-frame markers (SOF0–SOF15 except DHT C4, JPG C8, DAC CC). */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/**
 * JPEG: SOI, marker segments up to the first SOS with a start-of-frame among them (dimensions), and
 * EOI (FF D9) as the last two bytes. The entropy-coded data after SOS is not decoded.
 */
export function checkJpeg(bytes: Uint8Array): Checked<JpegDetails> {
  const n = bytes.length;
  if (n < 4) return truncated('JPEG');
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return jpeg("L'image JPEG doit commencer par le marqueur SOI (FF D8).");
  let pos = 2;
  let details: JpegDetails | null = null;
  while (true) {
    if (pos + 2 > n) return truncated('JPEG');
    if (bytes[pos] !== 0xff) return jpeg(`Un marqueur JPEG est attendu à l'octet ${pos}.`);
    let marker = bytes[pos + 1] as number;
    // Fill bytes (FF FF …) may precede a marker.
    while (marker === 0xff && pos + 2 < n) marker = bytes[++pos + 1] as number;
    if (marker === 0xff) return truncated('JPEG');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // stand-alone markers (TEM, RSTn) have no length
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0x00) {
      return jpeg(`Marqueur JPEG inattendu (FF ${hex(marker)}) avant le début des données d'image.`);
    }
    if (pos + 4 > n) return truncated('JPEG');
    const length = u16(bytes, pos + 2);
    if (length < 2) return jpeg(`Le segment JPEG FF ${hex(marker)} a une longueur invalide.`);
    const end = pos + 2 + length;
    if (end > n) return truncated('JPEG');
    if (isSof(marker)) {
      if (length < 8) return jpeg('Le segment de début de trame (SOF) de l’image JPEG est trop court.');
      const components = bytes[pos + 9] as number;
      details = { kind: 'jpeg', height: u16(bytes, pos + 5), width: u16(bytes, pos + 7), components };
      if (details.width === 0 || components === 0) {
        return jpeg("Les dimensions ou les composantes de l'image JPEG sont invalides.");
      }
    }
    if (marker === 0xda) {
      if (details === null) return jpeg("L'image JPEG n'a pas de segment de début de trame (SOF) avant ses données.");
      if (n < end + 2 || bytes[n - 2] !== 0xff || bytes[n - 1] !== 0xd9) return truncated('JPEG');
      return { ok: true, details };
    }
    pos = end;
  }
}

const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');
