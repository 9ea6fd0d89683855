import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { messages as t } from '../i18n/index.ts';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { RequestError } from './request-error.ts';

/**
 * An error of the API, with the server's own message as is (a refusal such as SPEC §3.2's reaches the
 * professional word for word). Field issues are shown next to their fields by the forms; those that
 * name no field of the form are listed here.
 */
export function RequestErrorAlert({ error, title, otherIssues = [], headingLevel = 'h3', onClose }: {
  error: unknown; title?: string; otherIssues?: string[]; headingLevel?: 'h2' | 'h3'; onClose?: () => void;
}) {
  const e = error instanceof RequestError ? error : undefined;
  const refused = e?.status === 403;
  const heading = title ?? (refused ? tp.common.refusedTitle : e?.status === 400 ? tp.common.invalidTitle : t.errors.genericTitle);
  const detail = e?.problem.detail ?? (e?.status === 400 ? undefined : t.errors.genericDetail);
  return (
    <Alert
      severity="error"
      as={headingLevel}
      role="alert"
      className={fr.cx('fr-mb-3w')}
      title={heading}
      description={
        <>
          {detail && <span className="openmes-server-message">{detail}</span>}
          {otherIssues.length > 0 && (
            <ul className={fr.cx('fr-mb-0')}>
              {otherIssues.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </>
      }
      {...(onClose ? { closable: true, onClose } : {})}
    />
  );
}
