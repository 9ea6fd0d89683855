import type { Actor } from '../actor.ts';
import type { AccessRequest, Decision } from './access-facts.ts';
import { allow, deny } from './decision.ts';
import { visibleToPatientFrom } from './invisibility.ts';

const DAY = 86_400_000;

/**
 * Jobs that act on their own account apply a regulatory rule, never a reading for someone: the
 * re-visibility job (SPEC §3.8) may inform the patient, then lift INVISIBLE_PATIENT, once the delays
 * in force have run. Nothing else.
 */
export function decideForSystem(req: AccessRequest, actor: Extract<Actor, { kind: 'system' }>): Decision {
  const doc = req.document;
  const rules = req.rules;
  if (actor.job !== 'revisibility' || !doc || !rules || !req.informAfterDays) return deny('POLICY_NO_RULE');
  if (req.dossier!.state === 'closed' || doc.deleted || !doc.labels.includes('INVISIBLE_PATIENT') || !doc.invisibleToPatientSince) return deny('POLICY_NO_RULE');
  const since = doc.invisibleToPatientSince.getTime();
  switch (req.action) {
    case 'document.visibility.inform':
      return req.now.getTime() >= since + req.informAfterDays * DAY ? allow('POLICY_REGULATORY_INFORMATION_DELAY') : deny('POLICY_DELAY_NOT_REACHED');
    case 'document.visibility.expire': {
      const from = visibleToPatientFrom(doc, rules);
      return from && req.now.getTime() >= from.getTime() ? allow('POLICY_REGULATORY_VISIBILITY_DELAY') : deny('POLICY_DELAY_NOT_REACHED');
    }
    default:
      return deny('POLICY_NO_RULE');
  }
}
