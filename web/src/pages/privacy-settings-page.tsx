import { fr } from '@codegouvfr/react-dsfr';
import { Page } from '../components/page.tsx';
import { messages } from '../i18n/index.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import { AppLink } from '../router/app-link.tsx';
import { sections, type SectionId } from '../router/routes.ts';
import { CarerRolesSection } from '../settings/carer-roles-section.tsx';
import { CarersSection } from '../settings/carers-section.tsx';
import { PrivacySettings } from '../settings/privacy-settings.tsx';
import { SpaceGate } from '../spaces/space-gate.tsx';

const pathOf = (id: SectionId) => sections.patient.find((s) => s.id === id)?.path ?? '/';

/** `/parametres` and `/parametres/confidentialite`: the confidentiality settings, with the other settings pages a click away. */
export function PrivacySettingsPage({ section }: { section: 'settings' | 'privacySettings' }) {
  return (
    <Page title={messages.sections[section].title}>
      <nav className={fr.cx('fr-mb-4w')} aria-label={frPatient.privacy.navLabel}>
        <ul className={fr.cx('fr-btns-group', 'fr-btns-group--inline-sm', 'fr-btns-group--sm')}>
          <li>
            <AppLink className={fr.cx('fr-btn', 'fr-btn--sm')} href={pathOf('privacySettings')} aria-current={section === 'privacySettings' ? 'page' : undefined}>
              {frPatient.privacy.links.privacy}
            </AppLink>
          </li>
          <li>
            <AppLink className={fr.cx('fr-btn', 'fr-btn--sm', 'fr-btn--secondary')} href={pathOf('history')}>
              {frPatient.privacy.links.history}
            </AppLink>
          </li>
        </ul>
      </nav>
      <SpaceGate>
        {(space) => (
          <>
            <PrivacySettings key={space.dossierId} dossierId={space.dossierId} />
            <CarersSection key={`carers-${space.dossierId}`} dossierId={space.dossierId} canManage={space.relationship !== 'carer'} />
            {space.relationship === 'self' && <CarerRolesSection />}
          </>
        )}
      </SpaceGate>
    </Page>
  );
}
