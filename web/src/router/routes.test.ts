import { describe, expect, it } from 'vitest';
import { isAppPath, matchRoute, normalizePath, portalOf, safeReturnPath } from './routes.ts';
import { isProblemContentType, parseProblem } from '../api/problem.ts';

describe('route matching', () => {
  it('maps every patient and professional section path', () => {
    const ids = (paths: string[]) =>
      paths.map((p) => {
        const r = matchRoute(p);
        return r.kind === 'section' ? `${r.portal}:${r.section.id}` : r.kind;
      });
    expect(
      ids(['/', '/profil', '/documents', '/messagerie', '/agenda', '/prevention', '/catalogue', '/parametres']),
    ).toEqual([
      'patient:home',
      'patient:profile',
      'patient:documents',
      'patient:messaging',
      'patient:agenda',
      'patient:prevention',
      'patient:catalog',
      'patient:settings',
    ]);
    expect(ids(['/pro', '/pro/', '/pro/documents', '/pro/messagerie'])).toEqual([
      'pro:proSearch',
      'pro:proSearch',
      'pro:proDocuments',
      'pro:proMessaging',
    ]);
  });
  it('maps the confidentiality settings and the activity history, outside the main navigation', () => {
    const confidentiality = matchRoute('/parametres/confidentialite/');
    const history = matchRoute('/historique');
    expect(confidentiality).toMatchObject({ kind: 'section', portal: 'patient', section: { id: 'privacySettings', inNav: false } });
    expect(history).toMatchObject({ kind: 'section', portal: 'patient', section: { id: 'history', inNav: false } });
    // A document is shown from the list's query string: the route is still the documents section.
    expect(matchRoute('/documents')).toMatchObject({ kind: 'section', section: { id: 'documents' } });
    expect(safeReturnPath('/documents?document=abc', 'patient')).toBe('/documents?document=abc');
    expect(matchRoute('/pro/historique')).toMatchObject({ kind: 'notFound', portal: 'pro' });
  });
  it('maps the professional patient record, deposit and document pages (the document id in the query string)', () => {
    expect(matchRoute('/pro/patient')).toMatchObject({ kind: 'section', portal: 'pro', section: { id: 'proPatient', inNav: true } });
    expect(matchRoute('/pro/deposer/')).toMatchObject({ kind: 'section', portal: 'pro', section: { id: 'proDeposit', inNav: false } });
    expect(matchRoute('/pro/document')).toMatchObject({ kind: 'section', portal: 'pro', section: { id: 'proDocument', inNav: false } });
    expect(safeReturnPath('/pro/document?id=abc', 'pro')).toBe('/pro/document?id=abc');
    expect(safeReturnPath('/pro/patient', 'patient')).toBe('/');
    expect(matchRoute('/patient')).toMatchObject({ kind: 'notFound', portal: 'patient' });
  });
  it('recognises callbacks and unknown paths per portal', () => {
    expect(matchRoute('/auth/callback')).toEqual({ kind: 'callback', portal: 'patient' });
    expect(matchRoute('/pro/auth/callback')).toEqual({ kind: 'callback', portal: 'pro' });
    expect(matchRoute('/pro/inconnu')).toMatchObject({ kind: 'notFound', portal: 'pro' });
    expect(matchRoute('/professionnel')).toMatchObject({ kind: 'notFound', portal: 'patient' });
  });
  it('normalises paths and detects the portal', () => {
    expect(normalizePath('//documents//')).toBe('/documents');
    expect(portalOf('/pro/messagerie')).toBe('pro');
    expect(portalOf('/profil')).toBe('patient');
  });
  it('only routes in-app paths client-side and sanitises return paths', () => {
    expect(isAppPath('/documents')).toBe(true);
    expect(isAppPath('/api/me')).toBe(false);
    expect(isAppPath('/oidc/auth')).toBe(false);
    expect(isAppPath('//evil.example/')).toBe(false);
    expect(isAppPath('https://evil.example/')).toBe(false);
    expect(safeReturnPath('/agenda?x=1', 'patient')).toBe('/agenda?x=1');
    expect(safeReturnPath('https://evil.example/', 'patient')).toBe('/');
    expect(safeReturnPath('/auth/callback?code=x', 'patient')).toBe('/');
    expect(safeReturnPath('/documents', 'pro')).toBe('/pro');
  });
});

describe('problem details', () => {
  it('keeps typed members and falls back to the HTTP status', () => {
    expect(parseProblem(403, { title: 'Accès refusé', detail: 'Non autorisé', status: 403, code: 'FORBIDDEN', x: 1 })).toEqual({
      title: 'Accès refusé',
      detail: 'Non autorisé',
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(parseProblem(502, '<html>')).toEqual({ status: 502 });
  });
  it('recognises JSON content types', () => {
    expect(isProblemContentType('application/problem+json; charset=utf-8')).toBe(true);
    expect(isProblemContentType('text/html')).toBe(false);
    expect(isProblemContentType(null)).toBe(false);
  });
});
