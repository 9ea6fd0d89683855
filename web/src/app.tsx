import { AuthProvider } from './auth/auth-context.tsx';
import { PortalLayout } from './components/portal-layout.tsx';
import { CallbackPage } from './pages/callback-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PatientHomePage } from './pages/patient-home-page.tsx';
import { ProSearchPage } from './pages/pro-search-page.tsx';
import { SectionPage } from './pages/section-page.tsx';
import { matchRoute, type Route } from './router/routes.ts';
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
      return <SectionPage key={route.section.path} section={route.section} />;
  }
}

export function App() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  return (
    <AuthProvider key={route.portal} portal={route.portal}>
      <PortalLayout route={route}>
        <RouteView route={route} />
      </PortalLayout>
    </AuthProvider>
  );
}
