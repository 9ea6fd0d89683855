import { fr } from '@codegouvfr/react-dsfr';
import { Select } from '@codegouvfr/react-dsfr/Select.js';
import { frPatient as t } from '../i18n/fr-patient.ts';
import { useSpaces, type Space } from './space-context.tsx';

export function spaceLabel(space: Space): string {
  const name = space.name ?? t.spaces.unnamed;
  if (space.relationship === 'self') return t.spaces.self(name);
  return t.spaces.other(name, t.spaces.relationships[space.relationship] ?? t.spaces.otherRelationship);
}

/** Shown only when the person acts for someone else: picks the space every record page shows. */
export function SpaceSwitcher() {
  const { spaces, current, select } = useSpaces();
  if (spaces.length < 2 || !current) return null;
  return (
    <div className={fr.cx('fr-mb-4w', 'fr-p-2w')} style={{ background: fr.colors.decisions.background.contrast.info.default }}>
      <Select
        label={t.spaces.label}
        hint={t.spaces.hint}
        className={fr.cx('fr-mb-0')}
        nativeSelectProps={{ id: 'space-switcher', value: current.dossierId, onChange: (e) => select(e.target.value) }}
      >
        {spaces.map((s) => (
          <option key={s.dossierId} value={s.dossierId}>
            {spaceLabel(s)}
          </option>
        ))}
      </Select>
    </div>
  );
}
