/**
 * R1 — property-based authorization against an independent oracle (RELIABILITY §R1, SPEC §3).
 *
 * Random worlds (an adult; a minor with two legal representatives; an adult with a carer;
 * professionals of six professions in a few structures, one of them médico-social) and random action
 * sequences (feeds, uploads, consents, information, blocks, settings, masking, reveals, emergency and
 * secret sessions, deletions, closure and reopening, the clock moving by days, minutes, or to the edge
 * of a delay), then a final sweep of the end state, all over the real HTTP API (app.inject, bearer
 * tokens). Every request is compared with access-oracle.ts, a plain model of SPEC §3 sharing no code
 * with src/domain/policy:
 *   (1) no actor receives a document, or a field, the oracle denies: the status, and no id, title or
 *       content of a hidden document anywhere in any body (history included);
 *   (2) every request leaves exactly one audit entry, whose outcome is the oracle's;
 *   (3) a search's total and ids are exactly the documents the oracle lets the caller see.
 *
 *   OPENMES_PROPERTY_RUNS=400 npx vitest run test/property      more worlds (default 40)
 *   OPENMES_PROPERTY_SEED=42                                     replay a run
 *   OPENMES_PROPERTY_EXAMPLE=ce.json                             replay one counterexample (the JSON fast-check prints)
 *   OPENMES_PROPERTY_STRICT=1                                    the known discrepancies below fail too
 *   OPENMES_PROPERTY_VERBOSE=1                                   print how often each oracle verdict came up
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { ENGINE } from '../support/test-db.ts';
import { loadRules } from './access-oracle.ts';
import type { Known, RunContext, Stats } from './access-runner.ts';
import { EXAMPLES } from './access-examples.ts';
import { play } from './access-steps.ts';
import { scenarioArb, type Scenario } from './access-world.ts';

const RUNS = Math.max(1, Number(process.env.OPENMES_PROPERTY_RUNS) || 40);
const SEED = process.env.OPENMES_PROPERTY_SEED ? Number(process.env.OPENMES_PROPERTY_SEED) : undefined;
const EXAMPLE = process.env.OPENMES_PROPERTY_EXAMPLE;
const STRICT = process.env.OPENMES_PROPERTY_STRICT === '1';
const VERBOSE = process.env.OPENMES_PROPERTY_VERBOSE === '1';

/**
 * Disagreements between the oracle and src/ that were reported (R1 report) and await a decision,
 * tolerated and counted so that the rest of the property keeps running: each must be narrow, an
 * over-denial (never something the oracle hides) in a named situation (see Situation in the runner).
 * OPENMES_PROPERTY_STRICT=1 makes them fail; remove an entry once src/ is fixed, or the oracle if
 * the product decides otherwise. Fixed so far: K1 (missing ids answered unlike existing ones,
 * 21d9de3), K2 (a blocked emergency mode voided the consent) and K3 (a secret session outliving the
 * minority refused everything), both 3dd6538, and K4 (consents and sessions survived a closure and
 * reopening; closure now ends them, SPEC §1); their stories stay in access-examples.ts.
 */
const KNOWN: Known[] = [];

let t: TestApp;
const stats: Stats = { worlds: 0, requests: 0, searches: 0, reads: 0, denied: 0, started: 0, known: new Map(), why: new Map() };

describe(`R1 access model: random worlds over the API vs the SPEC §3 oracle (${ENGINE})`, () => {
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => t?.close());

  it(`${RUNS} worlds: no leak, one audit entry per request with the oracle's outcome, exact search totals`, async () => {
    const rules = loadRules(new URL('../..', import.meta.url).pathname, { medicoSocialEnabled: false, carersEnabled: true, maxCarers: 1 });
    const ctx: RunContext = { t, rules, stats, strict: STRICT, known: KNOWN };
    const began = Date.now();
    let violations = 0;
    try {
      const examples: [Scenario][] = [...(EXAMPLE ? [JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Scenario] : []), ...EXAMPLES.map((e) => e.scenario)].map((s) => [s]);
      await fc.assert(fc.asyncProperty(scenarioArb, (s) => play(ctx, s)), {
        // The hand-written stories first (they count among the runs), then random worlds.
        numRuns: RUNS + examples.length,
        examples,
        ...(SEED === undefined ? {} : { seed: SEED }),
        // Shrinking replays whole worlds: bound it rather than the test's own timeout.
        interruptAfterTimeLimit: Math.max(240_000, RUNS * 6_000),
      });
    } catch (err) {
      violations = 1;
      throw err;
    } finally {
      const seconds = ((Date.now() - began) / 1000).toFixed(1);
      const known = [...stats.known].map(([id, n]) => `${id} ×${n}`).join(', ') || 'none';
      if (VERBOSE) console.log([...stats.why].sort().map(([k, n]) => `${String(n).padStart(6)}  ${k}`).join('\n'));
      console.log(`R1 access model (${ENGINE}): ${stats.worlds} worlds, ${stats.requests} requests checked (${stats.reads} reads, `
        + `${stats.searches} searches, ${stats.denied} denied by the oracle, ${stats.started} emergency/secret sessions), `
        + `violations ${violations}, known discrepancies: ${known}${STRICT ? ' (strict)' : ''}, ${seconds}s`);
    }
    expect(violations).toBe(0);
  }, Math.max(300_000, RUNS * 8_000));
});

