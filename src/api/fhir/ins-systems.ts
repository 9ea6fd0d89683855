/** INS identifier systems (FR Core Patient-INS slices). */
export const INS_SYSTEMS = {
  'INS-NIR': { oid: '1.2.250.1.213.1.4.8' },
  'INS-NIA': { oid: '1.2.250.1.213.1.4.9' },
  'INS-NIR-TEST': { oid: '1.2.250.1.213.1.4.10' },
  'INS-NIR-DEMO': { oid: '1.2.250.1.213.1.4.11' },
} as const;

export const INS_SYSTEM_URIS: ReadonlySet<string> = new Set(Object.values(INS_SYSTEMS).map((s) => `urn:oid:${s.oid}`));
