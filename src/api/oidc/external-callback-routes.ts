import type { FastifyPluginAsync } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.ts';
import { recordExternalSignInFailure, signInWithExternalIdentity } from '../../services/sign-in-with-external.ts';
import type { Config } from '../../config.ts';
import { isIdentitySource, type ExternalIdps } from './external-idp.ts';
import type { InteractionKit } from './interaction-kit.ts';
import { portalOf } from './oidc-clients.ts';
import { messagePage } from './sign-in-pages.ts';

type Source = { Params: { source: string }; Querystring: Record<string, string | undefined> };

function rawQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

/**
 * The return from an external identity provider. Its redirect URI is fixed
 * (`/interaction/callback/:source`) while our interaction cookie only travels under
 * `/interaction/<uid>`, so the first hop forwards the browser there, where the interaction is checked.
 */
export function externalCallbackRoutes(deps: ServiceDeps & { config: Config }, kit: InteractionKit, external: ExternalIdps): FastifyPluginAsync {
  const refused = (title: string) => messagePage(title, 'La connexion par le fournisseur d’identité n’a pas abouti. Revenez au portail pour recommencer.', { href: `${deps.config.publicUrl}/`, label: 'Revenir à l’accueil' });

  return async (app) => {
    app.get<Source>('/interaction/callback/:source', async (request, reply) => {
      const { source } = request.params;
      const state = request.query.state ?? '';
      const record = isIdentitySource(source) ? await external.peekState(state) : null;
      if (!record || record.source !== source) return kit.expired(reply);
      return reply.redirect(`/interaction/${encodeURIComponent(record.uid)}/callback/${source}?${rawQuery(request.url)}`, 303);
    });

    app.get<Source & { Params: { uid: string } }>('/interaction/:uid/callback/:source', async (request, reply) => {
      const { source } = request.params;
      const interaction = await kit.load(request, reply);
      if (!interaction || !isIdentitySource(source) || portalOf(interaction.params.client_id) !== source) return kit.expired(reply);
      const state = request.query.state ?? '';
      const record = await external.takeState(state);
      const ctx = kit.context(request, interaction);
      if (!record || record.uid !== interaction.uid || record.source !== source || request.query.error) {
        await recordExternalSignInFailure(deps, ctx, source);
        return kit.page(reply, 400, refused('Connexion refusée'));
      }
      let claims: Record<string, unknown>;
      try {
        claims = await external.complete(source, rawQuery(request.url), state, record);
      } catch (err) {
        request.log.warn({ err: { name: err instanceof Error ? err.name : 'unknown' } }, 'external sign-in failed');
        await recordExternalSignInFailure(deps, ctx, source);
        return kit.page(reply, 502, refused('Fournisseur d’identité indisponible'));
      }
      const result = await signInWithExternalIdentity(deps, ctx, source, claims);
      if (!result.ok) return kit.page(reply, 403, refused('Compte introuvable'));
      return kit.finishSignIn(request, reply, interaction, result.account.account_id, ['ext']);
    });
  };
}
