import type { Actor } from '../domain/actor.ts';

/** The operator on whose behalf CLI commands act; traced like any other actor. */
export const CLI_OPERATOR: Actor = { kind: 'operator', accountId: 'cli-operator', displayName: 'Opérateur national (ligne de commande)' };
