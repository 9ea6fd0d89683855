/**
 * The kinds of notification (SPEC §4, §3.8) with the label shown in the preferences and whether an
 * e-mail is sent by default. In-app notifications are always on; e-mail is a per-kind choice.
 */
export const NOTIFICATION_KINDS = [
  'professional.first_access',
  'document.added',
  'document.visible',
  'emergency.access',
  'record.updated_see_professional',
  'settings.changed_by_other',
  'carer.invitation',
  'carer.mandate',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_KIND_INFO: Record<NotificationKind, { label: string; emailByDefault: boolean }> = {
  'professional.first_access': { label: "Premier accès d'un professionnel de santé au dossier", emailByDefault: true },
  'document.added': { label: 'Nouveau document dans le dossier', emailByDefault: true },
  'document.visible': { label: 'Document devenu visible', emailByDefault: true },
  'emergency.access': { label: 'Accès en urgence au dossier', emailByDefault: true },
  'record.updated_see_professional': { label: 'Information avant qu’un document devienne visible', emailByDefault: true },
  'settings.changed_by_other': { label: 'Paramètres ou délégations modifiés par une autre personne', emailByDefault: true },
  'carer.invitation': { label: 'Invitation à devenir aidant (ou son retrait)', emailByDefault: true },
  'carer.mandate': { label: 'Aidants : invitation acceptée ou refusée, mandat terminé', emailByDefault: true },
};

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}
