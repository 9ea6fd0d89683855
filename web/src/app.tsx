import { AuthProvider } from './auth/auth-context.tsx';
import { PortalLayout } from './components/portal-layout.tsx';
import { CallbackPage } from './pages/callback-page.tsx';
import { HistoryPage } from './pages/history-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { NotificationsPage } from './pages/notifications-page.tsx';
import { PatientDocumentsPage } from './pages/patient-documents-page.tsx';
import { PrivacySettingsPage } from './pages/privacy-settings-page.tsx';
import { PatientHomePage } from './pages/patient-home-page.tsx';
import { ProDepositPage } from './pages/pro-deposit-page.tsx';
import { ProDocumentPage } from './pages/pro-document-page.tsx';
import { ProPatientPage } from './pages/pro-patient-page.tsx';
import { ProSearchPage } from './pages/pro-search-page.tsx';
import { SectionPage } from './pages/section-page.tsx';
import { ProShell } from './pro/pro-shell.tsx';
import { matchRoute, type Route } from './router/routes.ts';
import { SpaceProvider } from './spaces/space-context.tsx';
import { useLocation } from './router/use-location.ts';

function RouteView({ route }: { route: Route }) {
  switch (route.kind) {
    case 'callback':
      return <CallbackPage portal={route.portal} />;
    case 'notFound':
      return <NotFoundPage portal={route.portal} />;
    case 'section':
      if (route.section.id === 'home') return <PatientHomePage />;
      if (route.section.id === 'proSearch') return <ProSearchPage />;
      if (route.section.id === 'proPatient') return <ProPatientPage />;
      if (route.section.id === 'proDeposit') return <ProDepositPage />;
      if (route.section.id === 'proDocument') return <ProDocumentPage />;
      if (route.section.id === 'documents') return <PatientDocumentsPage />;
      if (route.section.id === 'settings' || route.section.id === 'privacySettings') return <PrivacySettingsPage key={route.section.id} section={route.section.id} />;
      if (route.section.id === 'history') return <HistoryPage />;
      if (route.section.id === 'notifications') return <NotificationsPage />;
      return <SectionPage key={route.section.path} section={route.section} />;
  }
}

export function App() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  return (
    <AuthProvider key={route.portal} portal={route.portal}>
      <SpaceProvider>
        <PortalLayout route={route}>
          {route.portal === 'pro' ? (
            <ProShell>
              <RouteView route={route} />
            </ProShell>
          ) : (
            <RouteView route={route} />
          )}
        </PortalLayout>
      </SpaceProvider>
    </AuthProvider>
  );
}
