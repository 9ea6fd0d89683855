import type { ValidationIssue } from './validation-issue.ts';

/**
 * The catalogue of failures that stop a request: stable code -> HTTP status -> French message.
 * Codes are never reused once retired. Expected outcomes (decisions, validation issues) are values,
 * not errors; they become an AppError only at the point where the request must stop.
 */
export const ERROR_CATALOG = {
  AUTH_REQUIRED: { status: 401, message: 'Authentification requise.' },
  AUTH_INVALID_TOKEN: { status: 401, message: "Le jeton d'accès est invalide ou expiré." },
  AUTH_SESSION_ENDED: { status: 401, message: 'Votre session est terminée (déconnexion). Reconnectez-vous pour continuer.' },
  AUTH_FORBIDDEN_IN_PRODUCTION: { status: 403, message: 'Cette commande est interdite en production.' },
  ACCESS_DENIED: { status: 403, message: "Vous n'avez pas accès à cette ressource." },
  RESOURCE_NOT_FOUND: { status: 404, message: 'Ressource introuvable.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Adresse inconnue.' },
  VALIDATION_FAILED: { status: 400, message: 'La requête contient des données invalides.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'La requête est trop volumineuse.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Le type de contenu n'est pas accepté." },
  DOSSIER_TRANSITION_REFUSED: { status: 409, message: "Cette opération n'est pas possible dans l'état actuel de l'espace." },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: "Cette clé d'idempotence a déjà servi pour une autre requête." },
  IDEMPOTENCY_IN_FLIGHT: { status: 409, message: "Une requête avec cette clé d'idempotence est en cours." },
  CARER_INVITATIONS_LIMITED: { status: 429, message: "Trop d'invitations d'aidant ont été envoyées depuis cet espace aujourd'hui." },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service momentanément indisponible.' },
  INTERNAL_ERROR: { status: 500, message: 'Une erreur interne est survenue.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(detail ?? ERROR_CATALOG[code].message);
    this.name = 'AppError';
    this.status = ERROR_CATALOG[code].status;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
