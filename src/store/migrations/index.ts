import type { Migration } from '../migrator.ts';
import { m0001 } from './0001_foundation.ts';
import { m0002 } from './0002_sign_in.ts';
import { m0003 } from './0003_shared_record.ts';
import { m0004 } from './0004_outbox_pending_by_kind.ts';
import { m0005 } from './0005_notifications.ts';
import { m0006 } from './0006_staged_binary.ts';
import { m0007 } from './0007_visible_to_patient_at.ts';
import { m0008 } from './0008_sign_in_throttle.ts';
import { m0009 } from './0009_audit_client.ts';
import { m0010 } from './0010_carer_invitation.ts';
import { m0011 } from './0011_random_dossier_ids.ts';
import { m0012 } from './0012_professional_directory.ts';
import { m0013 } from './0013_patient_mask_regulation_centre.ts';

/** All migrations, in order. Append only. */
export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012, m0013];
