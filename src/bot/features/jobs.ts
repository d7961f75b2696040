import { Composer } from "grammy";
import { outboxCounts } from "../../jobs/outbox.js";
import { JOBS, recentRuns } from "../../jobs/scheduler.js";
import type { BotContext } from "../context.js";
import { requireOperator, requirePrivateChat } from "../guards.js";

/** /jobs (operators): the schedule, the last runs and the outbox, with the latest failures. */
export function jobsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("jobs", async (ctx) => {
    requireOperator(ctx);
    requirePrivateChat(ctx);
    const { db } = ctx.deps;
    const [runs, counts, failures] = await Promise.all([
      recentRuns(db),
      outboxCounts(db),
      db.outboxMessage.findMany({ where: { status: "failed" }, orderBy: { createdAt: "desc" }, take: 5 }),
    ]);
    const lines = [
      ctx.t("jobs.title"),
      ...JOBS.map((job) => ctx.t("jobs.schedule_line", { job: job.name, cron: job.cron })),
      "",
      ctx.t("jobs.runs_title"),
      ...runs.map((run) =>
        ctx.t("jobs.run_line", {
          job: run.job,
          at: run.startedAt.toISOString().slice(0, 16).replace("T", " "),
          status: run.status,
          details: run.details ?? "",
        }),
      ),
      "",
      ctx.t("jobs.outbox", {
        pending: counts.pending ?? 0,
        sending: counts.sending ?? 0,
        sent: counts.sent ?? 0,
        failed: counts.failed ?? 0,
      }),
      ...failures.map((row) => ctx.t("jobs.failure_line", { chat: row.chatId, error: (row.lastError ?? "").slice(0, 120) })),
    ];
    await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
  });
  return feature;
}
