import { canonicalAuditPayload, chainHash, genesisHash } from '../domain/audit-chain.ts';
import type { Queryable } from '../store/db.ts';
import { listAuditHeads, rowToEntry, scanAudit, type StoredAuditRow } from '../store/audit-repo.ts';
import { listBrokenContinuations, listChainContinuations, type ChainContinuation } from '../store/dossier-former-id-repo.ts';

export type AuditProblem =
  | { kind: 'modified'; dossierId: string; seq: number }
  | { kind: 'reordered'; dossierId: string; seq: number; originalSeq: number }
  | { kind: 'deleted'; dossierId: string; seq: number }
  | { kind: 'truncated'; dossierId: string; lastSeq: number; headSeq: number }
  | { kind: 'head_mismatch'; dossierId: string; seq: number }
  | { kind: 'head_missing'; dossierId: string }
  | { kind: 'continuation_broken'; dossierId: string; formerDossierId: string };

export type AuditVerification = { entries: number; chains: number; problems: AuditProblem[]; seconds: number };

/**
 * Walks every dossier's chain and recomputes each hash. Names each entry that was modified, deleted
 * (a gap in the sequence), moved (its hash fits another position) or cut off the tail (the head,
 * kept apart, is ahead of the last entry). A dossier whose id changed (migration 0011) has its entries
 * under the former id, then under the new one: the new chain starts from the former chain's recorded
 * head, which must be an entry of the former chain (docs/dossier-ids.md).
 */
export async function verifyAudit(db: Queryable, onProgress?: (entries: number) => void): Promise<AuditVerification> {
  const started = performance.now();
  const heads = await listAuditHeads(db);
  const continuations = await listChainContinuations(db);
  const problems: AuditProblem[] = (await listBrokenContinuations(db)).map((b) => ({ kind: 'continuation_broken' as const, ...b }));
  let entries = 0;
  let chains = 0;
  let chain: StoredAuditRow[] = [];
  const flush = () => {
    if (chain.length === 0) return;
    chains++;
    problems.push(...verifyChain(chain, heads.get(chain[0]!.dossier_id), chainStart(chain[0]!.dossier_id, continuations)));
    heads.delete(chain[0]!.dossier_id);
    chain = [];
  };
  for await (const page of scanAudit(db)) {
    for (const row of page) {
      if (chain.length > 0 && chain[0]!.dossier_id !== row.dossier_id) flush();
      chain.push(row);
      entries++;
    }
    onProgress?.(entries);
  }
  flush();
  // A head with no entry left: the whole chain was deleted — unless it is where a renamed dossier's
  // chain will continue, with no entry yet under the new id.
  for (const [dossierId, head] of heads) {
    const start = chainStart(dossierId, continuations);
    if (head.seq === start.seq && head.hash === start.hash) continue;
    problems.push({ kind: 'truncated', dossierId, lastSeq: start.seq, headSeq: head.seq });
  }
  return { entries, chains, problems, seconds: (performance.now() - started) / 1000 };
}

type ChainStart = { seq: number; hash: string };

/** Where a chain starts: its genesis, or the former chain's head for a dossier whose id changed. */
function chainStart(dossierId: string, continuations: ReadonlyMap<string, ChainContinuation>): ChainStart {
  const c = continuations.get(dossierId);
  return c?.formerHash ? { seq: c.formerSeq, hash: c.formerHash } : { seq: 0, hash: genesisHash(dossierId) };
}

function verifyChain(rows: StoredAuditRow[], head: { seq: number; hash: string } | undefined, start: ChainStart): AuditProblem[] {
  const dossierId = rows[0]!.dossier_id;
  const problems: AuditProblem[] = [];
  const canonicals = rows.map((r) => canonicalAuditPayload(rowToEntry(r)));
  const damaged = new Set<number>();
  let previousHash = start.hash;
  let expectedSeq = start.seq + 1;
  rows.forEach((row, i) => {
    for (; expectedSeq < row.seq; expectedSeq++) problems.push({ kind: 'deleted', dossierId, seq: expectedSeq });
    expectedSeq = row.seq + 1;
    if (chainHash(previousHash, row.seq, canonicals[i]!) !== row.hash) damaged.add(i);
    // Go on from the stored hash so that each damaged entry is named once, not everything after it.
    previousHash = row.hash;
  });
  const originals = new OriginalPositions(start, rows, canonicals, damaged);
  for (const i of damaged) {
    const originalSeq = originals.of(i);
    const seq = rows[i]!.seq;
    problems.push(originalSeq !== null && originalSeq !== seq ? { kind: 'reordered', dossierId, seq, originalSeq } : { kind: 'modified', dossierId, seq });
  }
  const last = rows[rows.length - 1]!;
  if (!head) problems.push({ kind: 'head_missing', dossierId });
  else if (head.seq > last.seq) problems.push({ kind: 'truncated', dossierId, lastSeq: last.seq, headSeq: head.seq });
  else if (head.seq < last.seq || head.hash !== last.hash) problems.push({ kind: 'head_mismatch', dossierId, seq: last.seq });
  return problems;
}

/**
 * Where a damaged entry originally stood: it was moved, not edited, when its stored hash is the chain
 * hash of its content after some other entry's hash; its position is then that entry's original
 * position + 1 (found recursively, since the predecessor may have moved too).
 */
class OriginalPositions {
  private readonly memo = new Map<number, number | null>();
  constructor(
    private readonly start: ChainStart,
    private readonly rows: StoredAuditRow[],
    private readonly canonicals: string[],
    private readonly damaged: ReadonlySet<number>,
  ) {}

  of(i: number, depth = 0): number | null {
    if (!this.damaged.has(i)) return this.rows[i]!.seq;
    if (this.memo.has(i)) return this.memo.get(i)!;
    if (depth > 64) return null;
    this.memo.set(i, null); // guards against cycles while resolving
    let found: number | null = null;
    if (chainHash(this.start.hash, this.start.seq + 1, this.canonicals[i]!) === this.rows[i]!.hash) found = this.start.seq + 1;
    for (let j = 0; found === null && j < this.rows.length; j++) {
      if (j === i) continue;
      const before = this.of(j, depth + 1);
      if (before !== null && chainHash(this.rows[j]!.hash, before + 1, this.canonicals[i]!) === this.rows[i]!.hash) found = before + 1;
    }
    this.memo.set(i, found);
    return found;
  }
}

export function describeProblem(p: AuditProblem): string {
  switch (p.kind) {
    case 'modified': return `dossier ${p.dossierId}: entry #${p.seq} was modified`;
    case 'reordered': return `dossier ${p.dossierId}: entry #${p.seq} holds the entry originally at #${p.originalSeq} (reordered)`;
    case 'deleted': return `dossier ${p.dossierId}: entry #${p.seq} was deleted`;
    case 'truncated': return `dossier ${p.dossierId}: entries #${p.lastSeq + 1}..#${p.headSeq} were deleted from the end`;
    case 'head_mismatch': return `dossier ${p.dossierId}: the chain head does not match entry #${p.seq} (entries forged or rewritten)`;
    case 'head_missing': return `dossier ${p.dossierId}: the chain head is missing`;
    case 'continuation_broken': return `dossier ${p.dossierId}: its chain does not continue the chain of its former id ${p.formerDossierId}`;
    default: return p satisfies never;
  }
}
