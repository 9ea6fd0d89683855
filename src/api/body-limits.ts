import { AppError } from '../domain/errors.ts';

/**
 * How many bytes of body each kind of route reads (Fastify `bodyLimit`); past it the answer is 413 and
 * the rest is not read (close-after-early-reply.ts ends the connection cleanly).
 */
export const BODY_LIMITS = {
  /** The default, for every /api command and setting (a few fields). */
  command: 16 * 1024,
  /** A FHIR resource without content (the DocumentReference PUT/PATCH of its confidentiality). */
  resource: 64 * 1024,
} as const;

/** Routes that carry a document's content (DocumentReference, Binary, ITI-65): a 20 MiB document is ~27 MiB of base64 JSON. */
export function documentBodyLimit(maxDocumentBytes: number): number {
  return Math.ceil(maxDocumentBytes * 1.4) + 256 * 1024;
}

/** The 413 of a route, saying how much it takes. */
export function payloadTooLarge(bodyLimit: number | undefined): AppError {
  if (!bodyLimit) return new AppError('PAYLOAD_TOO_LARGE');
  const size = bodyLimit >= 1024 * 1024 ? `${(bodyLimit / (1024 * 1024)).toFixed(1).replace('.', ',')} Mio` : `${Math.round(bodyLimit / 1024)} Kio`;
  return new AppError('PAYLOAD_TOO_LARGE', `La requête est trop volumineuse : ${size} au plus à cette adresse. Envoyez un contenu plus petit.`);
}
