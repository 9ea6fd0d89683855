/** French date formatting for the professional portal (times in metropolitan French time). */

const ZONE = 'Europe/Paris';

/** "12 mai 1985" for a calendar date (YYYY-MM-DD, no time zone shift). */
export function formatDay(day: string): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** "15 janvier 2026" for an instant, in French time. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: ZONE }).format(date);
}

/** "15 janvier 2026 à 14:32" for an instant, in French time. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: ZONE }).format(date);
  const time = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: ZONE }).format(date);
  return `${day} à ${time}`;
}

/** Today's calendar day in French time (YYYY-MM-DD): the default date of a deposit, the age of a patient. */
export function todayInFrance(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: ZONE }).format(now);
}
