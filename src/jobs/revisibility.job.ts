import { runRevisibility, type RevisibilityReport } from '../services/run-revisibility.ts';
import type { ServiceDeps } from '../services/service-deps.ts';

export type ScheduledJob = { start(): void; stop(): Promise<void>; runOnce(): Promise<RevisibilityReport> };

/**
 * Runs the re-visibility rule (SPEC §3.8) at start and then every `intervalMs` (hourly by default):
 * the delays count in days, so an hour of lag is immaterial, and a missed run is caught up by the next.
 */
export function createRevisibilityJob(deps: ServiceDeps & { onError?: (err: unknown) => void }, intervalMs = 3_600_000): ScheduledJob {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = runRevisibility(deps).catch((err: unknown) => deps.onError?.(err));
  };
  return {
    start() {
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await current;
    },
    runOnce: () => runRevisibility(deps),
  };
}
