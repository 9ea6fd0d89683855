import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { ENGINE } from './support/test-db.ts';

/** RELIABILITY R19: canary identity data and secrets sent in requests never reach the technical logs. */
describe(`log hygiene (${ENGINE})`, () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  let t: TestApp;
  const canaryIns = insWithKey('2770275056777');
  const canaryName = 'ZZCANARYNAME';
  let dossier: string;

  beforeAll(async () => {
    t = await createTestApp({ OPENMES_LOG_LEVEL: 'info' }, { logStream: sink });
    dossier = await insertDossier(t.db, { ins: canaryIns, birthName: canaryName, firstNames: 'Zoé', birthDate: '1977-02-03' });
  });
  afterAll(async () => t.close());

  it('logs requests with method, route, status and request id only', async () => {
    const proToken = await t.tokenFor(doctor);
    const holderToken = await t.tokenFor(personFor(dossier, 'Zoé ZZCANARYNAME'));
    await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient?identifier=${canaryIns}`, headers: { authorization: `Bearer ${proToken}` } });
    await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient?family=${canaryName}&given=Zoé&birthdate=1977-02-03&gender=female`, headers: { authorization: `Bearer ${proToken}` } });
    await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${dossier}`, headers: { authorization: `Bearer ${holderToken}` } });
    await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient?identifier=${canaryIns.slice(0, 13)}00`, headers: { authorization: `Bearer ${proToken}` } });
    await t.app.inject({ method: 'POST', url: `/api/dossiers/${dossier}/activate`, headers: { authorization: `Bearer ${holderToken}`, 'content-type': 'application/json' }, payload: `{"note":"${canaryName}"` });
    await new Promise((r) => setImmediate(r));
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const canary of [canaryIns, canaryIns.slice(0, 13), canaryName, 'Zoé', '1977-02-03', proToken.slice(-20), holderToken.slice(-20)]) {
      expect(log).not.toContain(canary);
    }
    const parsed = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { route?: string } });
    expect(parsed.some((p) => p.req?.route === '/fhir/R4/Patient/:id')).toBe(true);
    expect(parsed.every((p) => typeof p.reqId === 'string' || p.reqId === undefined)).toBe(true);
  });
});
