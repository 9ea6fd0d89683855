import type { ReactNode } from 'react';
import { fr } from '@codegouvfr/react-dsfr';

/** Label / value pairs in a responsive grid (a description list, read as such by screen readers). */
export function FactList({ items }: { items: ReadonlyArray<readonly [string, ReactNode]> }) {
  return (
    <dl className={fr.cx('fr-grid-row', 'fr-grid-row--gutters', 'fr-mb-1w')}>
      {items.map(([label, value]) => (
        <div key={label} className={fr.cx('fr-col-12', 'fr-col-sm-6', 'fr-col-md-4')}>
          <dt className={fr.cx('fr-text--sm', 'fr-mb-0')}>{label}</dt>
          <dd className={fr.cx('fr-text--bold', 'fr-mb-0')} style={{ margin: 0, padding: 0 }}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
