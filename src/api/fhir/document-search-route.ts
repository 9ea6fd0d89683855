import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import type { ValidationIssue } from '../../domain/validation-issue.ts';
import { resolvePatientDossier, searchDocuments, type DocumentQuery } from '../../services/search-documents.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { searchsetBundle } from './bundle-builder.ts';
import { boundsToRange, decodeCursor, documentSearchToParams, encodeCursor, parseDocumentSearch, type DocumentSearch } from './document-search-params.ts';
import { documentResource } from './document-resource.ts';
import { documentFhirId } from '../../domain/resource-ids.ts';
import { requestContext } from '../request-context.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const FIND_RESPONSE = 'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-find-documentreferences-comprehensive-response';

/** ITI-67 Find Document References: every hit decided; totals and pages count only what the caller may see. */
export function documentSearchRoute(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/DocumentReference', { schema: { summary: 'Rechercher les documents d’un patient (ITI-67)', tags: ['fhir'] } }, async (request, reply) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      const parsed = parseDocumentSearch(request.query as Record<string, unknown>, { baseUrl: `${deps.config.publicUrl}/fhir/R4` });
      if (!parsed.ok) throw new AppError('VALIDATION_FAILED', undefined, parsed.issues);
      const search = parsed.search;
      const query = toQuery(search);
      const ctx = requestContext(request, actor);
      const dossierId = await resolvePatientDossier(deps, search.patient!.kind === 'id' ? { kind: 'id', id: search.patient!.id } : { kind: 'ins', ins: search.patient!.value });
      const page = await searchDocuments(deps, ctx, dossierId, query);
      const base = `${deps.config.publicUrl}/fhir/R4`;
      const raw = (request.query as Record<string, unknown>)._page;
      return reply.type(FHIR_JSON).send(searchsetBundle({
        baseUrl: base,
        resourcePath: 'DocumentReference',
        total: page.total,
        profile: FIND_RESPONSE,
        entries: search.summary === 'count' ? [] : page.documents.map((d) => ({
          resource: documentResource(deps, d, page.invisibleToPatient.has(d.documentId)),
          fullUrl: `${base}/DocumentReference/${documentFhirId(d.dossierId, d.documentId)}`,
        })),
        selfParams: documentSearchToParams(search),
        cursor: typeof raw === 'string' ? raw : null,
        nextCursor: page.next ? encodeCursor({ date: page.next.date, id: page.next.documentId, direction: 'next', sort: search.sort }) : null,
        prevCursor: page.prev ? encodeCursor({ date: page.prev.date, id: page.prev.documentId, direction: 'prev', sort: search.sort }) : null,
      }));
    });
  };
}

/** The typed search as the service's query; criteria this server cannot honour are refused, never ignored. */
function toQuery(s: DocumentSearch): DocumentQuery {
  const issues: ValidationIssue[] = [];
  if (!s.patient) issues.push({ field: 'patient', code: 'FHIR_SEARCH_PATIENT_REQUIRED', message: 'La recherche de documents exige un patient (patient=Patient/<id> ou patient.identifier=<INS>).' });
  if (s.author?.kind === 'reference') issues.push({ field: 'author', code: 'FHIR_SEARCH_PARAM_UNSUPPORTED', message: 'Recherche par auteur : utilisez author.identifier=https://rpps.esante.gouv.fr|<RPPS>.' });
  if (s.cursor && s.cursor.sort !== s.sort) issues.push({ field: '_page', code: 'FHIR_SEARCH_CURSOR', message: 'Curseur de pagination invalide pour cette recherche.' });
  if (issues.length) throw new AppError('VALIDATION_FAILED', undefined, issues);
  const date = boundsToRange(s.date);
  const period = boundsToRange(s.period);
  const codes = (tokens: { code: string }[]) => (tokens.length ? tokens.map((t) => t.code) : undefined);
  const q: DocumentQuery = {
    statuses: s.status,
    count: s.count,
    ascending: s.sort === 'date',
    after: s.cursor?.direction === 'next' ? { date: s.cursor.date, documentId: s.cursor.id } : null,
    before: s.cursor?.direction === 'prev' ? { date: s.cursor.date, documentId: s.cursor.id } : null,
  };
  const typeCodes = codes(s.type); if (typeCodes) q.typeCodes = typeCodes;
  const classCodes = codes(s.category); if (classCodes) q.classCodes = classCodes;
  const facilityTypes = codes(s.facility); if (facilityTypes) q.facilityTypes = facilityTypes;
  const practiceSettings = codes(s.setting); if (practiceSettings) q.practiceSettings = practiceSettings;
  const formatCodes = codes(s.format); if (formatCodes) q.formatCodes = formatCodes;
  const securityLabels = codes(s.securityLabel); if (securityLabels) q.securityLabels = securityLabels;
  if (date.from) q.dateFrom = new Date(date.from);
  if (date.before) q.dateBefore = new Date(date.before);
  if (period.from) q.periodFrom = new Date(period.from);
  if (period.before) q.periodBefore = new Date(period.before);
  if (s.author?.kind === 'rpps') q.authorRpps = s.author.rpps;
  // An empty date range matches nothing: ask for an impossible window rather than everything.
  if (date.empty || period.empty) { q.dateFrom = new Date(8.64e15); }
  return q;
}
