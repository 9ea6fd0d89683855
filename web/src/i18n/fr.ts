/**
 * French UI strings. Every user-visible text of the web shell lives here so that
 * another language can be added by providing an object of type `Messages`.
 */
import { notificationSectionTexts } from './fr-notifications.ts';
import { patientSectionTexts } from './fr-patient.ts';
import { proSectionTexts } from './fr-pro.ts';

export const fr = {
  lang: 'fr',
  brandTop: ['République', 'Française'],
  portals: {
    patient: {
      headerTitle: 'Mon espace santé',
      tagline: 'Votre carnet de santé numérique, sécurisé et personnel',
      switchLabel: 'Espace professionnels de santé',
    },
    pro: {
      headerTitle: 'Mon espace santé — Professionnels de santé',
      tagline: 'Consulter et alimenter le dossier de vos patients',
      switchLabel: 'Espace patient',
    },
  },
  skipLinks: { content: 'Contenu', menu: 'Menu', footer: 'Pied de page' },
  auth: {
    signIn: 'Se connecter',
    signOut: 'Se déconnecter',
    signedInAs: (name: string) => `Connecté en tant que ${name}`,
    loading: 'Chargement de votre profil…',
    callbackTitle: 'Connexion en cours',
    callbackWait: 'Veuillez patienter pendant la vérification de votre identité…',
    callbackFailedTitle: 'La connexion a échoué',
    backHome: "Revenir à l'accueil",
    sessionExpiredTitle: 'Votre session a expiré',
    sessionExpired: 'Pour votre sécurité, vous avez été déconnecté. Veuillez vous reconnecter.',
    wrongAccountTitle: "Ce compte n'est pas adapté à cet espace",
    wrongAccountPatient:
      "Vous êtes connecté avec un compte qui n'est pas un compte patient. Déconnectez-vous puis utilisez l'espace adapté.",
    wrongAccountPro:
      "Vous êtes connecté avec un compte qui n'est pas un compte de professionnel de santé. Déconnectez-vous puis utilisez l'espace adapté.",
    errors: {
      stateMismatch:
        'La réponse du service de connexion ne correspond pas à votre demande. Veuillez recommencer la connexion.',
      missingCode: "Le service de connexion n'a pas renvoyé de code d'autorisation.",
      nonceMismatch: "Le jeton d'identité reçu n'est pas valide. Veuillez recommencer la connexion.",
      accessDenied: 'La connexion a été annulée ou refusée.',
      tokenExchange: "Impossible d'obtenir votre jeton d'accès. Veuillez recommencer la connexion.",
      discovery: 'Le service de connexion est momentanément indisponible. Veuillez réessayer plus tard.',
      cryptoUnavailable:
        'Votre navigateur ne permet pas une connexion sécurisée (contexte non sécurisé ou fonctions cryptographiques absentes).',
    },
  },
  errors: {
    genericTitle: 'Une erreur est survenue',
    genericDetail: 'Le service a rencontré un problème. Veuillez réessayer plus tard.',
    network: 'Le serveur est injoignable. Vérifiez votre connexion internet puis réessayez.',
    statusLabel: (status: number) => `Code ${status}`,
  },
  comingSoon: 'Bientôt disponible',
  notFound: {
    title: 'Page introuvable',
    detail:
      "La page que vous cherchez n'existe pas ou a été déplacée. Vérifiez l'adresse saisie ou revenez à l'accueil.",
  },
  home: {
    greeting: (name: string) => `Bonjour, ${name}`,
    welcomeTitle: 'Bienvenue sur Mon espace santé',
    welcomeText:
      'Mon espace santé vous permet de stocker et de partager vos documents et données de santé en toute confidentialité, et d’échanger de façon sécurisée avec les professionnels qui vous soignent.',
    signInHint: 'Connectez-vous pour accéder à votre espace personnel.',
    sectionsTitle: 'Vos rubriques',
  },
  proHome: {
    welcomeText:
      'Cet espace permet aux professionnels de santé habilités de consulter et d’alimenter le dossier médical de leurs patients, dans le respect de leurs droits et de leur consentement.',
    signInHint: 'Connectez-vous avec votre identité professionnelle pour rechercher un patient.',
    greeting: (name: string) => `Bonjour, ${name}`,
    rpps: (rpps: string) => `RPPS : ${rpps}`,
  },
  sections: {
    home: { title: 'Accueil', description: '' },
    profile: {
      title: 'Profil médical',
      description: 'Antécédents, allergies, traitements, vaccinations et mesures de santé.',
      emptyState:
        'Votre profil médical apparaîtra ici : maladies et sujets de santé, traitements, allergies, vaccinations, mesures… Cette rubrique arrive bientôt.',
    },
    documents: {
      title: 'Documents',
      description: 'Comptes rendus, ordonnances, résultats d’analyses et d’imagerie.',
      emptyState:
        'Vos documents de santé apparaîtront ici : comptes rendus, ordonnances, résultats d’analyses… Cette rubrique arrive bientôt.',
    },
    messaging: {
      title: 'Messagerie',
      description: 'Échangez de façon sécurisée avec les professionnels de santé.',
      emptyState:
        'Vos échanges sécurisés avec les professionnels de santé apparaîtront ici. Cette rubrique arrive bientôt.',
    },
    agenda: {
      title: 'Agenda',
      description: 'Vos rendez-vous médicaux et rappels.',
      emptyState:
        'Vos rendez-vous médicaux, rappels de vaccination et de dépistage apparaîtront ici. Cette rubrique arrive bientôt.',
    },
    prevention: {
      title: 'Prévention',
      description: 'Conseils, dépistages et bilans adaptés à votre âge.',
      emptyState:
        'Des conseils de prévention, dépistages et bilans adaptés à votre situation apparaîtront ici. Cette rubrique arrive bientôt.',
    },
    catalog: {
      title: 'Catalogue de services',
      description: 'Applications et services numériques de santé référencés.',
      emptyState:
        'Les applications et services de santé référencés par l’État, que vous pourrez connecter à votre espace, apparaîtront ici. Cette rubrique arrive bientôt.',
    },
    settings: {
      title: 'Paramètres',
      description: 'Gestion des accès, notifications et confidentialité.',
      emptyState:
        'Vous pourrez ici gérer les accès des professionnels, vos notifications, vos proches et la confidentialité de votre espace. Cette rubrique arrive bientôt.',
    },
    accessibility: {
      title: 'Accessibilité',
      description: '',
      emptyState:
        'La déclaration d’accessibilité de ce service (conformité au RGAA) sera publiée ici à l’issue de son audit. Cette rubrique arrive bientôt.',
    },
    proSearch: {
      title: 'Rechercher un patient',
      description: '',
      emptyState:
        'Vous pourrez ici retrouver un patient à partir de son identité nationale de santé (INS) ou de ses traits d’identité, puis accéder à son dossier selon vos droits. Cette rubrique arrive bientôt.',
    },
    proDocuments: {
      title: 'Documents',
      description: '',
      emptyState:
        'Les documents que vous avez déposés dans les dossiers de vos patients apparaîtront ici. Cette rubrique arrive bientôt.',
    },
    proMessaging: {
      title: 'Messagerie',
      description: '',
      emptyState:
        'Vos échanges sécurisés avec vos patients apparaîtront ici. Cette rubrique arrive bientôt.',
    },
    ...proSectionTexts,
    ...patientSectionTexts,
    ...notificationSectionTexts,
  },
  footer: {
    description:
      'OpenMES est une implémentation libre et auto-hébergeable d’un espace numérique de santé : dossier médical partagé, contrôle des accès et traçabilité.',
  },
  documentTitle: (page: string, portal: string) => `${page} — ${portal}`,
};

export type Messages = typeof fr;
