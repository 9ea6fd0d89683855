import { EmptyState } from '../components/empty-state.tsx';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';
import type { SectionDef } from '../router/routes.ts';

/** Generic page for a section that is not built yet. */
export function SectionPage({ section }: { section: SectionDef }) {
  const text = t.sections[section.id];
  return (
    <Page title={text.title}>
      <EmptyState icon={section.icon} text={'emptyState' in text ? text.emptyState : ''} />
    </Page>
  );
}
