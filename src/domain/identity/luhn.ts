/**
 * Luhn ("mod 10") check digit, used by SIREN, SIRET and FINESS. Works on strings of ASCII digits of
 * any length; anything else is simply not valid (never throws).
 */

/** Luhn sum of `digits` where the rightmost digit is doubled when `doubleRightmost` is true. */
function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const fromRight = digits.length - 1 - i;
    let d = digits.charCodeAt(i) - 48;
    if ((fromRight % 2 === 0) === doubleRightmost) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** True when `digits` (check digit last) passes the Luhn test. */
export function luhnValid(digits: string): boolean {
  if (typeof digits !== 'string' || !/^\d+$/.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/** The Luhn check digit to append to `payload` (digits only). Throws a RangeError otherwise. */
export function luhnCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new RangeError('luhnCheckDigit: chiffres attendus');
  return (10 - (luhnSum(payload, true) % 10)) % 10;
}
