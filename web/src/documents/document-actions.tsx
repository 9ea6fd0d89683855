import { useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { deleteDocumentReference, patchDocumentLabels } from '../api/documents-api.ts';
import { ApiError } from '../api/problem.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import { maskPatch, toDocumentView, type DocumentView } from './document-view.ts';

const t = frPatient.documents.actions;

export type ActionOutcome =
  | { kind: 'updated'; doc: DocumentView; message: string }
  | { kind: 'deleted'; id: string; message: string }
  | { kind: 'failed'; error: ApiError };

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, {}));

/**
 * Mask / unmask (PATCH securityLabel, PDSm TD3.3) and, for the patient's own uploads, delete with an
 * explicit confirmation. The server decides and traces each; its refusal is shown as is.
 */
export function DocumentActions({ doc, onOutcome }: { doc: DocumentView; onOutcome: (o: ActionOutcome) => void }) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  async function toggleMask(): Promise<void> {
    setBusy(true);
    try {
      const updated = toDocumentView(await patchDocumentLabels('patient', doc.id, maskPatch(doc, !doc.masked)), new Date());
      onOutcome({ kind: 'updated', doc: updated, message: updated.masked ? t.masked(doc.title) : t.unmasked(doc.title) });
    } catch (e) {
      onOutcome({ kind: 'failed', error: asApiError(e) });
    } finally {
      setBusy(false);
    }
  }

  async function remove(): Promise<void> {
    setBusy(true);
    try {
      await deleteDocumentReference('patient', doc.id);
      onOutcome({ kind: 'deleted', id: doc.id, message: t.deleted(doc.title) });
    } catch (e) {
      setBusy(false);
      setConfirming(false);
      onOutcome({ kind: 'failed', error: asApiError(e) });
    }
  }

  if (confirming) {
    return (
      <div className={fr.cx('fr-p-2w', 'fr-mt-1w')} style={{ border: `1px solid ${fr.colors.decisions.border.plain.error.default}` }}>
        <p className={fr.cx('fr-mb-2w')}>{t.confirmDelete(doc.title)}</p>
        <ul className={fr.cx('fr-btns-group', 'fr-btns-group--inline-sm', 'fr-btns-group--sm', 'fr-btns-group--icon-left')}>
          <li>
            <Button size="small" iconId="fr-icon-delete-line" disabled={busy} onClick={() => void remove()}>
              {t.confirmDeleteButton}
            </Button>
          </li>
          <li>
            <Button size="small" priority="secondary" disabled={busy} onClick={() => setConfirming(false)}>
              {t.cancel}
            </Button>
          </li>
        </ul>
      </div>
    );
  }

  return (
    <ul className={fr.cx('fr-btns-group', 'fr-btns-group--inline-sm', 'fr-btns-group--sm', 'fr-btns-group--icon-left', 'fr-mb-0')}>
      <li>
        <Button
          size="small"
          priority="secondary"
          iconId={doc.masked ? 'fr-icon-eye-line' : 'fr-icon-eye-off-line'}
          disabled={busy}
          onClick={() => void toggleMask()}
        >
          {doc.masked ? t.unmask : t.mask}
          <span className={fr.cx('fr-sr-only')}> {t.about(doc.title)}</span>
        </Button>
      </li>
      {doc.patientUpload && (
        <li>
          <Button
            size="small"
            priority="tertiary"
            iconId="fr-icon-delete-line"
            disabled={busy}
            onClick={() => setConfirming(true)}
          >
            {t.delete}
            <span className={fr.cx('fr-sr-only')}> {t.about(doc.title)}</span>
          </Button>
        </li>
      )}
    </ul>
  );
}
