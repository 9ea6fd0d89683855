import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { documentReference, pdfBytes } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Issue 8, items 1 and 18, against a real listening server: a request without a valid token is answered
 * from its headers, before any of its body is read; bodies are capped per route, JSON nesting too; an
 * oversized upload gets its 413, never a connection reset.
 */

type Answer = { status: number; headers: IncomingHttpHeaders; body: string };
let t: TestApp;
let port: number;
let patient: string;

const MiB = 1024 * 1024;
const bearer = async (actor: Actor) => `Bearer ${await t.tokenFor(actor)}`;

/** One HTTP request on its own connection (node:http), the whole body at once. */
function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * An upload that declares `declaredBytes` and sends only what the test writes: the answer reports how
 * many body bytes had been sent when it arrived.
 */
function startUpload(path: string, headers: Record<string, string>, declaredBytes: number) {
  let sent = 0;
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { ...headers, 'content-length': String(declaredBytes) }, agent: false });
  const answer = new Promise<Answer & { sentWhenAnswered: number }>((resolve, reject) => {
    req.on('response', (res) => {
      const sentWhenAnswered = sent;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), sentWhenAnswered }));
    });
    req.on('error', reject);
  });
  return {
    answer,
    write: (chunk: Buffer) => new Promise<void>((resolve, reject) => {
      sent += chunk.length;
      req.write(chunk, (err) => (err ? reject(err) : resolve()));
    }),
    abort: () => req.destroy(),
  };
}

/**
 * A plain uploader over TCP, as simple clients are: it writes the whole request, then closes its side,
 * reading whatever comes back meanwhile. What it got is what a client sees, reset included.
 */
function rawUpload(head: string, body: Buffer): Promise<{ statusLine: string; headers: string; body: string; error: string | null }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | null = null;
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => { error = err.code ?? err.message; });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headPart = '', bodyPart = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...headerLines] = headPart.split('\r\n');
      resolve({ statusLine, headers: headerLines.join('\n').toLowerCase(), body: bodyPart, error });
    });
    socket.write(head);
    socket.write(body, () => socket.end());
  });
}

const issueCodes = (answer: Answer) => (JSON.parse(answer.body).issue as { details: { coding: { code: string }[] } }[]).map((i) => i.details.coding[0]!.code);

describe(`request bodies: token first, size and nesting capped, 413 every time (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    patient = await insertDossier(t.db, { ins: insWithKey('1800575056444'), birthName: 'LEROY', firstNames: 'Hugo', birthDate: '1980-03-01', sex: 'M', state: 'active' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    const informed = await send('POST', `/api/dossiers/${patient}/feeding-information`, { authorization: await bearer(doctor), 'content-type': 'application/json' }, '{}');
    expect(informed.status).toBeLessThan(300);
  });
  afterAll(async () => t.close());

  it.each([
    ['POST /fhir/R4/DocumentReference', '/fhir/R4/DocumentReference'],
    ['POST /fhir/R4 (ITI-65 transaction)', '/fhir/R4'],
    ['POST /fhir/R4/Binary', '/fhir/R4/Binary'],
  ])('%s: an anonymous 25 MB nested body gets its 401 from the headers, and /healthz is served while the upload is in flight', async (_name, path) => {
    const declared = 25_000_000;
    const attack = startUpload(path, { 'content-type': 'application/fhir+json' }, declared);
    let answer: Awaited<typeof attack.answer>;
    try {
      await attack.write(Buffer.from('['.repeat(MiB)));
      // The upload is paused, 24 MB still to come: the server goes on serving others.
      const health = await send('GET', '/healthz', {});
      expect(health.status).toBe(200);
      // The refusal comes without the rest of the body (before the fix, the server waited for all of it, then parsed it).
      answer = await attack.answer;
    } finally {
      attack.abort();
    }
    expect(answer.status).toBe(401);
    expect(answer.sentWhenAnswered).toBeLessThan(declared);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(answer.body)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login', details: { coding: [{ code: 'AUTH_REQUIRED' }] } }] });
    expect(answer.headers.connection).toBe('close');
  });

  it('a forged token is refused the same way, before the body; /api answers problem+json', async () => {
    const forged = startUpload('/fhir/R4/DocumentReference', { 'content-type': 'application/fhir+json', authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' }, 25_000_000);
    const answer = await forged.write(Buffer.from('{"a":'.repeat(1000))).then(() => forged.answer).finally(() => forged.abort());
    expect(answer.status).toBe(401);
    expect(issueCodes(answer)).toEqual(['AUTH_INVALID_TOKEN']);

    const settings = startUpload(`/api/dossiers/${patient}/settings`, { 'content-type': 'application/json' }, 25_000_000);
    const refused = await settings.write(Buffer.from('['.repeat(64 * 1024))).then(() => settings.answer).finally(() => settings.abort());
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 401, code: 'AUTH_REQUIRED' });
  });

  it('public routes stay public: the CapabilityStatement and the API docs need no token', async () => {
    const metadata = await send('GET', '/fhir/R4/metadata', {});
    expect(metadata.status).toBe(200);
    expect(JSON.parse(metadata.body).resourceType).toBe('CapabilityStatement');
    expect((await send('HEAD', '/fhir/R4/metadata', {})).status).toBe(200);
    expect((await send('GET', '/api/docs/json', {})).status).toBe(200);
    // An unknown address is a 404 with or without a token, as before.
    expect((await send('POST', '/fhir/R4/Nothing', { 'content-type': 'application/fhir+json' }, '{}')).status).toBe(404);
  });

  it('an authenticated JSON nested deeper than 64 levels is a 400 that says so, small (parsed in place) or large (parsed in a worker)', async () => {
    const headers = { authorization: await bearer(doctor), 'content-type': 'application/fhir+json' };
    const small = await send('POST', '/fhir/R4/DocumentReference', headers, `${'['.repeat(65)}${']'.repeat(65)}`);
    const large = await send('POST', '/fhir/R4/DocumentReference', headers, `${'['.repeat(2 * MiB)}${']'.repeat(2 * MiB)}`);
    for (const answer of [small, large]) {
      expect(answer.status).toBe(400);
      expect(issueCodes(answer)).toEqual(['JSON_TOO_DEEP']);
      expect(JSON.parse(answer.body).issue[0].details.text).toContain('trop imbriqué : 64 niveaux');
    }
    // Exactly at the limit the nesting is fine (the resource itself is then what is wrong).
    const atLimit = await send('POST', '/fhir/R4/DocumentReference', headers, `${'['.repeat(64)}${']'.repeat(64)}`);
    expect(atLimit.status).toBe(400);
    expect(issueCodes(atLimit)).not.toContain('JSON_TOO_DEEP');
    // Under /api too (application/json), as problem+json.
    const api = await send('PUT', `/api/dossiers/${patient}/settings`, { authorization: await bearer(personFor(patient, 'Hugo Leroy')), 'content-type': 'application/json' }, `{"maskAll":${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body)).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ code: 'JSON_TOO_DEEP' }] });
  });

  it('an authenticated 25 MiB document gets 413 every time, never a connection reset (declared length, chunked, and fetch)', async () => {
    const body = Buffer.from(JSON.stringify(documentReference({ patientId: patient, content: Buffer.alloc(25 * MiB, 0x41) })));
    const token = await bearer(doctor);
    const head = (framing: string) => `POST /fhir/R4/DocumentReference HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: ${token}\r\ncontent-type: application/fhir+json\r\n${framing}\r\n`;
    const chunked = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    for (let i = 0; i < 10; i++) {
      const answer = i % 3 === 2
        ? await rawUpload(head('transfer-encoding: chunked\r\n'), chunked)
        : await rawUpload(head(`content-length: ${body.length}\r\n`), body);
      expect({ attempt: i, statusLine: answer.statusLine, error: answer.error }).toEqual({ attempt: i, statusLine: 'HTTP/1.1 413 Payload Too Large', error: null });
      expect(answer.headers).toContain('connection: close');
      expect(answer.body).toContain('"code":"too-long"');
    }
    const viaFetch = await fetch(`http://127.0.0.1:${port}/fhir/R4/DocumentReference`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/fhir+json' }, body });
    expect(viaFetch.status).toBe(413);
    expect((await viaFetch.json()).issue[0].details.coding[0].code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a settings route reads a few KiB: a 100 KiB body is a 413', async () => {
    const holder = personFor(patient, 'Hugo Leroy');
    const body = JSON.stringify({ maskAll: false, padding: 'x'.repeat(100 * 1024) });
    const answer = await send('PUT', `/api/dossiers/${patient}/settings`, { authorization: await bearer(holder), 'content-type': 'application/json' }, body);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', detail: expect.stringContaining('16 Kio au plus') });
    // The same route with an ordinary body is served.
    const fine = await send('PUT', `/api/dossiers/${patient}/settings`, { authorization: await bearer(holder), 'content-type': 'application/json' }, JSON.stringify({ maskAll: false }));
    expect(fine.status).toBe(200);
  });

  it('an ordinary authenticated feed still works, small and large (a 512 KiB document is parsed in a worker)', async () => {
    const headers = { authorization: await bearer(doctor), 'content-type': 'application/fhir+json' };
    const small = await send('POST', '/fhir/R4/DocumentReference', headers, JSON.stringify(documentReference({ patientId: patient })));
    expect(small.status).toBe(201);
    const bigPdf = pdfBytes('x'.repeat(MiB / 2));
    const large = await send('POST', '/fhir/R4/DocumentReference', headers, JSON.stringify(documentReference({ patientId: patient, content: bigPdf })));
    expect(large.status).toBe(201);
    const id = JSON.parse(large.body).id as string;
    const content = await send('GET', `/fhir/R4/Binary/${id}`, { authorization: await bearer(doctor) });
    expect(content.status).toBe(200);
    expect(content.body.length).toBe(bigPdf.length);
  });
});
