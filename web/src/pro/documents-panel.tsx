import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { ButtonsGroup } from '@codegouvfr/react-dsfr/ButtonsGroup.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { Select } from '@codegouvfr/react-dsfr/Select.js';
import { Table } from '@codegouvfr/react-dsfr/Table.js';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { AppLink } from '../router/app-link.tsx';
import { documentPage, documentSearchQuery, NO_FILTERS, revealToPatientPatch, type DocumentFilters, type DocumentPage, type DocumentRow } from './document-rows.ts';
import { downloadDocument } from './download-document.ts';
import { formatDate } from './format.ts';
import { RequestErrorAlert } from './problem-notice.tsx';
import { proFetch } from './pro-fetch.ts';
import { issuesFor, RequestError } from './request-error.ts';
import { conceptKey, useValueSet } from './use-reference-data.ts';

/** The confidentiality badges of a row; the server's warning when the patient cannot see it (SPEC §3.8). */
export function ConfidentialityBadges({ row }: { row: DocumentRow }) {
  const badges = [
    row.masked ? <Badge key="m" severity="info" small as="span">{tp.documents.masked}</Badge> : null,
    row.invisibleToPatient ? <Badge key="p" severity="warning" small as="span">{tp.documents.invisibleToPatient}</Badge> : null,
    row.invisibleToRepresentatives ? <Badge key="r" severity="warning" small as="span">{tp.documents.invisibleToRepresentatives}</Badge> : null,
  ].filter(Boolean);
  if (badges.length === 0) return <span>{tp.documents.normal}</span>;
  return (
    <ul className={fr.cx('fr-badges-group')}>
      {badges.map((b, i) => (
        <li key={i}>{b}</li>
      ))}
    </ul>
  );
}

/** Makes a document visible to the patient earlier than the regulatory delay (PATCH on its labels). */
export async function revealToPatient(row: DocumentRow): Promise<void> {
  await proFetch(`/fhir/R4/DocumentReference/${encodeURIComponent(row.id)}`, {
    method: 'PATCH', body: revealToPatientPatch(row), contentType: 'application/json-patch+json', idempotent: true,
  });
}

/** The patient's documents the professional may see (ITI-67): filters, sort, pages, open / import / make visible. */
export function DocumentsPanel({ patientId, reloadKey }: { patientId: string; reloadKey: string }) {
  const types = useValueSet('document-types');
  const settings = useValueSet('practice-settings');
  const [draft, setDraft] = useState<DocumentFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<DocumentFilters>(NO_FILTERS);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<DocumentPage | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const cursor = cursors[cursors.length - 1] ?? null;

  const typeLabels = useMemo(() => new Map(types.map((c) => [c.code, c.display])), [types]);
  const proTypes = useMemo(() => types.filter((c) => !c.patientOnly).sort((a, b) => a.display.localeCompare(b.display, 'fr')), [types]);

  useEffect(() => {
    let active = true;
    setError(undefined);
    proFetch<unknown>(`/fhir/R4/DocumentReference?${documentSearchQuery(patientId, filters, cursor)}`).then(
      (bundle) => active && setPage(documentPage(bundle)),
      (cause: unknown) => {
        if (!active) return;
        setPage(undefined);
        setError(cause);
      },
    );
    return () => {
      active = false;
    };
  }, [patientId, filters, cursor, reloadKey, generation]);

  function apply(event: FormEvent): void {
    event.preventDefault();
    setNotice(undefined);
    setFilters(draft);
    setCursors([null]);
  }

  function reset(): void {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
    setCursors([null]);
  }

  async function reveal(row: DocumentRow): Promise<void> {
    try {
      await revealToPatient(row);
      setNotice(tp.documents.madeVisible(row.title));
      setGeneration((g) => g + 1);
    } catch (cause) {
      setError(cause);
    }
  }

  const fieldIssues = error instanceof RequestError ? error.issues : [];
  const messages = (field: string) => issuesFor(fieldIssues, field).map((i) => i.message);
  const stateOf = (field: string) => (messages(field).length ? ({ state: 'error', stateRelatedMessage: messages(field).join(' ') } as const) : {});
  const known = ['type', 'date', 'author.identifier', 'setting'];
  const other = fieldIssues.filter((i) => !known.some((k) => i.field === k)).map((i) => i.message);

  const data = (page?.rows ?? []).map((row) => [
    <div key="t">
      <p className={fr.cx('fr-text--bold', 'fr-mb-0')}>{row.title}</p>
      <p className={fr.cx('fr-text--sm', 'fr-mb-0')}>{typeLabels.get(row.typeCode) ?? row.typeCode}</p>
      {row.warning && (
        <p className={fr.cx('fr-text--sm', 'fr-mb-0', 'fr-icon-warning-line', 'fr-icon--sm')} style={{ color: fr.colors.decisions.text.default.warning.default }}>
          {' '}
          {row.warning}
        </p>
      )}
    </div>,
    row.date ? formatDate(row.date) : '—',
    <span key="a">
      {row.author ?? '—'}
      {row.structure && <span className={fr.cx('fr-hint-text')}>{row.structure}</span>}
    </span>,
    <ConfidentialityBadges key="c" row={row} />,
    <ul key="x" className={fr.cx('fr-btns-group', 'fr-btns-group--sm')}>
      <li>
        <AppLink className={fr.cx('fr-btn', 'fr-btn--sm')} href={`/pro/document?id=${encodeURIComponent(row.id)}`} title={tp.documents.openTitle(row.title)}>
          {tp.documents.open}
        </AppLink>
      </li>
      <li>
        <Button size="small" priority="secondary" title={tp.documents.downloadTitle(row.title)} onClick={() => void downloadDocument(row).catch(setError)}>
          {tp.documents.download}
        </Button>
      </li>
      {row.invisibleToPatient && (
        <li>
          <Button size="small" priority="tertiary" title={tp.documents.makeVisibleTitle(row.title)} onClick={() => void reveal(row)}>
            {tp.documents.makeVisible}
          </Button>
        </li>
      )}
    </ul>,
  ]);

  return (
    <section aria-labelledby="documents" className={fr.cx('fr-mb-6w')}>
      <h2 id="documents">{tp.documents.title}</h2>
      <form onSubmit={apply} noValidate aria-labelledby="filtres" className={fr.cx('fr-mb-3w')}>
        <h3 id="filtres" className={fr.cx('fr-h6')}>{tp.documents.filtersTitle}</h3>
        <div className={fr.cx('fr-grid-row', 'fr-grid-row--gutters')}>
          <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
            <Select label={tp.documents.type} nativeSelectProps={{ id: 'filter-type', value: draft.type, onChange: (e) => setDraft({ ...draft, type: e.target.value }) }} {...stateOf('type')}>
              <option value="">{tp.documents.allTypes}</option>
              {proTypes.map((c) => (
                <option key={c.code} value={conceptKey(c)}>
                  {c.display}
                </option>
              ))}
            </Select>
          </div>
          <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
            <Select label={tp.documents.setting} nativeSelectProps={{ id: 'filter-setting', value: draft.setting, onChange: (e) => setDraft({ ...draft, setting: e.target.value }) }} {...stateOf('setting')}>
              <option value="">{tp.documents.allSettings}</option>
              {settings.map((c) => (
                <option key={conceptKey(c)} value={conceptKey(c)}>
                  {c.display}
                </option>
              ))}
            </Select>
          </div>
          <div className={fr.cx('fr-col-12', 'fr-col-md-3')}>
            <Input label={tp.documents.from} nativeInputProps={{ id: 'filter-from', type: 'date', value: draft.from, onChange: (e) => setDraft({ ...draft, from: e.target.value }) }} {...stateOf('date')} />
          </div>
          <div className={fr.cx('fr-col-12', 'fr-col-md-3')}>
            <Input label={tp.documents.to} nativeInputProps={{ id: 'filter-to', type: 'date', value: draft.to, onChange: (e) => setDraft({ ...draft, to: e.target.value }) }} />
          </div>
          <div className={fr.cx('fr-col-12', 'fr-col-md-3')}>
            <Input
              label={tp.documents.author}
              hintText={tp.documents.authorHint}
              nativeInputProps={{ id: 'filter-author', inputMode: 'numeric', value: draft.authorRpps, onChange: (e) => setDraft({ ...draft, authorRpps: e.target.value }), maxLength: 14 }}
              {...stateOf('author.identifier')}
            />
          </div>
          <div className={fr.cx('fr-col-12', 'fr-col-md-3')}>
            <Select label={tp.documents.sort} nativeSelectProps={{ id: 'filter-sort', value: draft.sort, onChange: (e) => setDraft({ ...draft, sort: e.target.value as DocumentFilters['sort'] }) }}>
              <option value="-date">{tp.documents.sortDesc}</option>
              <option value="date">{tp.documents.sortAsc}</option>
            </Select>
          </div>
        </div>
        <ButtonsGroup
          inlineLayoutWhen="sm and up"
          buttons={[
            { children: tp.documents.apply, type: 'submit', iconId: 'fr-icon-filter-line' },
            { children: tp.documents.reset, priority: 'secondary', type: 'button', onClick: reset },
          ]}
        />
      </form>
      {notice && <Alert severity="success" small role="status" className={fr.cx('fr-mb-2w')} description={notice} closable onClose={() => setNotice(undefined)} />}
      {error !== undefined && (!(error instanceof RequestError) || error.status !== 400 || other.length > 0 || fieldIssues.length === 0) && (
        <RequestErrorAlert error={error} otherIssues={other} />
      )}
      {page && (
        <>
          <p role="status" className={fr.cx('fr-mb-1w')}>
            {page.total !== null ? tp.documents.total(page.total) : null}
          </p>
          {page.rows.length === 0 ? (
            <p>{tp.documents.none}</p>
          ) : (
            <Table
              caption={tp.documents.caption}
              noCaption
              headers={[tp.documents.columns.title, tp.documents.columns.date, tp.documents.columns.author, tp.documents.columns.confidentiality, tp.documents.columns.actions]}
              data={data}
            />
          )}
          {(cursors.length > 1 || page.next) && (
            <nav aria-label={tp.documents.pagination}>
              <p className={fr.cx('fr-text--sm')}>{tp.documents.page(cursors.length)}</p>
              <ButtonsGroup
                inlineLayoutWhen="sm and up"
                buttons={[
                  { children: tp.documents.previous, priority: 'secondary', iconId: 'fr-icon-arrow-left-line', disabled: cursors.length <= 1, onClick: () => setCursors(cursors.slice(0, -1)) },
                  { children: tp.documents.next, priority: 'secondary', iconId: 'fr-icon-arrow-right-line', iconPosition: 'right', disabled: !page.next, onClick: () => page.next && setCursors([...cursors, page.next]) },
                ]}
              />
            </nav>
          )}
        </>
      )}
    </section>
  );
}
