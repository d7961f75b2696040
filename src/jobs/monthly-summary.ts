import type { Db } from "../db/client.js";
import { buildMonthlyReport, previousPeriod } from "../domain/monthly-report.js";
import { isLocale, type Translate } from "../i18n.js";
import { reportChartLabels, reportChartPng } from "../render/report-chart.js";
import { reportMessage } from "../render/report-message.js";
import { reportXlsx, reportXlsxLabels } from "../render/report-xlsx.js";
import type { Locale } from "../config.js";
import type { OutboxRequest } from "./outbox.js";
import { loadReportInput } from "./report-data.js";
import type { JobContext } from "./reminders.js";

const TELEGRAM_MAX = 4096;

export interface ReportBundle {
  messages: string[];
  png: Buffer;
  xlsx: Buffer;
  fileStem: string;
}

/** The month's report for a committee's cells (or some cells): readable messages, a chart and a workbook. */
export async function reportBundle(
  db: Db,
  t: Translate,
  locale: Locale,
  scope: { committeeId?: string; cellIds?: string[] },
  period: string,
  timeZone: string,
  now: Date,
): Promise<ReportBundle> {
  const report = buildMonthlyReport(await loadReportInput(db, scope, period, timeZone, now));
  const translate = (key: string, params?: Record<string, unknown>) => t(key, params);
  const png = reportChartPng(report, reportChartLabels(translate, report, locale));
  const xlsx = await reportXlsx(report, reportXlsxLabels(translate));
  return {
    messages: reportMessage(translate, report, { maxLength: TELEGRAM_MAX, locale }),
    png,
    xlsx,
    fileStem: `bao-cao-${period}`,
  };
}

function localParts(now: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { day: get("day"), hour: get("hour") };
}

/**
 * On the committee's day (default the 1st, from 08:00 local time) the previous month's report goes to the
 * committee's chat (messages, chart, workbook) and each cell's chat gets its own part. Once per month.
 */
export async function monthlySummaries(ctx: JobContext): Promise<OutboxRequest[]> {
  const requests: OutboxRequest[] = [];
  for (const committee of await ctx.db.committee.findMany({
    include: { bindings: { where: { active: true, kind: "committee", platform: "telegram" } } },
  })) {
    const settings = JSON.parse(committee.settings || "{}") as { summaryDay?: number; summaryHour?: number };
    const { day, hour } = localParts(ctx.now, committee.timeZone);
    if (day !== (settings.summaryDay ?? 1) || hour < (settings.summaryHour ?? 8)) continue;
    const period = previousPeriod(ctx.now, committee.timeZone);
    for (const binding of committee.bindings) {
      const locale = isLocale(binding.locale)
        ? binding.locale
        : isLocale(committee.locale)
          ? committee.locale
          : ctx.config.defaultLocale;
      const bundle = await reportBundle(
        ctx.db,
        ctx.translations.t(locale),
        locale,
        { committeeId: committee.id },
        period,
        committee.timeZone,
        ctx.now,
      );
      requests.push(...bundleRequests(`summary:${committee.id}:${period}:${binding.id}`, binding.chatId, bundle));
    }
    requests.push(...(await cellSummaries(ctx, committee.id, period, committee.timeZone)));
  }
  return requests;
}

async function cellSummaries(ctx: JobContext, committeeId: string, period: string, timeZone: string): Promise<OutboxRequest[]> {
  const requests: OutboxRequest[] = [];
  const cells = await ctx.db.cell.findMany({
    where: { committeeId },
    include: { bindings: { where: { active: true, kind: "cell", platform: "telegram" } } },
  });
  for (const cell of cells) {
    for (const binding of cell.bindings) {
      const locale = isLocale(binding.locale) ? binding.locale : isLocale(cell.locale) ? cell.locale : ctx.config.defaultLocale;
      const t = ctx.translations.t(locale);
      const report = buildMonthlyReport(await loadReportInput(ctx.db, { cellIds: [cell.id] }, period, timeZone, ctx.now));
      reportMessage((key, params) => t(key, params), report, { maxLength: TELEGRAM_MAX, locale }).forEach((text, i) =>
        requests.push({
          dedupeKey: `cell-summary:${cell.id}:${period}:${binding.id}:${i}`,
          platform: "telegram",
          chatId: binding.chatId,
          payload: { kind: "text", text },
        }),
      );
    }
  }
  return requests;
}

function bundleRequests(key: string, chatId: string, bundle: ReportBundle): OutboxRequest[] {
  return [
    ...bundle.messages.map((text, i) => ({
      dedupeKey: `${key}:msg${i}`,
      platform: "telegram" as const,
      chatId,
      payload: { kind: "text" as const, text },
    })),
    {
      dedupeKey: `${key}:chart`,
      platform: "telegram",
      chatId,
      payload: { kind: "photo", fileName: `${bundle.fileStem}.png`, base64: bundle.png.toString("base64") },
    },
    {
      dedupeKey: `${key}:xlsx`,
      platform: "telegram",
      chatId,
      payload: { kind: "document", fileName: `${bundle.fileStem}.xlsx`, base64: bundle.xlsx.toString("base64") },
    },
  ];
}
