import type { FastifyPluginAsync } from 'fastify';
import { fhirSystemForOid, type ValueSet } from '../../domain/terminology/svs-value-set.ts';
import type { DocumentTerminology } from '../../domain/terminology/value-sets.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { FHIR_SYSTEMS } from '../fhir/fhir-primitives.ts';

/** The value sets a feeding form needs, by the name used in the URL. */
export const VALUE_SET_NAMES = ['document-types', 'document-classes', 'practice-settings', 'facility-types', 'author-specialties'] as const;
export type ValueSetName = (typeof VALUE_SET_NAMES)[number];

/** One code as a form shows it and a DocumentReference carries it (FHIR system URI, not the OID). */
export type ValueSetEntry = { code: string; system: string; display: string; classCode?: string; patientOnly?: boolean };
export type ValueSetAnswer = { name: ValueSetName; id: string; oid: string | null; version: string; concepts: ValueSetEntry[] };

const problem = {
  type: 'object',
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, instance: { type: 'string' } },
} as const;

const valueSetAnswer = {
  type: 'object',
  properties: {
    name: { type: 'string' }, id: { type: 'string' }, oid: { type: ['string', 'null'] }, version: { type: 'string' },
    concepts: {
      type: 'array',
      items: {
        type: 'object',
        properties: { code: { type: 'string' }, system: { type: 'string' }, display: { type: 'string' }, classCode: { type: 'string' }, patientOnly: { type: 'boolean' } },
      },
    },
  },
} as const;

/** J66 DMP types (the only ones the record accepts), each with its J57 class. */
function documentTypes(t: DocumentTerminology): ValueSetEntry[] {
  return t.dmpTypeCodes().flatMap((code) => {
    const type = t.dmpType(code);
    return type ? [{ code, system: type.system, display: type.display, classCode: type.classCode, patientOnly: t.isPatientTypeCode(code) }] : [];
  });
}

/** J57 classes, as the type → class correspondence names them. */
function documentClasses(t: DocumentTerminology): ValueSetEntry[] {
  const seen = new Map<string, ValueSetEntry>();
  for (const code of t.dmpTypeCodes()) {
    const classCode = t.classCodeFor(code);
    const display = classCode ? t.classDisplay(classCode) : undefined;
    if (classCode && display && !seen.has(classCode)) seen.set(classCode, { code: classCode, system: FHIR_SYSTEMS.TRE_A03_CLASS, display });
  }
  return [...seen.values()].sort((a, b) => a.display.localeCompare(b.display, 'fr'));
}

function svsConcepts(vs: ValueSet): ValueSetEntry[] {
  return vs.concepts.map((c) => ({ code: c.code, system: fhirSystemForOid(c.codeSystem), display: c.display }));
}

function valueSet(t: DocumentTerminology, name: ValueSetName): ValueSetAnswer {
  switch (name) {
    case 'document-types':
      return { name, id: t.typeValueSet.id, oid: t.typeValueSet.oid, version: t.typeValueSet.version, concepts: documentTypes(t) };
    case 'document-classes':
      return { name, id: t.classValueSet.id, oid: t.classValueSet.oid, version: t.classValueSet.version, concepts: documentClasses(t) };
    case 'practice-settings':
    case 'facility-types':
    case 'author-specialties': {
      const vs = t.valueSets[name === 'practice-settings' ? 'J04' : name === 'facility-types' ? 'J02' : 'J01'];
      return { name, id: vs.id, oid: vs.oid, version: vs.version, concepts: svsConcepts(vs) };
    }
    default:
      return name satisfies never;
  }
}

/**
 * Read-only reference data for the portals' forms (/api): the CI-SIS value sets the server checks
 * documents against (so a picker never offers a code the server refuses), and the regulatory delays
 * in force that the forms explain. Public nomenclatures, no patient data: not traced.
 */
export function valueSetRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { name: ValueSetName } }>('/value-sets/:name', {
      schema: {
        summary: 'Jeu de valeurs CI-SIS utilisé pour décrire un document (types J66, classes J57, cadres J04, secteurs J02, spécialités J01)',
        tags: ['référentiels'],
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', enum: [...VALUE_SET_NAMES] } } },
        response: { 200: valueSetAnswer, 400: problem, 401: problem },
      },
    }, async (request) => {
      await requireActor(request, deps.tokenKeys, deps.clock());
      return valueSet(deps.reference.documents, request.params.name);
    });

    app.get('/regulatory-parameters', {
      schema: {
        summary: 'Délais réglementaires en vigueur (documents invisibles au patient, durée des accès en urgence)',
        tags: ['référentiels'],
        response: {
          200: {
            type: 'object',
            properties: {
              invisiblePatientInformAfterDays: { type: 'integer' }, invisiblePatientVisibleAfterDays: { type: 'integer' }, emergencyAccessMinutes: { type: 'integer' },
            },
          },
          401: problem,
        },
      },
    }, async (request) => {
      const now = deps.clock();
      await requireActor(request, deps.tokenKeys, now);
      const values = deps.reference.regulatory.at(now);
      return {
        invisiblePatientInformAfterDays: values.invisiblePatientInformAfterDays,
        invisiblePatientVisibleAfterDays: values.invisiblePatientVisibleAfterDays,
        emergencyAccessMinutes: values.emergencyAccessMinutes,
      };
    });
  };
}
