import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { validateIns } from '../../domain/identity/ins.ts';
import { isIsoCalendarDate, type ValidationIssue } from '../../domain/validation-issue.ts';
import { readPatient } from '../../services/read-patient.ts';
import { searchPatients, type PatientCriteria } from '../../services/search-patients.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { capabilityStatement } from './capability-statement.ts';
import { INS_SYSTEM_URIS } from './ins-systems.ts';
import { toFhirPatient } from './patient-resource.ts';
import { auditEventRoutes } from './audit-event-routes.ts';
import { documentRoutes } from './document-routes.ts';
import { requestContext } from '../request-context.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

type PatientQuery = { identifier?: string; family?: string; given?: string; birthdate?: string; gender?: string };

/** FHIR R4 endpoint: CapabilityStatement, Patient read and search. */
export function fhirRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(documentRoutes(deps));
    await app.register(auditEventRoutes(deps));
    const base = `${deps.config.publicUrl}/fhir/R4`;
    app.get('/metadata', { config: { public: true }, schema: { summary: 'CapabilityStatement FHIR', tags: ['fhir'], security: [] } }, async (_req, reply) =>
      reply.type(FHIR_JSON).send(capabilityStatement(base, deps.clock())));

    app.get<{ Params: { id: string } }>('/Patient/:id', { schema: { summary: 'Lire un patient (identité INS)', tags: ['fhir'] } }, async (request, reply) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      // A malformed id is simply an id that does not exist; the answer must not differ.
      if (!ID.test(request.params.id)) throw new AppError('RESOURCE_NOT_FOUND');
      const view = await readPatient(deps, requestContext(request, actor), request.params.id.toLowerCase());
      return reply.type(FHIR_JSON).send(toFhirPatient(view.dossier, view.carerMandate));
    });

    app.get<{ Querystring: PatientQuery }>('/Patient', { schema: { summary: 'Rechercher un patient par INS ou par traits stricts', tags: ['fhir'] } }, async (request, reply) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      const criteria = patientCriteria(request.query, actor.kind === 'person');
      const found = await searchPatients(deps, requestContext(request, actor), criteria);
      return reply.type(FHIR_JSON).send({
        resourceType: 'Bundle',
        type: 'searchset',
        total: found.length,
        link: [{ relation: 'self', url: `${base}${request.url.slice(request.url.indexOf('/Patient'))}` }],
        entry: found.map((v) => ({ fullUrl: `${base}/Patient/${v.dossier.dossier_id}`, resource: toFhirPatient(v.dossier, v.carerMandate), search: { mode: 'match' } })),
      });
    });
  };
}

/** Turns query parameters into search criteria, or a 400 naming each bad parameter. */
function patientCriteria(q: PatientQuery, callerIsPerson: boolean): PatientCriteria {
  const issues: ValidationIssue[] = [];
  const known = new Set(['identifier', 'family', 'given', 'birthdate', 'gender']);
  for (const key of Object.keys(q)) {
    if (!known.has(key)) issues.push({ field: key, code: 'FHIR_SEARCH_PARAM_UNKNOWN', message: `Paramètre de recherche non pris en charge : ${key}` });
  }
  if (issues.length) throw new AppError('VALIDATION_FAILED', undefined, issues);
  if (typeof q.identifier === 'string') {
    const [system, value] = q.identifier.includes('|') ? q.identifier.split('|', 2) : [undefined, q.identifier];
    if (system !== undefined && !INS_SYSTEM_URIS.has(system)) {
      throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'identifier', code: 'IDENTITY_INS_OID', message: "Le système de l'identifiant doit être un OID INS (urn:oid:1.2.250.1.213.1.4.8, .9, .10 ou .11)." }]);
    }
    const ins = validateIns(value ?? '');
    if (!ins.ok) throw new AppError('VALIDATION_FAILED', undefined, ins.issues.map((i) => ({ ...i, field: 'identifier' })));
    return { kind: 'ins', ins: ins.value };
  }
  const traits = { family: q.family, given: q.given, birthdate: q.birthdate, gender: q.gender };
  if (Object.values(traits).some((v) => v !== undefined)) {
    for (const [k, v] of Object.entries(traits)) {
      if (typeof v !== 'string' || v.trim() === '') issues.push({ field: k, code: 'FHIR_SEARCH_TRAITS_INCOMPLETE', message: `La recherche par traits exige family, given, birthdate et gender : ${k} manque.` });
    }
    // A real calendar day (2000-02-31 and year 0 are not: the database would fail on them).
    if (typeof q.birthdate === 'string' && (!isIsoCalendarDate(q.birthdate) || q.birthdate.startsWith('0000'))) {
      issues.push({ field: 'birthdate', code: 'FHIR_SEARCH_DATE', message: 'Date de naissance attendue : un jour qui existe, au format AAAA-MM-JJ.' });
    }
    const sex = { male: 'M', female: 'F', unknown: 'U' }[q.gender ?? ''] as 'M' | 'F' | 'U' | undefined;
    if (q.gender !== undefined && !sex) issues.push({ field: 'gender', code: 'FHIR_SEARCH_GENDER', message: 'Valeurs possibles : male, female, unknown.' });
    if (issues.length) throw new AppError('VALIDATION_FAILED', undefined, issues);
    return { kind: 'traits', birthName: q.family!.trim(), firstName: q.given!.trim(), birthDate: q.birthdate!, sex: sex! };
  }
  if (callerIsPerson) return { kind: 'mine' };
  throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'identifier', code: 'FHIR_SEARCH_CRITERIA_REQUIRED', message: 'Indiquez un INS (identifier) ou les traits stricts (family, given, birthdate, gender).' }]);
}
