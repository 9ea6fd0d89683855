import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import type { ApiError } from '../api/problem.ts';
import type { AuthError } from '../auth/oidc.ts';
import { messages as t } from '../i18n/index.ts';

/** DSFR error alert for an API problem (application/problem+json). */
export function ProblemAlert({ error, onClose }: { error: ApiError; onClose?: () => void }) {
  const { problem, status } = error;
  const title = problem.title ?? t.errors.genericTitle;
  const detail = problem.detail ?? t.errors.genericDetail;
  const meta = [status > 0 ? t.errors.statusLabel(status) : undefined, problem.code].filter(Boolean).join(' · ');
  return (
    <Alert
      severity="error"
      as="h2"
      role="alert"
      className={fr.cx('fr-mb-4w')}
      title={title}
      description={
        <>
          {detail}
          {problem.issues && problem.issues.length > 0 && (
            <ul className={fr.cx('fr-mb-0')}>
              {problem.issues.map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
          )}
          {meta && <span className={fr.cx('fr-hint-text', 'fr-mt-1v')}>{meta}</span>}
        </>
      }
      {...(onClose ? { closable: true, onClose } : {})}
    />
  );
}

/** DSFR error alert for a failed sign-in. */
export function AuthErrorAlert({ error, onClose }: { error: AuthError; onClose?: () => void }) {
  return (
    <Alert
      severity="error"
      as="h2"
      role="alert"
      className={fr.cx('fr-mb-4w')}
      title={t.auth.callbackFailedTitle}
      description={t.auth.errors[error.code]}
      {...(onClose ? { closable: true, onClose } : {})}
    />
  );
}
