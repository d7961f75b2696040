import type { Db } from "../db/client.js";
import { buildMonthlyReport, previousPeriod } from "../domain/monthly-report.js";
import type { Translate } from "../i18n.js";
import { reportChartLabels, reportChartPng } from "../render/report-chart.js";
import { reportMessage } from "../render/report-message.js";
import { reportXlsx, reportXlsxLabels } from "../render/report-xlsx.js";
import type { Locale } from "../config.js";
import type { OutboxRequest } from "./outbox.js";
import { CAPABILITIES, TELEGRAM } from "../channels/capabilities.js";
import { servedPlatforms } from "../channels/registry.js";
import type { Platform } from "../domain/cells.js";
import { loadReportInput } from "./report-data.js";
import type { JobContext } from "./reminders.js";

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
  maxLength = TELEGRAM.maxMessageLength,
): Promise<ReportBundle> {
  const report = buildMonthlyReport(await loadReportInput(db, scope, period, timeZone, now));
  const translate = (key: string, params?: Record<string, unknown>) => t(key, params);
  const png = reportChartPng(report, reportChartLabels(translate, report, locale));
  const xlsx = await reportXlsx(report, reportXlsxLabels(translate));
  return {
    messages: reportMessage(translate, report, { maxLength, locale }),
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
    include: { bindings: { where: { active: true, kind: "committee", platform: { in: servedPlatforms(ctx.config) } } } },
  })) {
    const settings = JSON.parse(committee.settings || "{}") as { summaryDay?: number; summaryHour?: number };
    const { day, hour } = localParts(ctx.now, committee.timeZone);
    if (day !== (settings.summaryDay ?? 1) || hour < (settings.summaryHour ?? 8)) continue;
    const period = previousPeriod(ctx.now, committee.timeZone);
    for (const binding of committee.bindings) {
      const locale = ctx.translations.localeOf(binding.locale, committee.locale);
      const bundle = await reportBundle(
        ctx.db,
        ctx.translations.t(locale),
        locale,
        { committeeId: committee.id },
        period,
        committee.timeZone,
        ctx.now,
        CAPABILITIES[binding.platform as Platform].maxMessageLength,
      );
      const files = CAPABILITIES[binding.platform as Platform].uploads || ctx.config.publicBaseUrl !== undefined;
      requests.push(...bundleRequests(`summary:${committee.id}:${period}:${binding.id}`, binding, bundle, files));
    }
    requests.push(...(await cellSummaries(ctx, committee.id, period, committee.timeZone)));
  }
  return requests;
}

async function cellSummaries(ctx: JobContext, committeeId: string, period: string, timeZone: string): Promise<OutboxRequest[]> {
  const requests: OutboxRequest[] = [];
  const cells = await ctx.db.cell.findMany({
    where: { committeeId },
    include: { bindings: { where: { active: true, kind: "cell", platform: { in: servedPlatforms(ctx.config) } } } },
  });
  for (const cell of cells) {
    for (const binding of cell.bindings) {
      const locale = ctx.translations.localeOf(binding.locale, cell.locale);
      const t = ctx.translations.t(locale);
      const report = buildMonthlyReport(await loadReportInput(ctx.db, { cellIds: [cell.id] }, period, timeZone, ctx.now));
      const maxLength = CAPABILITIES[binding.platform as Platform].maxMessageLength;
      reportMessage((key, params) => t(key, params), report, { maxLength, locale }).forEach((text, i) =>
        requests.push({
          dedupeKey: `cell-summary:${cell.id}:${period}:${binding.id}:${i}`,
          platform: binding.platform as Platform,
          chatId: binding.chatId,
          payload: { kind: "text", text },
        }),
      );
    }
  }
  return requests;
}

/**
 * The report's messages, then its chart and workbook where the chat can receive files (on Zalo: only when a public
 * URL lets them be sent as links; otherwise the messages, which hold the same figures as text, are the report).
 */
function bundleRequests(
  key: string,
  chat: { platform: string; chatId: string },
  bundle: ReportBundle,
  withFiles: boolean,
): OutboxRequest[] {
  const platform = chat.platform as Platform;
  const { chatId } = chat;
  const messages: OutboxRequest[] = bundle.messages.map((text, i) => ({
    dedupeKey: `${key}:msg${i}`,
    platform,
    chatId,
    payload: { kind: "text", text },
  }));
  if (!withFiles) return messages;
  return [
    ...messages,
    {
      dedupeKey: `${key}:chart`,
      platform,
      chatId,
      payload: { kind: "photo", fileName: `${bundle.fileStem}.png`, base64: bundle.png.toString("base64") },
    },
    {
      dedupeKey: `${key}:xlsx`,
      platform,
      chatId,
      payload: { kind: "document", fileName: `${bundle.fileStem}.xlsx`, base64: bundle.xlsx.toString("base64") },
    },
  ];
}
