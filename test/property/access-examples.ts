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
    // Issue 8, item 12. Professionals: Pro0 (the author), Pro1 (a consented colleague); persons: Alice (0).
    name: 'the patient masks a report, its author replaces it: the new version stays masked, and never names the masked one',
    scenario: {
      world: adultOnly(['G15:10', 'G15:10']),
      setup: [{ t: 'inform', pro: 0, dossier: 0 }, { t: 'consent', pro: 1, dossier: 0, scope: 'professional' }, { t: 'feed', pro: 0, dossier: 0, type: '11488-4', labels: [] }],
      actions: [
        { t: 'mask', who: 0, doc: 0, rel: true, on: true },
        { t: 'replace', doc: 0, byAuthor: true, pro: 0, labels: [] },
        { t: 'read', who: 1, doc: 1, rel: true, binary: false },
        { t: 'search', who: 1, dossier: 0, rel: true },
        { t: 'mask', who: 0, doc: 1, rel: true, on: false },
        { t: 'read', who: 1, doc: 1, rel: true, binary: false },
        { t: 'search', who: 1, dossier: 0, rel: true },
        { t: 'read', who: 0, doc: 1, rel: true, binary: false },
        { t: 'replace', doc: 0, byAuthor: true, pro: 0, labels: [] },
        { t: 'replace', doc: 1, byAuthor: false, pro: 1, labels: [] },
      ],
    },
  },
  {
    // Issue 8, emergency rule: Pro0 works in structure 0 (a listed regulation centre), Pro1 nowhere, Pro2 is a nurse.
    name: 'the SAMU mode is for physicians of a regulation centre; bris de glace for health professionals of the matrix',
    scenario: {
      world: { holderState: 'active', minor: null, carer: null, pros: [
        { profession: 'G15:10', specialty: null, structure: 0 }, { profession: 'G15:10', specialty: null, structure: null }, { profession: 'G15:60', specialty: null, structure: 0 },
      ] },
      setup: [{ t: 'inform', pro: 0, dossier: 0 }, { t: 'feed', pro: 0, dossier: 0, type: '11488-4', labels: [] }],
      actions: [
        { t: 'emergency', pro: 1, dossier: 0, mode: 'samu' },
        { t: 'emergency', pro: 2, dossier: 0, mode: 'samu' },
        { t: 'emergency', pro: 0, dossier: 0, mode: 'samu' },
        { t: 'emergency', pro: 2, dossier: 0, mode: 'bris_de_glace' },
        { t: 'read', who: 0, doc: 0, rel: true, binary: false },
      ],
    },
  },
  {
    // Persons: Alice (0), then Bernard (1) and his carer Chloé (2). Alice invites Chloé to her space:
    // pending gives nothing, declined gives nothing, a second invitation accepted gives access;
    // Chloé gives it up and loses it again.
    name: 'carer by invitation: pending and declined give no access, accepted does, given up ends it',
    scenario: {
      world: { holderState: 'active', minor: null, carer: { carerIsParent: false }, pros: [{ profession: 'G15:10', specialty: null, structure: null }, { profession: 'G15:60', specialty: null, structure: null }] },
      setup: [{ t: 'inform', pro: 0, dossier: 0 }, { t: 'feed', pro: 0, dossier: 0, type: '11488-4', labels: [] }],
      actions: [
        { t: 'invite', who: 0, dossier: 0, rel: true, whom: 2 },
        { t: 'search', who: 4, dossier: 0, rel: false },
        { t: 'answer', inv: 0, self: true, who: 0, accept: false },
        { t: 'read', who: 4, doc: 0, rel: false, binary: false },
        { t: 'invite', who: 0, dossier: 0, rel: true, whom: 2 },
        { t: 'answer', inv: 1, self: false, who: 1, accept: true },
        { t: 'answer', inv: 1, self: true, who: 0, accept: true },
        { t: 'read', who: 4, doc: 0, rel: true, binary: false },
        { t: 'giveUp', who: 2, dossier: 0, rel: false },
        { t: 'search', who: 4, dossier: 0, rel: false },
      ],
    },
  },
  {
    // Issue 8, item 7a. Persons: Alice (0), Bernard (1) and his carer Chloé (2); actors: Pro0, Pro1, then Alice (2),
    // Bernard (3), Chloé (4). Writes with an Idempotency-Key so far: the setup's information (0), Chloé's upload (1).
    name: 'a carer uploads a report, the holder revokes her mandate, she replays the upload: refused, nothing of the stored answer',
    scenario: {
      world: { holderState: 'active', minor: null, carer: { carerIsParent: false }, pros: [{ profession: 'G15:10', specialty: null, structure: null }, { profession: 'G15:60', specialty: null, structure: null }] },
      setup: [{ t: 'inform', pro: 0, dossier: 1 }],
      actions: [
        { t: 'upload', who: 2, dossier: 0, rel: true, type: 'DOCPAT03', mask: false },
        { t: 'replay', pick: 1 },
        { t: 'revoke', who: 1, dossier: 0, rel: true, carer: 2 },
        { t: 'replay', pick: 1 },
        { t: 'read', who: 4, doc: 0, rel: false, binary: false },
        { t: 'history', who: 3, dossier: 0, rel: true },
        // The revocation (2) and an unblock (4) retried by the holder: the same answers (both were refused before the fix).
        { t: 'replay', pick: 2 },
        { t: 'block', who: 1, dossier: 0, rel: true, pro: 1, on: true },
        { t: 'block', who: 1, dossier: 0, rel: true, pro: 1, on: false },
        { t: 'replay', pick: 4 },
        { t: 'replay', pick: 3 },
      ],
    },
  },
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
