/** What the FHIR endpoint supports today; grows with each capability. */
export function capabilityStatement(baseUrl: string, now: Date): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: now.toISOString().slice(0, 10),
    publisher: 'OpenMES',
    kind: 'instance',
    software: { name: 'OpenMES', version: '0.1.0' },
    implementation: { description: 'OpenMES — espace numérique de santé', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [{
      mode: 'server',
      documentation: "Les contrôles du patient (masquer tout, oppositions aux accès d'urgence, professionnels bloqués, médecin traitant) et les actes des professionnels (consentement, information du patient, opposition à un document, accès d'urgence, connexion secrète) sont des API JSON documentées en OpenAPI à /api/docs : /api/dossiers/{id}/settings, /blocked-professionals, /consents, /feeding-information, /oppositions, /emergency-access, /secret-connection, /history. Le masquage d'un document se fait par PATCH DocumentReference.",
      security: {
        cors: false,
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
        description: "OAuth 2.0 / OpenID Connect : jeton d'accès Bearer émis par le serveur d'autorisation OpenMES (/oidc). Chaque accès est décidé par les règles d'accès et tracé.",
      },
      resource: [
        {
          type: 'Patient',
          profile: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-ins',
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [
            { name: 'identifier', type: 'token', documentation: 'INS : urn:oid:1.2.250.1.213.1.4.8|<NIR> (NIA, test et démo acceptés)' },
            { name: 'family', type: 'string', documentation: 'Nom de naissance (avec given, birthdate et gender : recherche par traits stricts)' },
            { name: 'given', type: 'string', documentation: 'Premier prénom de naissance' },
            { name: 'birthdate', type: 'date', documentation: 'Date de naissance (AAAA-MM-JJ)' },
            { name: 'gender', type: 'token', documentation: 'male | female | unknown' },
          ],
        },
        {
          type: 'DocumentReference',
          profile: 'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-document-reference',
          documentation: "Documents du DMP (IHE MHD, profil PDSm). Création : contenu en attachment.data, ou déposé d'abord par POST Binary puis désigné par attachment.url = Binary/<id> (même appelant, dans les 24 h, utilisable une seule fois, même type MIME) ; création conditionnelle sur masterIdentifier et en-tête Idempotency-Key. Remplacement : relatesTo.code = replaces (auteur seulement). Confidentialité : PATCH (patch JSON sur /securityLabel : replace, ou add sur /securityLabel/-) ou PUT ; rendre un document visible aux représentants légaux est irréversible et exige l'en-tête OpenMES-Confirm-Irreversible: true. Suppression logique : DELETE (auteur, ou le patient pour ses propres dépôts). Un document que l'appelant ne peut pas voir répond exactement comme un document inexistant, et n'est jamais compté.",
          interaction: [{ code: 'create' }, { code: 'read' }, { code: 'search-type' }, { code: 'patch' }, { code: 'update' }, { code: 'delete' }],
          conditionalCreate: true,
          searchParam: [
            { name: 'patient', type: 'reference', documentation: 'Obligatoire : Patient/<id>, ou patient.identifier=<système INS>|<INS>' },
            { name: 'status', type: 'token', documentation: 'current (défaut), superseded, entered-in-error' },
            { name: 'type', type: 'token' }, { name: 'category', type: 'token' }, { name: 'date', type: 'date' },
            { name: 'period', type: 'date' }, { name: 'author.identifier', type: 'token', documentation: 'https://rpps.esante.gouv.fr|<RPPS>' },
            { name: 'facility', type: 'token' }, { name: 'setting', type: 'token' }, { name: 'security-label', type: 'token' },
            { name: 'format', type: 'token' }, { name: '_count', type: 'number', documentation: '50 par défaut, 200 au plus' },
            { name: '_sort', type: 'string', documentation: '-date (défaut) ou date' },
          ],
        },
        {
          type: 'Binary',
          interaction: [{ code: 'read' }, { code: 'create' }],
          documentation: "Lecture : contenu d'un document (ITI-68), décidé et tracé comme sa lecture. Création : dépôt du contenu d'un document à venir (securityContext = Patient/<id>, contentType, data en base64), décidé comme l'alimentation du dossier, vérifié sur ses octets et tracé ; en-tête Idempotency-Key accepté. Le Binary ainsi déposé n'est pas un document : il n'est pas lisible (GET répond « introuvable »), sert une seule fois à son déposant dans un DocumentReference (attachment.url = Binary/<id>) et expire après 24 h.",
        },
        {
          type: 'AuditEvent',
          interaction: [{ code: 'search-type' }],
          documentation: "Historique des accès d'un dossier (forme IHE BALP), du plus récent au plus ancien : côté patient pour son propre dossier, tout pour l'opérateur.",
          searchParam: [{ name: 'patient', type: 'reference' }, { name: '_count', type: 'number' }],
        },
      ],
      interaction: [{ code: 'transaction', documentation: 'ITI-65 Provide Document Bundle (PDSm) : List SubmissionSet + DocumentReference + Binary, tout ou rien.' }],
    }],
  };
}
