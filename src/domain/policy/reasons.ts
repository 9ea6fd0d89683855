/**
 * Reason codes of access decisions, with the French message a denied caller may read. Reasons marked
 * `hides` must answer exactly like "does not exist" (SPEC §3: never reveal that a hidden document exists).
 */
export const DENIAL_REASONS = {
  POLICY_NO_RULE: { hides: true, message: 'Aucune règle ne permet cet accès.' },
  POLICY_NO_DOSSIER: { hides: true, message: 'Espace introuvable.' },
  POLICY_FACTS_MISSING: { hides: true, message: "Les informations nécessaires à la décision d'accès manquent." },
  POLICY_OPERATOR_ONLY: { hides: false, message: "Action réservée à l'opérateur national." },
  POLICY_OPERATOR_REASON_REQUIRED: { hides: false, message: "L'opérateur national doit indiquer le motif de la fermeture ou de la réouverture de l'espace (10 caractères au moins : demande écrite du titulaire, décision de justice…) ; il est conservé dans l'historique." },
  POLICY_NO_RELATIONSHIP: { hides: true, message: 'Espace introuvable.' },
  POLICY_CARER_CANNOT_MANAGE_SPACE: { hides: false, message: "Un aidant ne peut pas gérer l'existence de l'espace." },
  POLICY_CARER_CANNOT_CHANGE: {
    hides: false,
    message: "Un aidant consulte l'espace mais ne peut pas modifier ses paramètres de confidentialité ni bloquer un professionnel : seule la personne (ou son représentant) le peut.",
  },
  POLICY_CARER_CANNOT_DELEGATE: {
    hides: false,
    message: "Un aidant ne peut pas inviter ni retirer d'aidant : seule la personne (ou son représentant) le peut. Vous pouvez renoncer à votre propre mandat.",
  },
  POLICY_CARER_CANNOT_RELABEL: {
    hides: false,
    message: "Un aidant ne peut pas masquer ni démasquer un document : seule la personne (ou son représentant) peut changer sa confidentialité.",
  },
  POLICY_CARER_CANNOT_REMOVE_DOCUMENT: {
    hides: false,
    message: "Un aidant peut consulter et ajouter des documents, mais seule la personne (ou son représentant) peut remplacer ou supprimer un document déjà présent.",
  },
  POLICY_NOT_A_CARER: { hides: false, message: "Vous n'avez pas de mandat d'aidant sur cet espace : il n'y a rien à quitter." },
  POLICY_NO_INVITATION: { hides: true, message: 'Invitation introuvable.' },
  DOSSIER_OPPOSED: { hides: true, message: 'Espace introuvable.' },
  DOSSIER_CLOSED: { hides: true, message: 'Espace introuvable.' },
  /** Said to the holder side only (holder, legal representative, protector); professionals get DOSSIER_CLOSED. */
  DOSSIER_CLOSED_REOPENABLE: {
    hides: false,
    message: "Cet espace santé est clôturé{since} : plus personne ne peut consulter ses documents ni son historique. Son titulaire (ou son représentant légal) peut le rouvrir{until} en demandant sa réouverture ; tout redevient alors accessible comme avant la clôture. Passé ce délai, les données sont détruites.",
  },
  DOSSIER_NOT_ACTIVATED: { hides: false, message: "L'espace doit être activé pour consulter ses documents." },
  POLICY_BLOCKED_PROFESSIONAL: { hides: false, message: "Le patient vous a retiré les droits d'accès à son DMP." },
  POLICY_NO_CONSENT: { hides: false, message: "Le consentement du patient à la consultation de son DMP n'a pas été enregistré." },
  POLICY_PATIENT_NOT_INFORMED: { hides: false, message: "L'information du patient sur l'alimentation de son DMP n'a pas été enregistrée." },
  POLICY_MATRIX: { hides: true, message: 'Document introuvable.' },
  POLICY_MATRIX_UNKNOWN: { hides: true, message: 'Document introuvable.' },
  POLICY_MEDICO_SOCIAL_DISABLED: { hides: false, message: "L'accès des professionnels du secteur médico-social n'est pas encore ouvert." },
  POLICY_MASKED: { hides: true, message: 'Document introuvable.' },
  POLICY_EMERGENCY_BLOCKED: { hides: false, message: "Le patient s'est opposé à l'accès en urgence (bris de glace) à son DMP." },
  POLICY_EMERGENCY_SAMU_BLOCKED: { hides: false, message: "Le patient s'est opposé à l'accès du centre de régulation (SAMU) à son DMP." },
  POLICY_SAMU_ROLE_REQUIRED: { hides: false, message: "Le mode régulation est réservé aux médecins régulateurs exerçant dans un centre de régulation (SAMU – centre 15) reconnu ; en dehors de la régulation, utilisez l'accès en urgence (bris de glace)." },
  POLICY_EMERGENCY_NOT_HABILITATED: { hides: false, message: "L'accès en urgence (bris de glace) est réservé aux professionnels de santé que la matrice d'habilitation autorise à consulter des documents du DMP." },
  POLICY_MASKED_IN_EMERGENCY: { hides: true, message: 'Document introuvable.' },
  POLICY_INVISIBLE_TO_PATIENT: { hides: true, message: 'Document introuvable.' },
  POLICY_INVISIBLE_TO_REPRESENTATIVES: { hides: true, message: 'Document introuvable.' },
  POLICY_DOCUMENT_DELETED: { hides: true, message: 'Document introuvable.' },
  POLICY_DOCUMENT_OPPOSED: { hides: false, message: "Le patient s'est opposé à l'envoi de ce document dans son DMP." },
  POLICY_NOT_AUTHOR: { hides: false, message: "Seul l'auteur du document peut effectuer cette action." },
  POLICY_PATIENT_TYPE_RESERVED: { hides: false, message: 'Ce type de document est réservé aux dépôts du patient.' },
  POLICY_PROFESSIONAL_TYPE_RESERVED: { hides: false, message: "Ce type de document ne peut pas être déposé par le patient." },
  POLICY_LABELS_INCOMPATIBLE: { hides: false, message: 'Un document ne peut pas être à la fois invisible au patient et masqué aux professionnels.' },
  POLICY_LABEL_MINORS_ONLY: { hides: false, message: "Un document ne peut être rendu invisible aux représentants légaux que pour un patient mineur." },
  POLICY_LABEL_NOT_ALLOWED: { hides: false, message: "Vous ne pouvez pas appliquer ce niveau de confidentialité." },
  POLICY_LABEL_ONLY_AT_DEPOSIT: { hides: false, message: "Un document ne peut être rendu invisible qu'au moment de son dépôt." },
  POLICY_REVEAL_NEEDS_CONFIRMATION: { hides: false, message: 'Rendre ce document visible aux représentants légaux est irréversible : confirmez explicitement.' },
  POLICY_SECRET_DEPOSIT_RESTRICTED: { hides: false, message: 'En connexion secrète, seuls des documents invisibles aux représentants légaux peuvent être déposés.' },
  POLICY_SECRET_MINORS_ONLY: { hides: false, message: "La connexion secrète n'est possible que pour un patient mineur." },
  POLICY_DELAY_NOT_REACHED: { hides: true, message: 'Le délai réglementaire n’est pas atteint.' },
  POLICY_ADVANCE_DIRECTIVES_PROTECTED: {
    hides: false,
    message: 'Un aidant peut consulter les directives anticipées, mais seule la personne (ou son représentant) peut les ajouter, les remplacer ou les supprimer.',
  },
} as const satisfies Record<string, { hides: boolean; message: string }>;

export type DenialReason = keyof typeof DENIAL_REASONS;

/** Does this denial have to look like "not found"? Unknown reasons hide (fail closed). */
export function denialHides(reason: string): boolean {
  return (DENIAL_REASONS as Record<string, { hides: boolean }>)[reason]?.hides ?? true;
}

/**
 * The French message of a denial. `facts` (from the decision) fill in what the message may say: for a
 * closed space, since when and until when it may be reopened.
 */
export function denialMessage(reason: string, facts: Record<string, string> = {}): string {
  const message = (DENIAL_REASONS as Record<string, { message: string }>)[reason]?.message ?? 'Accès refusé.';
  const date = (iso: string | undefined) => (iso ? FRENCH_DATE.format(new Date(iso)) : null);
  const since = date(facts.closedAt);
  const until = date(facts.reopenUntil);
  return message.replace('{since}', since ? ` depuis le ${since}` : '').replace('{until}', until ? ` jusqu'au ${until}` : '');
}

const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
