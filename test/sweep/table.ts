import { randomUUID } from 'node:crypto';
import { documentReference, pdfBytes } from '../support/documents.ts';
import type { SweepRequest } from './harness.ts';
import type { ActorName, World, WorldOptions } from './world.ts';

/**
 * The sweep table (RELIABILITY §R2). Every route the application registers is either PUBLIC (listed
 * below, with why) or PROTECTED and swept by at least one spec. A route that is neither fails the sweep:
 * a new route must be classified here before it ships.
 */

/** Public by design: no token, no patient data. Keys are `METHOD url` as Fastify registers them. */
export const PUBLIC_ROUTES: Record<string, string> = {
  'GET /healthz': 'liveness', 'HEAD /healthz': 'liveness',
  'GET /readyz': 'readiness', 'HEAD /readyz': 'readiness',
  'GET /fhir/R4/metadata': 'FHIR CapabilityStatement', 'HEAD /fhir/R4/metadata': 'FHIR CapabilityStatement',
  ...Object.fromEntries(['/api/docs', '/api/docs/json', '/api/docs/yaml', '/api/docs/static/index.html', '/api/docs/static/swagger-initializer.js', '/api/docs/static/*']
    .flatMap((u) => [[`GET ${u}`, 'OpenAPI documentation'], [`HEAD ${u}`, 'OpenAPI documentation']])),
  'GET /dev/mailbox': 'dev mailbox (not registered in production)', 'HEAD /dev/mailbox': 'dev mailbox (not registered in production)',
  'GET /dev/mailbox.json': 'dev mailbox (not registered in production)', 'HEAD /dev/mailbox.json': 'dev mailbox (not registered in production)',
  ...Object.fromEntries(['GET', 'HEAD', 'TRACE', 'DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST', 'QUERY']
    .flatMap((m) => [[`${m} /oidc`, 'OpenID Connect server (sign-in)'], [`${m} /oidc/*`, 'OpenID Connect server (sign-in)']])),
  ...Object.fromEntries([
    'GET /interaction/:uid', 'HEAD /interaction/:uid', 'POST /interaction/:uid/password', 'GET /interaction/:uid/code', 'HEAD /interaction/:uid/code',
    'POST /interaction/:uid/code', 'POST /interaction/:uid/card', 'POST /interaction/:uid/abort', 'GET /interaction/callback/:source',
    'HEAD /interaction/callback/:source', 'GET /interaction/:uid/callback/:source', 'HEAD /interaction/:uid/callback/:source',
  ].map((k) => [k, 'sign-in pages (the OIDC interaction)'])),
  'GET /oidc-assets/*': 'sign-in page styles', 'HEAD /oidc-assets/*': 'sign-in page styles',
  'GET /': 'portal (static)', 'HEAD /': 'portal (static)', 'GET /index.html': 'portal (static)', 'HEAD /index.html': 'portal (static)',
  'GET /*': 'portal pages and assets (static)', 'HEAD /*': 'portal pages and assets (static)',
};

/** Concrete public URLs answered without a token (a smoke check that "public" is true). */
export const PUBLIC_PROBES = ['/healthz', '/readyz', '/fhir/R4/metadata', '/api/docs/json', '/dev/mailbox.json', '/oidc/.well-known/openid-configuration', '/', '/index.html', '/some/portal/page'];

/** The ids a request is built from; the sweep swaps them for ids that name nothing. */
export type Ids = { dossier: string; ins: string; family: string; doc: string; ref: string };
/**
 * The comparisons of a denied answer: the same request on a dossier that does not exist, on a document
 * that does not exist in the target dossier, or (relatesTo) naming a document that does not exist.
 */
export type Probe = 'absentDossier' | 'absentDocument' | 'absentReference';

export type Spec = {
  /** `METHOD url` of the route, as in the inventory. GET specs also sweep HEAD. */
  route: string;
  variant: string;
  /**
   * dossier: the request names the target dossier (path, query or body) — the BOLA case.
   * self: the answer is about the caller (profile, directory, "my spaces"): scanned for the target's data.
   * same: nobody may succeed, and every caller must get the same answer as with the probe's ids.
   */
  scope: 'dossier' | 'self' | 'same';
  build: (ids: Ids, w: World) => SweepRequest;
  /** Which document `ids.doc` is for the target. */
  doc?: 'pro' | 'patient';
  world?: WorldOptions;
  probes: Probe[];
  /** Actors whose replay must succeed (2xx, or one of `allowedStatuses`: a business outcome after an allowed decision). */
  allowed: ActorName[];
  allowedStatuses?: number[];
  /** Denials on the target leave an audit entry (false for routes that decide nothing about patient data). */
  audited: boolean;
};

const FHIR = 'application/fhir+json';
const INS_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
const LABELS = 'urn:oid:1.2.250.1.213.1.1.4.13';
const fresh = () => `urn:uuid:${randomUUID()}`;

const proDocument = (ids: Ids, title = 'Compte rendu (sweep)') => documentReference({ patientId: ids.dossier, masterIdentifier: fresh(), title });

function bundle(listSubject: string, docs: Record<string, unknown>[]) {
  const urls = docs.map(() => `urn:uuid:${randomUUID()}`);
  return {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: {
          resourceType: 'List', status: 'current', mode: 'working',
          code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] },
          subject: { reference: `Patient/${listSubject}` }, date: '2026-01-10T09:00:00Z',
          identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:1.2.3.99.${Math.floor(Math.random() * 1e9)}` }, { use: 'official', system: 'urn:ietf:rfc:3986', value: fresh() }],
          entry: urls.map((u) => ({ item: { reference: u } })),
        },
        request: { method: 'POST', url: 'List' },
      },
      ...docs.map((d, i) => ({ fullUrl: urls[i], resource: d, request: { method: 'POST', url: 'DocumentReference' } })),
    ],
  };
}

const dossierProbes: Probe[] = ['absentDossier'];
const documentProbes: Probe[] = ['absentDocument', 'absentDossier'];
const PROS_RECORDING: ActorName[] = ['unrelatedPro', 'consentedPro'];
const EVERYONE: ActorName[] = ['strangerPatient', 'carerFeatureOff', 'representativeOfAdult', 'blockedPro', 'unrelatedPro', 'consentedPro', 'operator', 'owner'];

export const SPECS: Spec[] = [
  // ---- /api: the caller, the directory ----
  { route: 'GET /api/me', variant: 'own profile', scope: 'self', probes: [], allowed: EVERYONE, audited: false, build: () => ({ method: 'GET', url: '/api/me' }) },
  { route: 'GET /api/directory/professionals', variant: 'search', scope: 'self', probes: [], allowed: EVERYONE, audited: false, build: () => ({ method: 'GET', url: '/api/directory/professionals?q=annuaire' }) },
  // Reference data for the forms: public nomenclatures and delays, the same for every caller.
  { route: 'GET /api/value-sets/:name', variant: 'document types', scope: 'self', probes: [], allowed: EVERYONE, audited: false, build: () => ({ method: 'GET', url: '/api/value-sets/document-types' }) },
  { route: 'GET /api/regulatory-parameters', variant: 'delays in force', scope: 'self', probes: [], allowed: EVERYONE, audited: false, build: () => ({ method: 'GET', url: '/api/regulatory-parameters' }) },

  // The caller's own notification centre: people and professionals have one, the operator none (403).
  ...notificationSpecs(),

  // ---- /api: the space's lifecycle (holder and operator only; on an active space only close applies) ----
  ...(['activate', 'oppose', 'reopen', 'close'] as const).map((action): Spec => ({
    route: 'POST /api/dossiers/:dossierId/:action', variant: action, scope: 'dossier', probes: dossierProbes,
    allowed: ['operator', 'owner'], allowedStatuses: [409], audited: true,
    // With a reason: the operator must state one to close or reopen someone's space (it is traced).
    build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/${action}`, body: { reason: 'Demande écrite du titulaire' }, headers: { 'idempotency-key': randomUUID() } }),
  })),

  // ---- /api: the patient's controls ----
  { route: 'GET /api/dossiers/:dossierId/settings', variant: 'read', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/api/dossiers/${ids.dossier}/settings` }) },
  { route: 'PUT /api/dossiers/:dossierId/settings', variant: 'block SAMU', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], audited: true, build: (ids) => ({ method: 'PUT', url: `/api/dossiers/${ids.dossier}/settings`, body: { blockSamu: true }, headers: { 'idempotency-key': randomUUID() } }) },
  { route: 'POST /api/dossiers/:dossierId/blocked-professionals', variant: 'block a directory professional', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/blocked-professionals`, body: { rpps: '10000000052' } }) },
  { route: 'DELETE /api/dossiers/:dossierId/blocked-professionals/:rpps', variant: 'unblock the blocked professional', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], audited: true, build: (ids) => ({ method: 'DELETE', url: `/api/dossiers/${ids.dossier}/blocked-professionals/10000000037` }) },
  // Carer mandates: the sweep runs with the carer feature off, so the owner's valid invitation is refused after the
  // access decision (400, traced), and revoking a carer without a mandate answers 404 (traced).
  { route: 'GET /api/dossiers/:dossierId/carers', variant: 'list', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/api/dossiers/${ids.dossier}/carers` }) },
  { route: 'POST /api/dossiers/:dossierId/carers', variant: 'invite by e-mail', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], allowedStatuses: [400], audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/carers`, body: { email: 'aidant.sweep@example.test' }, headers: { 'idempotency-key': randomUUID() } }) },
  { route: 'DELETE /api/dossiers/:dossierId/carers/:carerDossierId', variant: 'revoke', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], allowedStatuses: [404], audited: true, build: (ids) => ({ method: 'DELETE', url: `/api/dossiers/${ids.dossier}/carers/7c0c0f8e-1111-4222-8333-444455556666` }) },
  // Invitations (issue 8, item 6). Withdrawing an invitation that does not exist: 404 for the owner, after the decision (traced).
  { route: 'DELETE /api/dossiers/:dossierId/carer-invitations/:invitationId', variant: 'withdraw', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], allowedStatuses: [404], audited: true, build: (ids) => ({ method: 'DELETE', url: `/api/dossiers/${ids.dossier}/carer-invitations/7c0c0f8e-2222-4333-8444-555566667777` }) },
  // Only the invited person may answer, and not while carers are off: everyone gets "not found", as for an absent space.
  ...(['accept', 'decline'] as const).map((answer): Spec => ({
    route: `POST /api/dossiers/:dossierId/carer-invitations/:invitationId/${answer}`, variant: 'an invitation addressed to nobody here', scope: 'dossier', probes: dossierProbes, allowed: [], audited: true,
    build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/carer-invitations/7c0c0f8e-2222-4333-8444-555566667777/${answer}`, headers: { 'idempotency-key': randomUUID() } }),
  })),
  // A carer gives up their own mandate: the carer feature is off, so nobody has one (the owner is told so, 403).
  { route: 'DELETE /api/dossiers/:dossierId/carer-mandate', variant: 'give up', scope: 'dossier', probes: dossierProbes, allowed: [], audited: true, build: (ids) => ({ method: 'DELETE', url: `/api/dossiers/${ids.dossier}/carer-mandate` }) },
  { route: 'GET /api/carer-invitations', variant: 'received by the caller', scope: 'self', probes: [], allowed: EVERYONE, audited: false, build: () => ({ method: 'GET', url: '/api/carer-invitations' }) },
  { route: 'GET /api/dossiers/:dossierId/history', variant: 'read', scope: 'dossier', probes: dossierProbes, allowed: ['operator', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/api/dossiers/${ids.dossier}/history?limit=20` }) },

  // ---- /api: what professionals record ----
  { route: 'POST /api/dossiers/:dossierId/consents', variant: 'for oneself', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/consents`, body: { scope: 'professional' } }) },
  { route: 'POST /api/dossiers/:dossierId/consents', variant: 'for the care team', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/consents`, body: { scope: 'structure' }, headers: { 'idempotency-key': randomUUID() } }) },
  { route: 'POST /api/dossiers/:dossierId/feeding-information', variant: 'record', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/feeding-information`, body: {} }) },
  { route: 'POST /api/dossiers/:dossierId/oppositions', variant: 'record', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids, w) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/oppositions`, body: { masterIdentifier: `urn:oid:1.2.250.1.999.5.${w.n}` } }) },
  { route: 'POST /api/dossiers/:dossierId/emergency-access', variant: 'bris de glace', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/emergency-access`, body: { mode: 'bris_de_glace', reason: 'Patient inconscient aux urgences' } }) },
  { route: 'POST /api/dossiers/:dossierId/emergency-access', variant: 'SAMU (médecins of a listed regulation centre only)', scope: 'dossier', probes: dossierProbes, allowed: ['consentedPro'], audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/emergency-access`, body: { mode: 'samu' } }) },
  // The secret connection exists for minors: the target is a minor here, so `representativeOfAdult` is
  // a real legal representative in this one spec (still without any right to this professional action).
  { route: 'POST /api/dossiers/:dossierId/secret-connection', variant: 'minor target', world: { minor: true }, scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/secret-connection`, body: {} }) },
  // What a professional sees on arrival (informed, consent, session): identifying the patient, for professionals only.
  { route: 'GET /api/dossiers/:dossierId/professional-status', variant: 'on arrival', world: { consentedProSession: true }, scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'GET', url: `/api/dossiers/${ids.dossier}/professional-status` }) },
  { route: 'GET /api/dossiers/:dossierId/access-session', variant: 'consentedPro in bris de glace', world: { consentedProSession: true }, scope: 'dossier', probes: dossierProbes, allowed: ['consentedPro'], audited: false, build: (ids) => ({ method: 'GET', url: `/api/dossiers/${ids.dossier}/access-session` }) },

  // ---- FHIR: feeding (ids inside the body) ----
  { route: 'POST /fhir/R4/DocumentReference', variant: 'subject Patient/<id>', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'POST', url: '/fhir/R4/DocumentReference', contentType: FHIR, body: proDocument(ids) }) },
  {
    route: 'POST /fhir/R4/DocumentReference', variant: 'subject.identifier INS', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true,
    build: (ids) => {
      const body = proDocument(ids);
      return { method: 'POST', url: '/fhir/R4/DocumentReference', contentType: FHIR, body: { ...body, subject: { identifier: { system: INS_SYSTEM, value: ids.ins } } } };
    },
  },
  { route: 'POST /fhir/R4/DocumentReference', variant: 'patient upload (DOCPAT03)', scope: 'dossier', probes: dossierProbes, allowed: ['owner'], audited: true, build: (ids) => ({ method: 'POST', url: '/fhir/R4/DocumentReference', contentType: FHIR, body: documentReference({ patientId: ids.dossier, masterIdentifier: fresh(), typeCode: 'DOCPAT03', title: 'Mon document' }) }) },
  // A professional allowed to feed who replays another's masterIdentifier: the consented one (who may read
  // the document) gets it back (conditional create); the one without consent learns only that the
  // identifier is taken (400) — the collision answer a feeder needs. Everyone else: as for any feed.
  {
    route: 'POST /fhir/R4/DocumentReference', variant: 'replay of the author’s feed (same masterIdentifier)', scope: 'dossier', probes: dossierProbes,
    allowed: PROS_RECORDING, allowedStatuses: [400], audited: true,
    build: (ids, w) => ({ method: 'POST', url: '/fhir/R4/DocumentReference', contentType: FHIR, body: documentReference({ patientId: ids.dossier, masterIdentifier: w.proDoc.masterIdentifier, title: 'Compte rendu (sweep)' }) }),
  },
  {
    route: 'POST /fhir/R4/DocumentReference', variant: 'relatesTo another patient’s document', scope: 'same', probes: ['absentReference'], allowed: [], audited: false,
    build: (ids) => ({ method: 'POST', url: '/fhir/R4/DocumentReference', contentType: FHIR, body: { ...proDocument(ids), relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${ids.ref}` } }] } }),
  },
  // Staging content before its DocumentReference: decided like a feed of the target (securityContext in the body).
  {
    route: 'POST /fhir/R4/Binary', variant: 'stage content for the target', scope: 'dossier', probes: dossierProbes, allowed: [...PROS_RECORDING, 'owner'], audited: true,
    build: (ids) => ({ method: 'POST', url: '/fhir/R4/Binary', contentType: FHIR, body: { resourceType: 'Binary', contentType: 'application/pdf', securityContext: { reference: `Patient/${ids.dossier}` }, data: pdfBytes('sweep').toString('base64') } }),
  },
  { route: 'POST /fhir/R4', variant: 'ITI-65 bundle for the target', scope: 'dossier', probes: dossierProbes, allowed: PROS_RECORDING, audited: true, build: (ids) => ({ method: 'POST', url: '/fhir/R4/', contentType: FHIR, body: bundle(ids.dossier, [proDocument(ids, 'Lot 1')]) }) },
  {
    route: 'POST /fhir/R4', variant: 'ITI-65 bundle mixing the target and another patient', scope: 'same', probes: ['absentDossier'], allowed: [], audited: false,
    build: (ids, w) => ({ method: 'POST', url: '/fhir/R4/', contentType: FHIR, body: bundle(ids.dossier, [proDocument(ids, 'Lot 1'), documentReference({ patientId: w.stranger.id, masterIdentifier: fresh(), title: 'Lot 2' })]) }),
  },

  // ---- FHIR: documents by id (the id carries the dossier) ----
  { route: 'GET /fhir/R4/DocumentReference/:id', variant: 'read', scope: 'dossier', doc: 'pro', probes: documentProbes, allowed: ['consentedPro', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/DocumentReference/${ids.doc}` }) },
  { route: 'GET /fhir/R4/Binary/:id', variant: 'content', scope: 'dossier', doc: 'pro', probes: documentProbes, allowed: ['consentedPro', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/Binary/${ids.doc}`, headers: { accept: 'application/fhir+json' } }) },
  {
    route: 'PATCH /fhir/R4/DocumentReference/:id', variant: 'mask (JSON Patch)', scope: 'dossier', doc: 'pro', probes: documentProbes, allowed: ['owner'], audited: true,
    build: (ids) => ({ method: 'PATCH', url: `/fhir/R4/DocumentReference/${ids.doc}`, contentType: 'application/json-patch+json', body: [{ op: 'add', path: '/securityLabel/-', value: { system: LABELS, code: 'MASQUE_PS' } }] }),
  },
  {
    route: 'PUT /fhir/R4/DocumentReference/:id', variant: 'mask (whole resource)', scope: 'dossier', doc: 'pro', probes: documentProbes, allowed: ['owner'], audited: true,
    build: (ids) => ({ method: 'PUT', url: `/fhir/R4/DocumentReference/${ids.doc}`, contentType: FHIR, body: { resourceType: 'DocumentReference', id: ids.doc, securityLabel: [{ coding: [{ system: LABELS, code: 'MASQUE_PS' }] }] } }),
  },
  { route: 'DELETE /fhir/R4/DocumentReference/:id', variant: 'the holder’s own upload', scope: 'dossier', doc: 'patient', probes: documentProbes, allowed: ['owner'], audited: true, build: (ids) => ({ method: 'DELETE', url: `/fhir/R4/DocumentReference/${ids.doc}`, headers: { 'idempotency-key': randomUUID() } }) },

  // ---- FHIR: searches (ids in the query) ----
  { route: 'GET /fhir/R4/DocumentReference', variant: 'patient=Patient/<id>', scope: 'dossier', probes: dossierProbes, allowed: ['consentedPro', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/DocumentReference?patient=Patient/${ids.dossier}` }) },
  { route: 'GET /fhir/R4/DocumentReference', variant: 'subject=<id>', scope: 'dossier', probes: dossierProbes, allowed: ['consentedPro', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/DocumentReference?subject=${ids.dossier}&status=current,superseded` }) },
  { route: 'GET /fhir/R4/DocumentReference', variant: 'patient.identifier=<INS>', scope: 'dossier', probes: dossierProbes, allowed: ['consentedPro', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/DocumentReference?patient.identifier=${encodeURIComponent(`${INS_SYSTEM}|${ids.ins}`)}` }) },
  { route: 'GET /fhir/R4/AuditEvent', variant: 'patient=Patient/<id>', scope: 'dossier', probes: dossierProbes, allowed: ['operator', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/AuditEvent?patient=Patient/${ids.dossier}&_count=10` }) },
  { route: 'GET /fhir/R4/Patient/:id', variant: 'read', scope: 'dossier', probes: dossierProbes, allowed: ['unrelatedPro', 'consentedPro', 'operator', 'owner'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/Patient/${ids.dossier}` }) },
  { route: 'GET /fhir/R4/Patient', variant: 'identifier=<INS>', scope: 'dossier', probes: dossierProbes, allowed: ['unrelatedPro', 'consentedPro', 'operator'], audited: true, build: (ids) => ({ method: 'GET', url: `/fhir/R4/Patient?identifier=${encodeURIComponent(`${INS_SYSTEM}|${ids.ins}`)}` }) },
  {
    route: 'GET /fhir/R4/Patient', variant: 'strict traits', scope: 'dossier', probes: dossierProbes, allowed: ['unrelatedPro', 'consentedPro', 'operator'], audited: true,
    build: (ids, w) => ({ method: 'GET', url: `/fhir/R4/Patient?family=${ids.family}&given=${w.target.given}&birthdate=${w.target.birthDate}&gender=male` }),
  },
  { route: 'GET /fhir/R4/Patient', variant: 'my spaces (no criteria)', scope: 'self', probes: [], allowed: ['strangerPatient', 'carerFeatureOff', 'representativeOfAdult', 'owner'], audited: false, build: () => ({ method: 'GET', url: '/fhir/R4/Patient' }) },
];

type KnownGroup = { bug: string; kind: string; routes: string[]; actors: ActorName[] };

/**
 * Bugs in src/ that the sweep reproduces and that are not fixed yet: their findings keep the suite green
 * while they are open (any other finding fails the sweep). An entry that no longer reproduces is
 * announced in the summary line: remove it, so the bug cannot come back unnoticed. Routes are
 * `METHOD url [variant]`, e.g.
 *   KNOWN_BUGS.B1 = 'feed of an unknown dossier answers "Patient introuvable.", a hidden one "Ressource introuvable."'
 *   { bug: 'B1', kind: 'oracle', routes: ['POST /fhir/R4/DocumentReference [subject Patient/<id>]'], actors: ['strangerPatient'] }
 */
export const KNOWN_BUGS: Record<string, string> = {};
const KNOWN_GROUPS: KnownGroup[] = [];

export type KnownFinding = { key: string; bug: string };
export const KNOWN_FINDINGS: KnownFinding[] = KNOWN_GROUPS.flatMap((g) => g.routes.flatMap((r) => g.actors.map((a) => ({ key: `${g.kind} ${r} ${a}`, bug: g.bug }))));

/** The notification centre (/api/notifications…): about the caller only, nothing of the target dossier. */
function notificationSpecs(): Spec[] {
  const HAVE_A_CENTRE = EVERYONE.filter((a) => a !== 'operator');
  const self = (route: string, variant: string, build: Spec['build'], allowedStatuses?: number[]): Spec =>
    ({ route, variant, scope: 'self', probes: [], allowed: HAVE_A_CENTRE, audited: false, build, ...(allowedStatuses ? { allowedStatuses } : {}) });
  return [
    self('GET /api/notifications', 'my list', () => ({ method: 'GET', url: '/api/notifications?limit=5' })),
    // An id that names nothing: not found for everyone who has a centre.
    self('POST /api/notifications/:id/read', 'unknown id', () => ({ method: 'POST', url: `/api/notifications/${randomUUID()}/read` }), [404]),
    self('POST /api/notifications/read-all', 'mine', () => ({ method: 'POST', url: '/api/notifications/read-all' })),
    self('GET /api/notification-preferences', 'mine', () => ({ method: 'GET', url: '/api/notification-preferences' })),
    self('PUT /api/notification-preferences', 'mine', () => ({ method: 'PUT', url: '/api/notification-preferences', body: { kinds: [{ kind: 'document.added', email: true }] } })),
    // Injected requests do not read event streams: refused before any stream opens (tested over HTTP in notifications.test.ts).
    self('GET /api/notifications/stream', 'without Accept', () => ({ method: 'GET', url: '/api/notifications/stream' }), [400]),
  ];
}

// ---- Replays (issue 8, item 7a) ----

/**
 * The writes that take an `Idempotency-Key`, each swept as a replay (the spec named `route [variant]`):
 * every actor sends the request, loses their right (the professionals are blocked, then the space is
 * closed), and sends it again with the same key. The replay must be decided again: refused like a fresh
 * request when the right is gone, never carrying the stored answer, and traced once, as a replay.
 * Every /api route whose OpenAPI description names the header must be listed here.
 */
export const REPLAYED_SPECS: readonly string[] = [
  'POST /fhir/R4/DocumentReference [subject Patient/<id>]',
  'POST /fhir/R4/DocumentReference [patient upload (DOCPAT03)]',
  'POST /fhir/R4 [ITI-65 bundle for the target]',
  'POST /fhir/R4/Binary [stage content for the target]',
  'PATCH /fhir/R4/DocumentReference/:id [mask (JSON Patch)]',
  'PUT /fhir/R4/DocumentReference/:id [mask (whole resource)]',
  'DELETE /fhir/R4/DocumentReference/:id [the holder’s own upload]',
  'POST /api/dossiers/:dossierId/:action [close]',
  'PUT /api/dossiers/:dossierId/settings [block SAMU]',
  'POST /api/dossiers/:dossierId/blocked-professionals [block a directory professional]',
  'DELETE /api/dossiers/:dossierId/blocked-professionals/:rpps [unblock the blocked professional]',
  'POST /api/dossiers/:dossierId/consents [for the care team]',
  'POST /api/dossiers/:dossierId/feeding-information [record]',
  'POST /api/dossiers/:dossierId/oppositions [record]',
  'POST /api/dossiers/:dossierId/emergency-access [bris de glace]',
  'POST /api/dossiers/:dossierId/secret-connection [minor target]',
  'POST /api/dossiers/:dossierId/carers [invite by e-mail]',
  'DELETE /api/dossiers/:dossierId/carers/:carerDossierId [revoke]',
  'DELETE /api/dossiers/:dossierId/carer-invitations/:invitationId [withdraw]',
  'POST /api/dossiers/:dossierId/carer-invitations/:invitationId/accept [an invitation addressed to nobody here]',
  'POST /api/dossiers/:dossierId/carer-invitations/:invitationId/decline [an invitation addressed to nobody here]',
  'DELETE /api/dossiers/:dossierId/carer-mandate [give up]',
];

// ---- Secret connection (issue 8, item 3) ----

/**
 * What `unrelatedPro` does in a secret connection with the (minor) target: refusals, a granted deposit
 * hidden from the representatives, its replay, a read. None of it may show, nor leave a trace of itself
 * (a gap, a count, a cursor), in what the legal representatives read; the minor and the operator see it all.
 */
export type SecretStep = { variant: string; build: (ids: Ids, w: World) => SweepRequest; refused: boolean; reason?: string };
const HIDDEN_FROM_REPRESENTATIVES = 'INVISIBLE_REPRESENTANTS_LEGAUX';
const secretDeposit = (ids: Ids, labels: string[], masterIdentifier: string, key: string = randomUUID()): SweepRequest => ({
  method: 'POST', url: '/fhir/R4/DocumentReference', contentType: FHIR, headers: { 'idempotency-key': key },
  body: documentReference({ patientId: ids.dossier, masterIdentifier, title: 'Consultation confidentielle (sweep)', labels }),
});
export const SECRET_STEPS: SecretStep[] = [
  { variant: 'a deposit the representatives could see (refused)', refused: true, reason: 'POLICY_SECRET_DEPOSIT_RESTRICTED', build: (ids) => secretDeposit(ids, [], fresh()) },
  // SAMU mode is for the physicians of a listed regulation centre, which `unrelatedPro` is not.
  { variant: 'SAMU emergency access from the secret connection (refused)', refused: true, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/emergency-access`, body: { mode: 'samu' } }) },
  { variant: 'masking a document (refused: the holder’s choice)', refused: true, build: (ids) => ({ method: 'PATCH', url: `/fhir/R4/DocumentReference/${ids.doc}`, contentType: 'application/json-patch+json', body: [{ op: 'add', path: '/securityLabel/-', value: { system: LABELS, code: 'MASQUE_PS' } }] }) },
  { variant: 'a deposit hidden from the representatives', refused: false, build: (ids, w) => secretDeposit(ids, [HIDDEN_FROM_REPRESENTATIVES], `urn:oid:1.2.250.1.999.6.${w.n}`, `secret-deposit-${w.n}`) },
  { variant: 'its replay (same Idempotency-Key)', refused: false, build: (ids, w) => secretDeposit(ids, [HIDDEN_FROM_REPRESENTATIVES], `urn:oid:1.2.250.1.999.6.${w.n}`, `secret-deposit-${w.n}`) },
  { variant: 'the minor’s consent, recorded', refused: false, build: (ids) => ({ method: 'POST', url: `/api/dossiers/${ids.dossier}/consents`, body: { scope: 'professional' } }) },
  { variant: 'a search of the documents', refused: false, build: (ids) => ({ method: 'GET', url: `/fhir/R4/DocumentReference?patient=Patient/${ids.dossier}` }) },
];
