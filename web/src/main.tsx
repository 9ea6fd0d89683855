import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa.js';
import { App } from './app.tsx';
import { AppLink } from './router/app-link.tsx';
import { messages } from './i18n/index.ts';

declare module '@codegouvfr/react-dsfr/link.js' {
  interface RegisterLink {
    Link: typeof AppLink;
  }
}

startReactDsfr({ defaultColorScheme: 'system', Link: AppLink, useLang: () => messages.lang });

const container = document.getElementById('root');
if (!container) throw new Error('#root element missing from index.html');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
