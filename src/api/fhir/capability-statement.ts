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
      security: {
        cors: false,
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
        description: "OAuth 2.0 / OpenID Connect : jeton d'accès Bearer émis par le serveur d'autorisation OpenMES (/oidc). Chaque accès est décidé par les règles d'accès et tracé.",
      },
      resource: [{
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
      }],
    }],
  };
}
