/**
 * Server-rendered sign-in pages (French, DSFR styles, no script), so they work under a strict
 * Content-Security-Policy. Every value is escaped; each page has one h1 and labelled inputs.
 */

export const ASSETS_PATH = '/oidc-assets';

/** The CSP of these pages: no script at all, styles and fonts from us, forms posted to us only. */
export function signInCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "font-src 'self'",
    "img-src 'self' data:",
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const e = escapeHtml;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} — Mon espace santé</title>
<link rel="stylesheet" href="${ASSETS_PATH}/dsfr.min.css">
</head>
<body>
<header role="banner" class="fr-header">
  <div class="fr-header__body"><div class="fr-container"><div class="fr-header__body-row">
    <div class="fr-header__brand fr-enlarge-link">
      <div class="fr-header__brand-top"><div class="fr-header__logo"><p class="fr-logo">République<br>Française</p></div></div>
      <div class="fr-header__service"><p class="fr-header__service-title">Mon espace santé</p>
        <p class="fr-header__service-tagline">Connexion sécurisée</p></div>
    </div>
  </div></div></div>
</header>
<main role="main" id="contenu" class="fr-container fr-my-6w">
  <div class="fr-grid-row fr-grid-row--center"><div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
${body}
  </div></div>
</main>
</body>
</html>`;
}

export function alert(message: string | null, kind: 'error' | 'info' = 'error'): string {
  if (!message) return '';
  return `<div class="fr-alert fr-alert--${kind} fr-alert--sm fr-mb-3w" role="${kind === 'error' ? 'alert' : 'status'}"><p>${e(message)}</p></div>`;
}

function cancelForm(uid: string): string {
  return `<form method="post" action="/interaction/${e(uid)}/abort" class="fr-mt-3w">
  <button class="fr-btn fr-btn--tertiary" type="submit">Annuler et revenir au portail</button>
</form>`;
}

export function passwordPage(uid: string, options: { error?: string | null; info?: string | null; email?: string } = {}): string {
  return layout('Connexion', `<h1>Connexion à Mon espace santé</h1>
${alert(options.error ?? null)}${alert(options.info ?? null, 'info')}
<form method="post" action="/interaction/${e(uid)}/password">
  <fieldset class="fr-fieldset">
    <legend class="fr-fieldset__legend">Identifiez-vous avec votre adresse électronique et votre mot de passe</legend>
    <div class="fr-fieldset__element"><div class="fr-input-group">
      <label class="fr-label" for="email">Adresse électronique<span class="fr-hint-text">Format attendu : nom@domaine.fr</span></label>
      <input class="fr-input" id="email" name="email" type="email" autocomplete="username" required maxlength="320" value="${e(options.email ?? '')}">
    </div></div>
    <div class="fr-fieldset__element"><div class="fr-input-group">
      <label class="fr-label" for="password">Mot de passe</label>
      <input class="fr-input" id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
    </div></div>
    <div class="fr-fieldset__element"><button class="fr-btn" type="submit">Continuer</button></div>
  </fieldset>
</form>
${cancelForm(uid)}`);
}

export function oneTimeCodePage(uid: string, options: { error?: string | null } = {}): string {
  return layout('Code de connexion', `<h1>Saisissez le code reçu par courriel</h1>
${alert(options.error ?? null)}
<p>Nous venons de vous envoyer un code à 6 chiffres par courriel. Il est valable 10 minutes.</p>
<form method="post" action="/interaction/${e(uid)}/code">
  <div class="fr-input-group">
    <label class="fr-label" for="code">Code de connexion<span class="fr-hint-text">6 chiffres, par exemple 042917</span></label>
    <input class="fr-input" id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
  </div>
  <button class="fr-btn" type="submit">Valider le code</button>
</form>
<p class="fr-mt-3w"><a class="fr-link" href="/interaction/${e(uid)}">Recevoir un nouveau code (recommencer la connexion)</a></p>
${cancelForm(uid)}`);
}

export type CardView = { accountId: string; displayName: string; professionLabel: string; rpps: string; structureName: string | null };

export function cardsPage(uid: string, cards: readonly CardView[], options: { error?: string | null } = {}): string {
  const items = cards.map((c) => `    <li><button class="fr-btn fr-btn--secondary" type="submit" name="account_id" value="${e(c.accountId)}">${e(c.displayName)} — ${e(c.professionLabel)} — RPPS ${e(c.rpps)}${c.structureName ? ` — ${e(c.structureName)}` : ''}</button></li>`).join('\n');
  const list = cards.length
    ? `<form method="post" action="/interaction/${e(uid)}/card">\n  <ul class="fr-btns-group fr-btns-group--left">\n${items}\n  </ul>\n</form>`
    : alert('Aucune carte de démonstration n’est disponible : lancez « openmes start --demo ».', 'info');
  return layout('Carte de démonstration', `<h1>Choisissez une carte de démonstration</h1>
${alert(options.error ?? null)}
<p>En démonstration, le choix d’une carte remplace la connexion par Pro Santé Connect (carte CPS ou e-CPS).</p>
${list}
${cancelForm(uid)}`);
}

export function messagePage(title: string, message: string, link: { href: string; label: string } | null): string {
  return layout(title, `<h1>${e(title)}</h1>
${alert(message)}
${link ? `<p><a class="fr-link" href="${e(link.href)}">${e(link.label)}</a></p>` : ''}`);
}

/** Page of oidc-provider's logout confirmation; `form` is the provider's hidden form (with its xsrf token). */
export function logoutPage(form: string): string {
  return layout('Déconnexion', `<h1>Voulez-vous vous déconnecter ?</h1>
${form}
<ul class="fr-btns-group fr-btns-group--inline">
  <li><button class="fr-btn" type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button></li>
  <li><button class="fr-btn fr-btn--secondary" type="submit" form="op.logoutForm">Rester connecté</button></li>
</ul>`);
}

export type MailView = { to: string; subject: string; text: string; sentAt: string };

export function devMailboxPage(messages: readonly MailView[]): string {
  const items = messages.map((m) => `<article class="fr-card fr-mb-3w"><div class="fr-card__body"><div class="fr-card__content">
  <h2 class="fr-card__title">${e(m.subject)}</h2>
  <p class="fr-card__detail">À ${e(m.to)} — ${e(new Date(m.sentAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }))}</p>
  <p class="fr-card__desc">${m.text.split('\n').map(e).join('<br>')}</p>
</div></div></article>`).join('\n');
  return layout('Boîte aux lettres de développement', `<h1>Boîte aux lettres de développement</h1>
<p>Les courriels envoyés par la plateforme arrivent ici quand aucun serveur SMTP n’est configuré (hors production), du plus récent au plus ancien.</p>
${items || alert('Aucun courriel pour le moment.', 'info')}`);
}
