import { fr } from '@codegouvfr/react-dsfr';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { frPatient } from '../i18n/fr-patient.ts';
import type { DocumentView } from './document-view.ts';

const t = frPatient.documents.item;

/** Masked / newly visible / hidden from the representatives / own upload / insurer, as DSFR badges. */
export function DocumentBadges({ doc }: { doc: DocumentView }) {
  const badges = [
    doc.masked && (
      <Badge key="masked" severity="warning" small as="span">
        {t.masked}
      </Badge>
    ),
    doc.newlyVisible && (
      <Badge key="new" severity="new" small as="span">
        {t.newlyVisible}
      </Badge>
    ),
    doc.invisibleToRepresentatives && (
      <Badge key="repr" severity="info" small noIcon as="span">
        {t.invisibleToRepresentatives}
      </Badge>
    ),
    doc.patientUpload && (
      <Badge key="own" small noIcon as="span">
        {t.ownUpload}
      </Badge>
    ),
    doc.author.kind === 'insurer' && (
      <Badge key="insurer" small noIcon as="span">
        {t.insurer}
      </Badge>
    ),
  ].filter(Boolean);
  if (badges.length === 0) return null;
  return (
    <ul className={fr.cx('fr-badges-group', 'fr-mb-1w')}>
      {badges.map((b, i) => (
        <li key={i}>{b}</li>
      ))}
    </ul>
  );
}
