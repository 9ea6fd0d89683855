import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from 'oidc-provider';
import { listDemoCards, signInWithDemoCard } from '../../services/sign-in-with-card.ts';
import {
  hasPendingOneTimeCode, startPasswordSignIn, verifyOneTimeCodeSignIn, type SignInDeps,
} from '../../services/sign-in-with-password.ts';
import { SIGN_IN_REASONS } from '../../services/sign-in-audit.ts';
import { recordExternalSignInFailure } from '../../services/sign-in-with-external.ts';
import type { Config } from '../../config.ts';
import { externalIdpFor, type ExternalIdps } from './external-idp.ts';
import type { InteractionKit } from './interaction-kit.ts';
import { portalOf, type Portal } from './oidc-clients.ts';
import { cardsPage, messagePage, oneTimeCodePage, passwordPage } from './sign-in-pages.ts';

export type InteractionDeps = SignInDeps & { config: Config };

/** The one message for a wrong e-mail or password, whatever was wrong (no account enumeration). */
export const BAD_CREDENTIALS_MESSAGE = 'Adresse électronique ou mot de passe incorrect.';
export const OTP_LOCKED_MESSAGE = 'Trop de codes erronés : ce code n’est plus valable. Identifiez-vous de nouveau pour recevoir un nouveau code.';
export const OTP_EXPIRED_MESSAGE = 'Ce code a expiré. Identifiez-vous de nouveau pour recevoir un nouveau code.';

/** The French message of a throttled attempt, with the wait rounded up to the minute. */
export function throttledMessage(retryAfterMs: number, codesCapped: boolean): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  const wait = `Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`;
  return codesCapped ? `Trop de codes de connexion ont été envoyés à votre adresse. ${wait}` : `Trop de tentatives. ${wait}`;
}

/** A throttled step answers 429 with Retry-After (seconds), and its page says how long to wait. */
function throttled(reply: FastifyReply, retryAfterMs: number): FastifyReply {
  return reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
}

type Uid = { Params: { uid: string } };

function field(body: unknown, name: string, max: number): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/**
 * The local identity provider's pages under /interaction/:uid: e-mail + password + one-time code for
 * the patient portal (patients and operators), demo cards for the professional portal.
 */
export function interactionRoutes(deps: InteractionDeps, kit: InteractionKit, external: ExternalIdps): FastifyPluginAsync {
  // Demo cards stand in for Pro Santé Connect outside production only; production needs the real provider.
  const cardsAllowed = deps.config.mode !== 'production';
  const localPortal = (interaction: Interaction): Portal | null => {
    const portal = portalOf(interaction.params.client_id);
    if (!portal || externalIdpFor(deps.config, portal)) return null;
    return portal === 'professional' && !cardsAllowed ? null : portal;
  };

  /** Loads the interaction and checks that the step belongs to its portal; answers itself otherwise. */
  const step = async (request: FastifyRequest, reply: FastifyReply, portal: Portal): Promise<Interaction | null> => {
    const interaction = await kit.load(request, reply);
    if (!interaction || interaction.prompt.name !== 'login' || localPortal(interaction) !== portal) {
      kit.expired(reply);
      return null;
    }
    return interaction;
  };

  return async (app) => {
    app.get<Uid>('/interaction/:uid', async (request, reply) => {
      const interaction = await kit.load(request, reply);
      if (!interaction) return kit.expired(reply);
      const portal = portalOf(interaction.params.client_id);
      if (!portal) return kit.page(reply, 400, messagePage('Application inconnue', 'Cette application ne peut pas utiliser cette page de connexion.', null));
      if (interaction.prompt.name === 'consent') return kit.autoConsent(request, reply, interaction);
      if (interaction.prompt.name !== 'login') return kit.expired(reply);
      if (externalIdpFor(deps.config, portal)) {
        let target: string;
        try {
          target = await external.begin(portal, interaction.uid);
        } catch (err) {
          request.log.warn({ err: { name: err instanceof Error ? err.name : 'unknown' } }, 'external identity provider unreachable');
          await recordExternalSignInFailure(deps, kit.context(request, interaction), portal);
          return kit.page(reply, 502, messagePage('Fournisseur d’identité indisponible', 'Le service de connexion ne répond pas. Réessayez dans quelques instants.', null));
        }
        return reply.redirect(target, 303);
      }
      if (portal === 'professional') {
        if (!cardsAllowed) return kit.page(reply, 503, messagePage('Connexion indisponible', 'La connexion des professionnels passe par Pro Santé Connect, qui n’est pas configuré sur cette plateforme.', null));
        return kit.page(reply, 200, cardsPage(interaction.uid, await listDemoCards(deps)));
      }
      return kit.page(reply, 200, passwordPage(interaction.uid));
    });

    app.post<Uid>('/interaction/:uid/password', async (request, reply) => {
      const interaction = await step(request, reply, 'patient');
      if (!interaction) return reply;
      const email = field(request.body, 'email', 320);
      const result = await startPasswordSignIn(deps, kit.context(request, interaction), email, field(request.body, 'password', 1024));
      if (!result.ok && result.reason === SIGN_IN_REASONS.THROTTLED) {
        return kit.page(throttled(reply, result.retryAfterMs), 429, passwordPage(interaction.uid, { error: throttledMessage(result.retryAfterMs, result.codesCapped), email }));
      }
      if (!result.ok) return kit.page(reply, 200, passwordPage(interaction.uid, { error: BAD_CREDENTIALS_MESSAGE, email }));
      return reply.redirect(`/interaction/${interaction.uid}/code`, 303);
    });

    app.get<Uid>('/interaction/:uid/code', async (request, reply) => {
      const interaction = await step(request, reply, 'patient');
      if (!interaction) return reply;
      if (!(await hasPendingOneTimeCode(deps, interaction.uid))) return reply.redirect(`/interaction/${interaction.uid}`, 303);
      return kit.page(reply, 200, oneTimeCodePage(interaction.uid));
    });

    app.post<Uid>('/interaction/:uid/code', async (request, reply) => {
      const interaction = await step(request, reply, 'patient');
      if (!interaction) return reply;
      const result = await verifyOneTimeCodeSignIn(deps, kit.context(request, interaction), field(request.body, 'code', 32));
      if (result.ok) return kit.finishSignIn(request, reply, interaction, result.account.account_id, ['pwd', 'otp']);
      switch (result.reason) {
        case SIGN_IN_REASONS.OTP_INVALID: {
          const left = result.attemptsLeft;
          return kit.page(reply, 200, oneTimeCodePage(interaction.uid, { error: `Code incorrect. Il vous reste ${left} essai${left > 1 ? 's' : ''}.` }));
        }
        case SIGN_IN_REASONS.OTP_LOCKED:
          return kit.page(reply, 200, passwordPage(interaction.uid, { error: OTP_LOCKED_MESSAGE }));
        case SIGN_IN_REASONS.OTP_EXPIRED:
          return kit.page(reply, 200, passwordPage(interaction.uid, { error: OTP_EXPIRED_MESSAGE }));
        case SIGN_IN_REASONS.OTP_MISSING:
          return reply.redirect(`/interaction/${interaction.uid}`, 303);
        case SIGN_IN_REASONS.THROTTLED:
          return kit.page(throttled(reply, result.retryAfterMs), 429, oneTimeCodePage(interaction.uid, { error: throttledMessage(result.retryAfterMs, false) }));
        case SIGN_IN_REASONS.ACCOUNT_UNUSABLE:
          return kit.page(reply, 403, messagePage('Compte inutilisable', 'Ce compte ne peut pas encore accéder à un espace santé. Contactez l’assistance.', null));
        default:
          return result satisfies never;
      }
    });

    app.post<Uid>('/interaction/:uid/card', async (request, reply) => {
      const interaction = await step(request, reply, 'professional');
      if (!interaction) return reply;
      const result = await signInWithDemoCard(deps, kit.context(request, interaction), field(request.body, 'account_id', 64));
      if (result.ok) return kit.finishSignIn(request, reply, interaction, result.account.account_id, ['sc']);
      return kit.page(reply, 200, cardsPage(interaction.uid, await listDemoCards(deps), { error: 'Cette carte n’est pas reconnue.' }));
    });

    app.post<Uid>('/interaction/:uid/abort', async (request, reply) => {
      const interaction = await kit.load(request, reply);
      if (!interaction) return kit.expired(reply);
      return kit.abort(request, reply, 'Connexion annulée par l’utilisateur.');
    });
  };
}
