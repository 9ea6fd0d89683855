/** French strings of the notification centre, the header bell and the home page's latest notifications. */

/** The section title (spread into fr.ts `sections`). */
export const notificationSectionTexts = {
  notifications: { title: 'Notifications', description: 'Les événements de votre espace santé et vos préférences.' },
};

export const frNotifications = {
  bell: {
    label: 'Notifications',
    unread: (n: number) => (n === 0 ? 'aucune non lue' : n === 1 ? '1 non lue' : `${n} non lues`),
  },
  centre: {
    intro:
      'Vous êtes prévenu ici de chaque premier accès d’un professionnel, de chaque nouveau document, de tout accès en urgence et des modifications faites par une autre personne.',
    listTitle: 'Vos notifications',
    unreadSummary: (n: number) => (n === 0 ? 'Toutes vos notifications sont lues.' : n === 1 ? 'Vous avez 1 notification non lue.' : `Vous avez ${n} notifications non lues.`),
    empty: 'Vous n’avez aucune notification pour le moment.',
    unreadBadge: 'Non lue',
    markRead: 'Marquer comme lue',
    markReadOf: (title: string) => `Marquer comme lue : ${title}`,
    markAllRead: 'Tout marquer comme lu',
    open: 'Voir',
    openOf: (title: string) => `Voir : ${title}`,
    more: 'Afficher les notifications plus anciennes',
    loading: 'Chargement des notifications…',
    live: 'Les nouvelles notifications s’affichent ici dès qu’elles arrivent.',
    arrived: (title: string) => `Nouvelle notification : ${title}`,
    receivedAt: (when: string) => `Reçue le ${when}`,
  },
  preferences: {
    title: 'Recevoir aussi par e-mail',
    intro:
      'Les notifications s’affichent toujours ici. Pour chaque type, choisissez si vous voulez aussi un e-mail : il ne contient aucune information de santé, seulement un lien vers votre espace, et n’est pas envoyé si vous êtes connecté à ce moment-là.',
    legend: 'Types de notification envoyés par e-mail',
    save: 'Enregistrer mes préférences',
    saved: 'Vos préférences ont été enregistrées.',
  },
  home: {
    title: 'Dernières notifications',
    all: 'Toutes mes notifications',
    empty: 'Aucune notification pour le moment.',
  },
};
