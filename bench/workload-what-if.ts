import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * What-if experiments, preloaded into the OpenMES server by `npm run bench -- workload --what-if …`
 * (`node --import tsx --import ./bench/workload-what-if.ts src/cli/main.ts start`). They change the
 * driver's behaviour in the benchmark's server process only — nothing in src/ — to measure a proposed
 * design change before anyone writes it:
 *
 *   prepared      every parameterised statement becomes a named (server-side prepared) statement, so
 *                 PostgreSQL parses and plans it once per connection instead of at every execution
 *                 (the proposed change to src/store/db.ts).
 *   history-join  the history query joins documents on their primary key (uuid) instead of comparing
 *                 `document_id::text = lower(target_id)`, which the index cannot serve (the proposed
 *                 change to src/store/dossier-history-repo.ts).
 *
 * (`outbox-index` is applied to the benchmark database by the bench itself, not here.)
 */
const wanted = new Set((process.env.BENCH_WHAT_IF ?? '').split(',').filter(Boolean));

const HISTORY_JOIN_FROM = "d.document_id::text = lower(a.target_id)";
const HISTORY_JOIN_TO = "d.document_id = (CASE WHEN a.target_type = 'DocumentReference' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN a.target_id::uuid END)";

const names = new Map<string, string>();
const nameOf = (text: string) => {
  let n = names.get(text);
  if (!n) {
    n = `wi_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, n);
  }
  return n;
};

const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const original = proto.query;
proto.query = function whatIfQuery(this: unknown, config: unknown, values?: unknown, callback?: unknown) {
  if (typeof config !== 'string') return original.call(this, config, values, callback);
  let text = config;
  if (wanted.has('history-join') && text.includes(HISTORY_JOIN_FROM)) text = text.replace(HISTORY_JOIN_FROM, () => HISTORY_JOIN_TO);
  if (wanted.has('prepared') && Array.isArray(values) && values.length > 0) {
    const q = { name: nameOf(text), text, values };
    return typeof callback === 'function' ? original.call(this, q, callback) : original.call(this, q);
  }
  return original.call(this, text, values, callback);
};
