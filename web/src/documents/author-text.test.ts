import { describe, expect, it } from 'vitest';
import { authorText } from './author-text.ts';
import type { DocumentView } from './document-view.ts';

const lambert: DocumentView['author'] = { kind: 'professional', name: 'Dr Claire Lambert', structure: 'Cabinet médical des Lilas' };

describe('who added a document and when', () => {
  it('says « Ajouté le <date> par … » in French, the day as in France', () => {
    expect(authorText({ author: lambert, addedAt: '2026-03-02T09:15:00.000Z' }, 'Camille Durand')).toBe('Ajouté le 2 mars 2026 par Dr Claire Lambert — Cabinet médical des Lilas');
    // 23:30 UTC on 31 March is already 1 April in Paris.
    expect(authorText({ author: { kind: 'patient', name: 'Camille Durand' }, addedAt: '2026-03-31T23:30:00.000Z' }, 'Camille Durand')).toBe('Ajouté le 1 avril 2026 par vous');
    expect(authorText({ author: { kind: 'insurer', name: 'Assurance Maladie' }, addedAt: '2026-01-05T10:00:00.000Z' }, 'Camille Durand')).toBe('Ajouté le 5 janvier 2026 par l’Assurance Maladie');
  });

  it('keeps what is known when the date or the author is missing', () => {
    expect(authorText({ author: lambert, addedAt: null }, 'Camille Durand')).toBe('Ajouté par Dr Claire Lambert — Cabinet médical des Lilas');
    expect(authorText({ author: { kind: 'unknown' }, addedAt: '2026-03-02T09:15:00.000Z' }, 'Camille Durand')).toBe('Ajouté le 2 mars 2026 (auteur non renseigné)');
    expect(authorText({ author: { kind: 'unknown' }, addedAt: null }, 'Camille Durand')).toBe('Auteur non renseigné');
  });
});
