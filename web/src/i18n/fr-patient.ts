/**
 * French strings of the patient portal's record pages (documents, confidentiality, activity history,
 * space switcher). Kept apart from fr.ts, which holds the shell's strings.
 */
/** Titles of the patient sections added by these pages (spread into fr.ts `sections`). */
export const patientSectionTexts = {
  privacySettings: { title: 'Confidentialité', description: 'Masquage, accès en urgence, professionnels bloqués, médecin traitant, aidants.' },
  history: { title: 'Historique d’activité', description: 'Qui a consulté ou modifié votre espace santé, et quand.' },
};

export const frPatient = {
  gate: {
    signInHint: 'Connectez-vous pour accéder à cette rubrique de votre espace santé.',
    noSpace: "Ce compte n'est rattaché à aucun espace santé.",
  },
  spaces: {
    label: 'Espace santé affiché',
    hint: 'Vous pouvez consulter les espaces santé des personnes pour lesquelles vous agissez.',
    self: (name: string) => `Mon espace (${name})`,
    other: (name: string, relationship: string) => `${name} — ${relationship}`,
    unnamed: 'Espace santé',
    relationships: {
      legal_representative: 'enfant dont je suis représentant légal',
      carer: 'personne que j’aide (mandat d’aidant)',
      protector: 'personne protégée (mesure de protection)',
    } as Record<string, string>,
    otherRelationship: 'espace dont j’ai la charge',
  },
  documents: {
    intro:
      'Retrouvez les documents de santé ajoutés par vos professionnels de santé, par l’Assurance Maladie ou par vous-même. Vous décidez de ceux que les professionnels peuvent consulter.',
    loading: 'Chargement des documents…',
    empty: 'Aucun document dans cet espace santé pour le moment.',
    noMatch: 'Aucun document ne correspond à ces critères.',
    listLabel: 'Liste des documents',
    /** `all` documents in the space, `matching` the filters. */
    count: (all: number, matching: number) =>
      matching === 0 ? 'Aucun document' : `${matching} document${matching > 1 ? 's' : ''}${matching !== all ? ` sur ${all}` : ''}`,
    truncated: (n: number) => `Seuls les ${n} documents les plus récents sont affichés. Utilisez les filtres pour affiner.`,
    filters: {
      legend: 'Filtrer les documents',
      type: 'Type de document',
      allTypes: 'Tous les types',
      author: 'Auteur ou structure',
      allAuthors: 'Tous les auteurs',
      authorGroups: { professionals: 'Professionnels de santé', structures: 'Structures', others: 'Autres' },
      from: 'Du',
      to: 'Au',
      byMe: 'Uniquement les documents ajoutés par moi',
      sort: 'Trier par',
      newest: 'Date : du plus récent au plus ancien',
      oldest: 'Date : du plus ancien au plus récent',
      reset: 'Réinitialiser les filtres',
    },
    item: {
      documentOf: (date: string) => `Document du ${date}`,
      undated: 'Date inconnue',
      addedBy: (name: string) => `Ajouté par ${name}`,
      addedOnBy: (date: string, name: string) => `Ajouté le ${date} par ${name}`,
      addedOnUnknownAuthor: (date: string) => `Ajouté le ${date} (auteur non renseigné)`,
      you: 'vous',
      insurerName: (name: string) => (name && name !== 'Assurance Maladie' ? `${name} (Assurance Maladie)` : 'l’Assurance Maladie'),
      device: 'un service numérique',
      unknownAuthor: 'Auteur non renseigné',
      masked: 'Masqué',
      newlyVisible: 'Nouvellement visible',
      newlyVisibleHint:
        'Ce document avait été déposé par un professionnel sans vous être montré tout de suite ; il vous est désormais visible. N’hésitez pas à en parler avec un professionnel de santé.',
      invisibleToRepresentatives: 'Non visible par les représentants légaux',
      ownUpload: 'Mon document',
      insurer: 'Assurance Maladie',
    },
    actions: {
      mask: 'Masquer aux professionnels',
      unmask: 'Ne plus masquer',
      /** Read by screen readers after the button text, to say which document it acts on. */
      about: (title: string) => `: « ${title} »`,
      masked: (title: string) =>
        `Le document « ${title} » est maintenant masqué : les professionnels de santé ne le voient plus, sauf son auteur et votre médecin traitant.`,
      unmasked: (title: string) => `Le document « ${title} » est de nouveau visible par les professionnels de santé autorisés.`,
      delete: 'Supprimer',
      confirmDelete: (title: string) => `Supprimer définitivement le document « ${title} » de votre espace santé ?`,
      confirmDeleteButton: 'Confirmer la suppression',
      cancel: 'Annuler',
      deleted: (title: string) => `Le document « ${title} » a été supprimé.`,
      download: 'Télécharger',
      back: 'Retour à la liste des documents',
    },
    viewer: {
      loading: 'Chargement du document…',
      details: 'Informations sur le document',
      type: 'Type',
      date: 'Date du document',
      author: 'Ajouté par',
      addedAt: 'Ajouté le',
      visibleSince: 'Visible pour vous depuis le',
      size: 'Taille',
      sizeValue: (bytes: number) => (bytes < 1024 ? `${bytes} octets` : bytes < 1048576 ? `${Math.round(bytes / 1024)} Ko` : `${(bytes / 1048576).toFixed(1).replace('.', ',')} Mo`),
      contentTitle: 'Contenu du document',
      pdfFrameTitle: (title: string) => `Aperçu du document PDF « ${title} »`,
      pdfFallback: 'Votre navigateur ne peut pas afficher ce PDF dans la page.',
      imageAlt: (title: string) => `Image du document « ${title} »`,
      cdaUnreadable:
        'Ce document structuré (CDA) ne peut pas être affiché dans la page. Vous pouvez le télécharger pour le lire avec le logiciel de votre choix.',
      cdaAttached: (mediaType: string) => `Ce document contient une pièce jointe (${mediaType}) : téléchargez-le pour la consulter.`,
      cdaNoSection: 'Ce document ne contient pas de texte lisible.',
      other: 'Ce type de fichier ne peut pas être affiché dans la page : téléchargez-le pour le consulter.',
    },
    upload: {
      open: 'Ajouter un document',
      title: 'Ajouter un document',
      intro:
        'Ajoutez un document de santé que vous détenez (compte rendu, ordonnance, résultat…). Il sera visible par les professionnels de santé autorisés, sauf si vous le masquez.',
      file: 'Fichier',
      fileHint: 'Formats acceptés : PDF, JPEG, PNG, texte ou document CDA (XML).',
      fileRequired: 'Choisissez le fichier à ajouter.',
      type: 'Type de document',
      typePlaceholder: 'Choisissez un type',
      typeRequired: 'Choisissez le type de document.',
      date: 'Date du document',
      dateRequired: 'Indiquez la date du document.',
      dateInFuture: 'La date du document ne peut pas être dans le futur.',
      docTitle: 'Titre',
      docTitleHint: 'Par exemple : Analyse de sang du 3 mars',
      titleRequired: 'Donnez un titre au document.',
      submit: 'Ajouter le document',
      cancel: 'Annuler',
      progress: 'Envoi du document',
      progressValue: (percent: number) => `${percent} %`,
      success: (title: string) => `Le document « ${title} » a été ajouté à votre espace santé.`,
      failedTitle: 'Le document n’a pas pu être ajouté',
      unsupported: 'Ce format de fichier n’est pas accepté. Formats acceptés : PDF, JPEG, PNG, texte ou document CDA (XML).',
      readFailed: 'Le fichier n’a pas pu être lu. Vérifiez qu’il est toujours disponible sur votre appareil.',
    },
  },
  privacy: {
    title: 'Confidentialité',
    intro: 'Choisissez qui peut consulter les documents de votre espace santé. Chaque modification est enregistrée dans votre historique d’activité.',
    navLabel: 'Rubriques des paramètres',
    links: { privacy: 'Confidentialité', history: 'Historique d’activité' },
    loading: 'Chargement de vos paramètres…',
    saved: 'Vos paramètres ont été enregistrés.',
    maskAll: {
      title: 'Masquer tous mes documents',
      label: 'Masquer tous mes documents aux professionnels de santé',
      explanation:
        'Tous les documents de votre espace santé, y compris ceux qui seront ajoutés plus tard, sont masqués aux professionnels de santé. Seuls l’auteur de chaque document et votre médecin traitant peuvent encore le consulter. Vous pouvez revenir sur ce choix à tout moment.',
      onMessage: 'Tous vos documents, actuels et à venir, sont désormais masqués aux professionnels de santé.',
      offMessage: 'Vos documents ne sont plus masqués par défaut (les documents que vous avez masqués un par un le restent).',
    },
    emergency: {
      title: 'Accès en cas d’urgence',
      intro:
        'En cas d’urgence, un professionnel de santé peut avoir besoin de consulter votre dossier alors que vous ne pouvez pas donner votre accord. Chaque accès en urgence est enregistré dans votre historique et vous est notifié.',
      blockSamu: {
        label: 'Bloquer l’accès du SAMU (centre 15)',
        explanation:
          'Lorsque vous appelez le 15, le médecin régulateur du SAMU peut consulter votre dossier pour mieux vous orienter. En activant ce blocage, il ne pourra plus le faire.',
      },
      blockEmergency: {
        label: 'Bloquer l’accès en urgence des autres professionnels (« bris de glace »)',
        explanation:
          'Si votre état de santé l’exige et que vous ne pouvez pas donner votre accord (par exemple inconscient aux urgences), un professionnel peut accéder à votre dossier en urgence. En activant ce blocage, aucun professionnel ne pourra le faire.',
      },
      blockMaskedInEmergency: {
        label: 'Bloquer l’accès à mes documents masqués en cas d’urgence',
        explanation:
          'Lors d’un accès en urgence, le professionnel voit aussi les documents que vous avez masqués. En activant ce blocage, vos documents masqués restent cachés, même en urgence.',
      },
    },
    blocked: {
      title: 'Professionnels bloqués',
      intro:
        'Un professionnel bloqué ne peut plus ni consulter ni alimenter votre dossier, même s’il vous a déjà pris en charge. Il en est informé s’il tente d’y accéder.',
      none: 'Vous n’avez bloqué aucun professionnel.',
      since: (date: string) => `bloqué depuis le ${date}`,
      unblock: 'Débloquer',
      unblocked: (name: string) => `${name} peut de nouveau accéder à votre dossier selon vos autres paramètres.`,
      block: 'Bloquer',
      blockedMessage: (name: string) => `${name} est désormais bloqué : il ne peut plus accéder à votre dossier.`,
      alreadyBlocked: 'Déjà bloqué',
    },
    directory: {
      label: 'Rechercher un professionnel',
      hint: 'Nom, prénom ou numéro RPPS (au moins 2 caractères)',
      submit: 'Rechercher',
      searching: 'Recherche en cours…',
      results: (n: number) => (n === 0 ? 'Aucun professionnel trouvé.' : `${n} professionnel${n > 1 ? 's' : ''} trouvé${n > 1 ? 's' : ''}`),
      tooShort: 'Saisissez au moins 2 caractères.',
      rpps: (rpps: string) => `RPPS ${rpps}`,
    },
    medecin: {
      title: 'Mon médecin traitant',
      intro:
        'Votre médecin traitant peut consulter tous vos documents, y compris ceux que vous avez masqués. Il doit être un médecin inscrit à l’annuaire.',
      none: 'Vous n’avez pas déclaré de médecin traitant.',
      current: (name: string) => `Votre médecin traitant : ${name}`,
      change: 'Changer de médecin traitant',
      declare: 'Déclarer mon médecin traitant',
      choose: 'Choisir',
      remove: 'Retirer mon médecin traitant',
      declared: (name: string) => `${name} est désormais votre médecin traitant.`,
      removed: 'Vous n’avez plus de médecin traitant déclaré.',
      cancel: 'Annuler',
    },
  },
  carers: {
    title: 'Mes aidants',
    intro:
      'Un aidant est une personne de confiance à qui vous donnez accès à votre espace santé. Il voit votre espace comme vous, mais ne peut ni modifier vos paramètres, ni vos directives anticipées, ni supprimer vos documents. Chacune de ses actions est enregistrée à son nom. Vous pouvez retirer son mandat à tout moment, sans avoir à vous justifier.',
    loading: 'Chargement de vos aidants…',
    closed: 'La désignation d’un aidant n’est pas encore ouverte.',
    none: 'Vous n’avez désigné aucun aidant.',
    listLabel: 'Aidants ayant un mandat en cours',
    since: (date: string) => `aidant depuis le ${date}`,
    limit: (max: number) => (max === 1 ? 'Vous pouvez désigner un seul aidant.' : `Vous pouvez désigner jusqu’à ${max} aidants.`),
    full: 'Pour désigner un autre aidant, retirez d’abord le mandat en cours.',
    addLegend: 'Désigner un aidant',
    emailLabel: 'Adresse électronique de l’aidant',
    emailHint:
      'L’adresse avec laquelle votre aidant se connecte à son propre profil Mon espace santé. Il doit d’abord avoir activé son profil. Format attendu : nom@domaine.fr',
    add: 'Donner un mandat d’aidant',
    added: (name: string) => `${name} est désormais votre aidant : il a accès à votre espace santé.`,
    already: (name: string) => `${name} est déjà votre aidant.`,
    revoke: 'Retirer le mandat',
    revoked: (name: string) => `Le mandat de ${name} est retiré : il n’a plus accès à votre espace santé.`,
  },
  history: {
    title: 'Historique d’activité',
    intro:
      'Toutes les actions effectuées sur votre espace santé sont enregistrées : consultations et ajouts de documents par les professionnels, accès en urgence, modifications de vos paramètres…',
    loading: 'Chargement de l’historique…',
    empty: 'Aucune activité à afficher.',
    noMatch: 'Aucune activité ne correspond à ces critères parmi celles chargées.',
    more: 'Afficher les activités plus anciennes',
    loadingMore: 'Chargement des activités plus anciennes…',
    filters: {
      legend: 'Filtrer l’historique',
      kind: 'Type d’activité',
      allKinds: 'Toutes les activités',
      from: 'Du',
      to: 'Au',
      reset: 'Réinitialiser les filtres',
    },
    kinds: {
      consultation: 'Consultations',
      documents: 'Ajouts et modifications de documents',
      confidentiality: 'Confidentialité et droits d’accès',
      emergency: 'Accès en urgence et connexions secrètes',
      account: 'Connexions et vie de l’espace',
    },
    refused: 'Refusé',
    emergencyBadge: 'Urgence',
    count: (n: number) => `${n} activité${n > 1 ? 's' : ''} affichée${n > 1 ? 's' : ''}`,
  },
};

export type PatientMessages = typeof frPatient;
