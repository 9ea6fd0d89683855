import { Page } from '../components/page.tsx';
import { HistoryView } from '../history/history-view.tsx';
import { messages } from '../i18n/index.ts';
import { SpaceGate } from '../spaces/space-gate.tsx';

/** `/historique`: the activity history of the current space. */
export function HistoryPage() {
  return (
    <Page title={messages.sections.history.title}>
      <SpaceGate>{(space) => <HistoryView key={space.dossierId} dossierId={space.dossierId} />}</SpaceGate>
    </Page>
  );
}
