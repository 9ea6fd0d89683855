import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { Select } from '@codegouvfr/react-dsfr/Select.js';
import { frPatient } from '../i18n/fr-patient.ts';
import { authorOptions, NO_FILTERS, type DocumentFilters } from './document-filters.ts';
import type { DocumentView } from './document-view.ts';

const t = frPatient.documents.filters;

/** Filters of the document list; each change applies at once (the count is announced by the list). */
export function DocumentFiltersForm({ documents, filters, onChange }: { documents: readonly DocumentView[]; filters: DocumentFilters; onChange: (f: DocumentFilters) => void }) {
  const types = [...new Map(documents.map((d) => [d.typeCode, d.typeLabel])).entries()].sort((a, b) => a[1].localeCompare(b[1], 'fr'));
  const authors = authorOptions(documents, { insurer: frPatient.documents.item.insurer });
  const groups = (['professionals', 'structures', 'others'] as const).map((g) => [g, t.authorGroups[g]] as const);
  const set = (change: Partial<DocumentFilters>) => onChange({ ...filters, ...change });

  return (
    <form className={fr.cx('fr-mb-4w')} onSubmit={(e) => e.preventDefault()} aria-label={t.legend}>
      <fieldset className={fr.cx('fr-fieldset')}>
        <legend className={fr.cx('fr-fieldset__legend', 'fr-h6')}>{t.legend}</legend>
        <div className={fr.cx('fr-fieldset__element', 'fr-col-12', 'fr-col-md-6')}>
          <Select label={t.type} nativeSelectProps={{ value: filters.type, onChange: (e) => set({ type: e.target.value }) }}>
            <option value="">{t.allTypes}</option>
            {types.map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </Select>
        </div>
        <div className={fr.cx('fr-fieldset__element', 'fr-col-12', 'fr-col-md-6')}>
          <Select label={t.author} nativeSelectProps={{ value: filters.author, onChange: (e) => set({ author: e.target.value }) }}>
            <option value="">{t.allAuthors}</option>
            {groups.map(([group, label]) => {
              const options = authors.filter((a) => a.group === group);
              return options.length === 0 ? null : (
                <optgroup key={group} label={label}>
                  {options.map((a) => (
                    <option key={a.key} value={a.key}>
                      {a.label}
                    </option>
                  ))}
                </optgroup>
              );
            })}
          </Select>
        </div>
        <div className={fr.cx('fr-fieldset__element', 'fr-col-6', 'fr-col-md-3')}>
          <Input label={t.from} nativeInputProps={{ type: 'date', value: filters.from, max: filters.to || undefined, onChange: (e) => set({ from: e.target.value }) }} />
        </div>
        <div className={fr.cx('fr-fieldset__element', 'fr-col-6', 'fr-col-md-3')}>
          <Input label={t.to} nativeInputProps={{ type: 'date', value: filters.to, min: filters.from || undefined, onChange: (e) => set({ to: e.target.value }) }} />
        </div>
        <div className={fr.cx('fr-fieldset__element', 'fr-col-12', 'fr-col-md-6')}>
          <Select label={t.sort} nativeSelectProps={{ value: filters.sort, onChange: (e) => set({ sort: e.target.value === 'oldest' ? 'oldest' : 'newest' }) }}>
            <option value="newest">{t.newest}</option>
            <option value="oldest">{t.oldest}</option>
          </Select>
        </div>
        <div className={fr.cx('fr-fieldset__element')}>
          <Checkbox
            options={[{ label: t.byMe, nativeInputProps: { checked: filters.byMe, onChange: (e) => set({ byMe: e.target.checked }) } }]}
          />
        </div>
        <div className={fr.cx('fr-fieldset__element')}>
          <Button priority="tertiary" size="small" iconId="fr-icon-refresh-line" type="button" onClick={() => onChange(NO_FILTERS)}>
            {t.reset}
          </Button>
        </div>
      </fieldset>
    </form>
  );
}
