import { fr, type FrIconClassName } from '@codegouvfr/react-dsfr';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { messages as t } from '../i18n/index.ts';

/** Placeholder for a section that is not built yet. */
export function EmptyState({ icon, text }: { icon: FrIconClassName; text: string }) {
  return (
    <section
      className={fr.cx('fr-p-4w', 'fr-mb-4w')}
      style={{ background: fr.colors.decisions.background.alt.grey.default, textAlign: 'center' }}
    >
      <span className={fr.cx(icon, 'fr-icon--lg')} style={{ display: 'block' }} aria-hidden="true" />
      <Badge severity="new" small className={fr.cx('fr-mt-2w', 'fr-mb-2w')} as="p">
        {t.comingSoon}
      </Badge>
      <p className={fr.cx('fr-text--lead', 'fr-mb-0')}>{text}</p>
    </section>
  );
}
