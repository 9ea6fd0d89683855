/**
 * `npm run bench -- <workload> [options]`: runs one benchmark workload. Each workload lives in its own
 * file and exports a function taking the remaining arguments; add new ones to WORKLOADS.
 */
const WORKLOADS: Record<string, { describe: string; run: (argv: string[]) => Promise<void> }> = {
  import: {
    describe: 'population import: [--rows 1000000] [--engines pglite,postgres] [--bad-ratio 0.01] [--batch 2000]',
    run: async (argv) => (await import('./import-bench.ts')).runImportBench(argv),
  },
  professionals: {
    describe: 'directory of professionals import (RPPS extract): [--rows 200000] [--engines pglite,postgres] [--batch 5000] [--no-write]',
    run: async (argv) => (await import('./import-professionals-bench.ts')).runProfessionalsBench(argv),
  },
  workload: {
    describe: 'HTTP/FHIR workload W1–W4 of shared/bench/WORKLOAD.md with baselines: [--engines postgres,pglite] [--duration 20] [--runs 3] ' +
      '[--warmup 5] [--patients 2000] [--docs-per-patient 20] [--quick] [--w4 auto|fhir|history|both] [--only w2,w3,w4,w1] [--no-baselines] ' +
      '[--profile] [--what-if prepared,history-join,outbox-index|all] [--pin] [--keep] [--no-write] [--report FILE]',
    run: async (argv) => (await import('./workload-bench.ts')).runWorkloadBench(argv),
  },
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const workload = name ? WORKLOADS[name] : undefined;
  if (!workload) {
    process.stderr.write(`usage: npm run bench -- <workload> [options]\n\n${Object.entries(WORKLOADS)
      .map(([n, w]) => `  ${n.padEnd(10)} ${w.describe}`).join('\n')}\n`);
    return name ? 2 : 0;
  }
  await workload.run(rest);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
