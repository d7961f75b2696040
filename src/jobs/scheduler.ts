import { schedule, type ScheduledTask } from "node-cron";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Translations } from "../i18n.js";
import type { Logger } from "../logger.js";
import { monthlySummaries } from "./monthly-summary.js";
import { enqueue, type OutboxRequest } from "./outbox.js";
import { retention } from "./retention.js";
import {
  closeNudges,
  memberReminders,
  preparationNudges,
  sotayReminders,
  thematicWarnings,
  type JobContext,
} from "./reminders.js";

export interface Job {
  name: string;
  /** When the job looks for work (cron expression, in UTC; each job applies each cell's own time zone). */
  cron: string;
  /** Jobs that change data themselves (retention) log what they did; the rest only decide what to send. */
  decide(ctx: JobContext & { logger: Logger }): Promise<OutboxRequest[]>;
}

/** Every job runs each minute: it only decides what is due; the outbox's unique keys make reruns harmless. */
export const JOBS: Job[] = [
  { name: "member-reminders", cron: "* * * * *", decide: memberReminders },
  { name: "sotay-reminders", cron: "*/10 * * * *", decide: sotayReminders },
  { name: "close-nudges", cron: "*/10 * * * *", decide: closeNudges },
  { name: "preparation-nudges", cron: "0 * * * *", decide: preparationNudges },
  { name: "thematic-warnings", cron: "30 * * * *", decide: thematicWarnings },
  { name: "monthly-summaries", cron: "5 * * * *", decide: monthlySummaries },
  { name: "retention", cron: "40 19 * * *", decide: retention }, // daily, 02:40 in Vietnam
];

export interface SchedulerDeps {
  db: Db;
  translations: Translations;
  config: Config;
  logger: Logger;
  now: () => Date;
}

/** Runs the jobs once: decides, enqueues, and records the run. Returns how many messages were newly queued. */
export async function runJobs(deps: SchedulerDeps, jobs: Job[] = JOBS): Promise<Record<string, number>> {
  const now = deps.now();
  const queued: Record<string, number> = {};
  for (const job of jobs) {
    // one run per job per minute, whichever instance or tick gets there first
    const run = await deps.db.jobRun
      .create({ data: { job: job.name, period: now.toISOString().slice(0, 16), status: "running", startedAt: now } })
      .catch((error: { code?: string }) => {
        if (error.code === "P2002") return undefined;
        throw error;
      });
    if (!run) continue;
    try {
      const requests = await job.decide({
        db: deps.db,
        translations: deps.translations,
        config: deps.config,
        logger: deps.logger,
        now,
      });
      let fresh = 0;
      for (const request of requests) if (await enqueue(deps.db, request, now)) fresh++;
      queued[job.name] = fresh;
      await deps.db.jobRun.update({
        where: { id: run.id },
        data: { status: "done", finishedAt: new Date(), details: JSON.stringify({ due: requests.length, queued: fresh }) },
      });
    } catch (error) {
      deps.logger.error({ err: error, job: job.name }, "job failed");
      await deps.db.jobRun.update({
        where: { id: run.id },
        data: { status: "failed", finishedAt: new Date(), details: (error as Error).message },
      });
    }
  }
  return queued;
}

/**
 * node-cron ticks every minute and runs the jobs whose expression matches. On start the jobs run once: what was
 * missed while the bot was down is caught up, bounded by each reminder's catch-up window (no stale flood).
 */
export function startScheduler(deps: SchedulerDeps): { stop(): Promise<void> } {
  let running: Promise<unknown> = runJobs(deps).catch((error: unknown) =>
    deps.logger.error({ err: error }, "catch-up run failed"),
  );
  const tasks: ScheduledTask[] = JOBS.map((job) =>
    schedule(job.cron, () => {
      running = running.then(() => runJobs(deps, [job]));
    }),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.stop()));
      await running;
    },
  };
}

export async function recentRuns(db: Db) {
  return db.jobRun.findMany({ orderBy: { startedAt: "desc" }, take: 8 });
}
