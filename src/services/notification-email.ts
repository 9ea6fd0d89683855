import type { Mail } from './send-mail.ts';

export const NOTIFICATION_EMAIL_SUBJECT = 'Un nouvel événement concerne votre espace santé';

/**
 * The e-mail that tells someone to look at their notification centre. It never carries health data
 * (SPEC §4): not the kind of event, not a document, not a professional, not even whose space — only
 * that something happened and the link to sign in.
 */
export function notificationEmail(to: string, publicUrl: string, forProfessional: boolean): Mail {
  const base = publicUrl.replace(/\/+$/, '');
  const link = forProfessional ? `${base}/pro` : `${base}/notifications`;
  return {
    to,
    subject: NOTIFICATION_EMAIL_SUBJECT,
    text: [
      'Bonjour,',
      '',
      forProfessional
        ? 'Un nouvel événement vous attend dans votre espace professionnel Mon espace santé.'
        : 'Un nouvel événement concerne votre espace santé.',
      'Pour le consulter, connectez-vous :',
      link,
      '',
      'Pour protéger votre confidentialité, ce message ne contient aucune information de santé.',
      forProfessional ? '' : `Vous choisissez les notifications reçues par e-mail dans vos préférences : ${base}/notifications#preferences`,
      '',
      'Ceci est un message automatique, merci de ne pas y répondre.',
    ].join('\n'),
  };
}
