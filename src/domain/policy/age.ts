/** Age in whole years at `now` (UTC), from a YYYY-MM-DD birth date. */
export function ageAt(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

export const MAJORITY_AGE = 18;

/** A person with no known birth date is treated as an adult: representatives then get no access (fail closed). */
export function isMinorAt(birthDate: string | null, now: Date): boolean {
  return birthDate !== null && ageAt(birthDate, now) < MAJORITY_AGE;
}
