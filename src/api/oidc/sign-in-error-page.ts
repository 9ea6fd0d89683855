import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, toAppError } from '../error-handler.ts';
import { messagePage } from './sign-in-pages.ts';

/** The form fields of the sign-in pages, as the person sees them. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  email: 'Adresse électronique', password: 'Mot de passe', code: 'Code reçu par courriel', account_id: 'Carte',
};
const UID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Errors of the sign-in pages: refused input (400, 413) is a French page naming the field and leading back
 * to the form, not a JSON problem in the browser; anything else goes to the common error handler.
 */
export function signInErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = toAppError(err);
  if (error.status !== 400 && error.status !== 413) return sendError(request, reply, err);
  const field = error.issues[0]?.field;
  const label = field !== undefined && Object.hasOwn(FIELD_LABELS, field) ? FIELD_LABELS[field] : undefined;
  const text = error.status === 413
    ? 'Les informations envoyées sont trop longues. Revenez au formulaire et vérifiez votre saisie.'
    : label
      ? `Le champ « ${label} » contient un caractère qui n’est pas accepté (caractère invisible ou invalide). Revenez au formulaire, corrigez votre saisie puis réessayez.`
      : 'Les informations envoyées ne sont pas valides. Revenez au formulaire, corrigez votre saisie puis réessayez.';
  const uid = (request.params as { uid?: unknown } | undefined)?.uid;
  const back = typeof uid === 'string' && UID.test(uid) ? { href: `/interaction/${uid}`, label: 'Revenir au formulaire de connexion' } : null;
  return reply.status(error.status).type('text/html; charset=utf-8').send(messagePage('Saisie non valide', text, back));
}
