import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction, InteractionResults, Provider } from 'oidc-provider';
import { API_AUDIENCE } from '../../services/access-token.ts';
import type { SignInContext } from '../../services/sign-in-audit.ts';
import { PORTAL_SCOPES } from './oidc-clients.ts';
import { messagePage } from './sign-in-pages.ts';

/** Helpers shared by the interaction routes: load the interaction, render, and hand the result back. */
export type InteractionKit = {
  /** The interaction named in the URL, if the browser's interaction cookie designates it; null otherwise. */
  load(request: FastifyRequest, reply: FastifyReply): Promise<Interaction | null>;
  page(reply: FastifyReply, status: number, html: string): FastifyReply;
  expired(reply: FastifyReply): FastifyReply;
  context(request: FastifyRequest, interaction: Interaction): SignInContext;
  /** Completes the login and grants the first-party scopes (no consent page for our own portals). */
  finishSignIn(request: FastifyRequest, reply: FastifyReply, interaction: Interaction, accountId: string, amr: string[]): Promise<void>;
  /** A consent prompt (already signed in, no grant yet for this portal): granted at once. */
  autoConsent(request: FastifyRequest, reply: FastifyReply, interaction: Interaction): Promise<void>;
  abort(request: FastifyRequest, reply: FastifyReply, description: string): Promise<void>;
};

const ALLOWED_SCOPES: ReadonlySet<string> = new Set(PORTAL_SCOPES);

export function createInteractionKit(provider: Provider, publicUrl: string, csp: string): InteractionKit {
  const page = (reply: FastifyReply, status: number, html: string) => reply.status(status).type('text/html; charset=utf-8').send(html);
  const expiredHtml = () => messagePage(
    'Session de connexion expirée',
    'Votre demande de connexion a expiré ou a déjà été utilisée. Revenez au portail pour recommencer.',
    { href: `${publicUrl}/`, label: 'Revenir à l’accueil' },
  );
  /** Hands the reply to oidc-provider (which writes the 303 itself); if that fails, answers with the expiry page. */
  const handOver = async (request: FastifyRequest, reply: FastifyReply, result: InteractionResults, merge: boolean) => {
    reply.hijack();
    try {
      await provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: merge });
    } catch {
      if (reply.raw.headersSent) return;
      reply.raw.writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' });
      reply.raw.end(expiredHtml());
    }
  };
  return {
    async load(request, reply) {
      const { uid } = request.params as { uid?: string };
      try {
        const interaction = await provider.interactionDetails(request.raw, reply.raw);
        return interaction.uid === uid ? interaction : null;
      } catch {
        return null;
      }
    },
    page,
    expired: (reply) => page(reply, 400, expiredHtml()),
    context: (request, interaction) => ({ interactionUid: interaction.uid, clientId: String(interaction.params.client_id ?? ''), requestId: request.id, clientAddress: request.ip }),
    async finishSignIn(request, reply, interaction, accountId, amr) {
      const clientId = String(interaction.params.client_id);
      const previous = interaction.session;
      if (previous?.accountId && previous.accountId !== accountId) {
        // Another account was signed in in this browser: its session ends here (one account per browser).
        const old = previous.uid ? await provider.Session.findByUid(previous.uid) : undefined;
        await old?.destroy();
        interaction.session = undefined;
        await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
      }
      const requested = String(interaction.params.scope ?? '').split(' ').filter((s) => ALLOWED_SCOPES.has(s)).join(' ');
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope(requested);
      grant.addResourceScope(API_AUDIENCE, requested);
      const grantId = await grant.save();
      await handOver(request, reply, { login: { accountId, amr, remember: false }, consent: { grantId } }, false);
    },
    async autoConsent(request, reply, interaction) {
      const accountId = interaction.session?.accountId;
      const clientId = String(interaction.params.client_id);
      const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
      const grant = existing ?? new provider.Grant({ accountId, clientId });
      const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      const keep = (scopes: string[] | undefined) => (scopes ?? []).filter((s) => ALLOWED_SCOPES.has(s)).join(' ');
      if (details.missingOIDCScope) grant.addOIDCScope(keep(details.missingOIDCScope));
      if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
        if (indicator === API_AUDIENCE) grant.addResourceScope(indicator, keep(scopes));
      }
      const grantId = await grant.save();
      await handOver(request, reply, { consent: { grantId } }, true);
    },
    async abort(request, reply, description) {
      await handOver(request, reply, { error: 'access_denied', error_description: description }, false);
    },
  };
}
