import type { Migration } from '../migrator.ts';

// Frozen. When a document deposited invisible to the patient (INVISIBLE_PATIENT, SPEC §3.8) became
// visible to them: set in the transaction that lifts the label (the professional, or the re-visibility
// job), so the patient portal can flag it « Nouvellement visible ». invisible_patient_since is cleared
// at that moment, hence a column of its own. Null: never hidden, or still hidden.
export const m0007: Migration = {
  name: '0007_visible_to_patient_at',
  statements: [
    `ALTER TABLE document ADD COLUMN visible_to_patient_at timestamptz`,
  ],
};
