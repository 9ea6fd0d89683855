import { fr } from '@codegouvfr/react-dsfr';
import { frPatient } from '../i18n/fr-patient.ts';
import type { CdaView, NarrativeBlock } from './cda-sections.ts';

const t = frPatient.documents.viewer;

function Block({ block }: { block: NarrativeBlock }) {
  switch (block.kind) {
    case 'paragraph':
      return <p style={{ whiteSpace: 'pre-line' }}>{block.text}</p>;
    case 'list':
      return (
        <ul>
          {block.items.map((item, i) => (
            <li key={i}>{item}</li>
          ))}
        </ul>
      );
    case 'table':
      return (
        <div className={fr.cx('fr-table')}>
          <table>
            {block.caption && <caption>{block.caption}</caption>}
            {block.header.length > 0 && (
              <thead>
                <tr>
                  {block.header.map((h, i) => (
                    <th key={i} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
            )}
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }
}

/** The readable view of a CDA R2: section titles as headings, their text as React text (never HTML). */
export function CdaDocumentView({ view }: { view: CdaView }) {
  const heading = (level: number) => (level <= 1 ? 'h3' : level === 2 ? 'h4' : level === 3 ? 'h5' : 'h6');
  return (
    <article lang="fr" data-testid="cda-view">
      {view.title && <p className={fr.cx('fr-h5')}>{view.title}</p>}
      {view.attachedMediaType && <p>{t.cdaAttached(view.attachedMediaType)}</p>}
      {view.sections.length === 0 && !view.attachedMediaType && <p>{t.cdaNoSection}</p>}
      {view.sections.map((section, i) => {
        const H = heading(section.level);
        return (
          <section key={i}>
            {section.title && <H className={fr.cx('fr-h6', 'fr-mb-1w')}>{section.title}</H>}
            {section.blocks.map((block, j) => (
              <Block key={j} block={block} />
            ))}
          </section>
        );
      })}
    </article>
  );
}
