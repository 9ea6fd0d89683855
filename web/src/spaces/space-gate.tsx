import type { ReactNode } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { expectedActorKind, type Me } from '../api/me.ts';
import { useAuth } from '../auth/auth-context.tsx';
import { messages } from '../i18n/index.ts';
import { frPatient as t } from '../i18n/fr-patient.ts';
import { useSpaces, type Space } from './space-context.tsx';

/** Renders a record page for the current space, or what to do first (sign in, wait). */
export function SpaceGate({ children }: { children: (space: Space, me: Me) => ReactNode }) {
  const { state, signIn } = useAuth();
  const { current } = useSpaces();
  if (state.status === 'loading') {
    return <p role="status">{messages.auth.loading}</p>;
  }
  if (state.status === 'signedOut') {
    return (
      <div className={fr.cx('fr-mb-6w')}>
        <p>{t.gate.signInHint}</p>
        <Button iconId="fr-icon-lock-line" onClick={signIn}>
          {messages.auth.signIn}
        </Button>
      </div>
    );
  }
  // Errors and a wrong account are told by the page's notices.
  if (state.status !== 'signedIn' || state.me.actorKind !== expectedActorKind.patient) return null;
  if (!current) return <p>{t.gate.noSpace}</p>;
  return <>{children(current, state.me)}</>;
}
