/**
 * Hand-written scenarios played before the random ones on every run: the stories behind the
 * discrepancies the property found (K2, K3, K4 fixed),
 * and a classic.
 * Indices follow access-world.ts: actors are the professionals then the persons (Alice first).
 */
import type { Scenario } from './access-world.ts';

const adultOnly = (pros: string[]): Scenario['world'] => ({
  holderState: 'active', minor: null, carer: null, pros: pros.map((profession) => ({ profession, specialty: null, structure: null })),
});
const withMinor = (turns18InDays: number): Scenario['world'] => ({
  holderState: 'active', minor: { turns18InDays, parentIsHolder: true, state: 'active' }, carer: null,
  pros: [{ profession: 'G15:10', specialty: null, structure: null }, { profession: 'G15:60', specialty: null, structure: null }],
});

export const EXAMPLES: { name: string; scenario: Scenario }[] = [
  {
    name: 'K2 (fixed): a consented nurse breaks the glass, then the patient blocks emergency access: consent still holds',
    scenario: {
      world: adultOnly(['G15:60', 'G15:10']),
      setup: [{ t: 'inform', pro: 1, dossier: 0 }, { t: 'feed', pro: 1, dossier: 0, type: '11488-4', labels: [] }],
      actions: [
        { t: 'consent', pro: 0, dossier: 0, scope: 'professional' },
        { t: 'emergency', pro: 0, dossier: 0, mode: 'bris_de_glace' },
        { t: 'settings', who: 0, dossier: 0, rel: true, change: { blockEmergency: true } },
        { t: 'read', who: 0, doc: 0, rel: true, binary: false },
      ],
    },
  },
  {
    name: 'K3 (fixed): a secret connection opened at 22:00 the day before the minor turns 18 ends with the minority',
    scenario: {
      world: withMinor(1),
      setup: [{ t: 'inform', pro: 0, dossier: 1 }, { t: 'feed', pro: 1, dossier: 1, type: '11488-4', labels: [] }],
      actions: [
        { t: 'consent', pro: 0, dossier: 1, scope: 'professional' },
        { t: 'minutes', n: 720 },
        { t: 'secret', pro: 0, dossier: 1 },
        { t: 'minutes', n: 180 },
        { t: 'read', who: 0, doc: 0, rel: true, binary: false },
      ],
    },
  },
  {
    name: 'K4 (fixed): consent recorded, the patient closes the space, then reopens it: the consent ended with the closure',
    scenario: {
      world: adultOnly(['G15:60', 'G15:10']),
      setup: [{ t: 'inform', pro: 1, dossier: 0 }, { t: 'feed', pro: 1, dossier: 0, type: '11488-4', labels: [] }],
      actions: [
        { t: 'consent', pro: 0, dossier: 0, scope: 'professional' },
        { t: 'cycle', dossier: 0 },
        { t: 'cycle', dossier: 0 },
        { t: 'read', who: 0, doc: 0, rel: true, binary: false },
      ],
    },
  },
  {
    name: 'a masked report, a consented nurse, an emergency, and the minor\'s secret from her parents',
    scenario: {
      world: withMinor(300),
      setup: [
        { t: 'inform', pro: 0, dossier: 0 }, { t: 'inform', pro: 0, dossier: 1 },
        { t: 'consent', pro: 1, dossier: 0, scope: 'professional' },
        { t: 'feed', pro: 0, dossier: 0, type: '11488-4', labels: ['MASQUE_PS'] },
        { t: 'feed', pro: 0, dossier: 1, type: '68599-0', labels: ['INVISIBLE_REPRESENTANTS_LEGAUX'] },
        { t: 'feed', pro: 0, dossier: 1, type: '11488-4', labels: ['INVISIBLE_PATIENT'] },
      ],
      actions: [
        { t: 'search', who: 1, dossier: 0, rel: true },
        { t: 'emergency', pro: 1, dossier: 0, mode: 'bris_de_glace' },
        { t: 'search', who: 1, dossier: 0, rel: true, filter: 'MASQUE_PS' },
        { t: 'history', who: 2, dossier: 1, rel: true },
        { t: 'days', n: 90 },
        { t: 'search', who: 2, dossier: 1, rel: true },
      ],
    },
  },
];
