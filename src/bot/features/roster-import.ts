import { randomBytes } from "node:crypto";
import { Composer, InlineKeyboard } from "grammy";
import { keyValueStore } from "../../db/key-value.js";
import { DomainError } from "../../domain/errors.js";
import { applyRosterImport, planImportForCell, rosterOverview } from "../../domain/members.js";
import { parseRosterFile, parseRosterLines, type RosterParseResult, type RosterRow } from "../../domain/roster-import.js";
import { importPreview } from "../../render/roster.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import { requireManagedCell, requirePrivateChat } from "../guards.js";
import { askForReply, type PromptHandler } from "../prompts.js";

const IMPORT = "imp";
export const IMPORT_PROMPT = "roster-import";
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const PENDING_TTL_MS = 24 * 60 * 60 * 1000;

interface PendingImport {
  cellId: string;
  identityId: string;
  rows: RosterRow[];
  createdAt: number;
}

const pendingKey = (token: string) => `import:${token}`;

/**
 * The secretary sends the roster file (or pastes lines) in the private chat; the bot shows what it
 * understood and saves only after the secretary confirms.
 */
export function rosterImportFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("roster", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const o = await rosterOverview(ctx.deps.db, cell.id);
    await ctx.reply(ctx.t("roster.overview", { cell: cell.name, ...o }), { parse_mode: "HTML" });
  });

  feature.command("start", async (ctx, next) => {
    if (ctx.match.trim() !== "roster") return next();
    const cell = await requireManagedCell(ctx);
    await ctx.reply(ctx.t("roster.how_to_import", { cell: cell.name }), { parse_mode: "HTML" });
  });

  feature.command("import", async (ctx) => {
    requirePrivateChat(ctx);
    await requireManagedCell(ctx);
    const pasted = ctx.match.trim();
    if (pasted) return previewImport(ctx, parseRosterLines(pasted));
    await askForReply(ctx, ctx.t("roster.import_prompt"), IMPORT_PROMPT);
  });

  feature.on("message:document", async (ctx, next) => {
    if (ctx.chat.type !== "private") return next();
    await requireManagedCell(ctx);
    const document = ctx.message.document;
    if ((document.file_size ?? 0) > MAX_FILE_BYTES) throw new DomainError("roster.file_too_big", { max: "2 MB" });
    await ctx.replyWithChatAction("typing");
    const bytes = await downloadFile(ctx, document.file_id);
    await previewImport(ctx, await parseRosterFile(bytes, document.file_name ?? "roster"));
  });

  feature.callbackQuery(featurePattern(IMPORT), async (ctx) => {
    const tapped = parseCallback(ctx.callbackQuery.data, IMPORT);
    const token = tapped?.args[0];
    if (!tapped || !token) throw new DomainError("errors.stale_button");
    const store = keyValueStore(ctx.deps.db);
    const pending = await store.get<PendingImport>(pendingKey(token));
    if (!pending || pending.identityId !== ctx.identity?.id || Date.now() - pending.createdAt > PENDING_TTL_MS) {
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      throw new DomainError("roster.import_expired");
    }
    const cell = await requireManagedCell(ctx);
    if (cell.id !== pending.cellId) throw new DomainError("errors.not_secretary");
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    if (tapped.action !== "ok") {
      await store.delete(pendingKey(token));
      await ctx.answerCallbackQuery();
      return ctx.reply(ctx.t("roster.import_cancelled"));
    }
    await ctx.answerCallbackQuery({ text: ctx.t("roster.saving") });
    // the pending import is forgotten only once saved: if the process dies meanwhile, the tap is handled again
    // (the inbox keeps it) and the import, re-planned against the roster as it now is, adds nobody twice
    const plan = await applyRosterImport(ctx.deps.db, ctx.actor, cell.id, pending.rows);
    await store.delete(pendingKey(token));
    await ctx.reply(
      ctx.t("roster.import_saved", {
        cell: cell.name,
        added: plan.add.length,
        updated: plan.update.length,
        unchanged: plan.unchanged.length,
        total: plan.counts.total,
      }),
      { parse_mode: "HTML" },
    );
  });

  return feature;
}

export const importPromptHandler: PromptHandler = (ctx, answer) => previewImport(ctx, parseRosterLines(answer));

async function downloadFile(ctx: ChiboContext, fileId: string): Promise<Uint8Array> {
  const file = await ctx.api.getFile(fileId);
  if (!file.file_path) throw new DomainError("roster.file_unreadable");
  // only Telegram hands the bot files (Zalo's bots receive none)
  const telegram = ctx.deps.config.telegram;
  if (!telegram) throw new DomainError("roster.file_unreadable");
  const { apiRoot, token } = telegram;
  const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`);
  if (!response.ok) throw new DomainError("roster.file_unreadable");
  return new Uint8Array(await response.arrayBuffer());
}

async function previewImport(ctx: ChiboContext, parsed: RosterParseResult) {
  const cell = await requireManagedCell(ctx);
  if (parsed.fatal) {
    const columns =
      parsed.fatal.code === "missing_columns" ? parsed.fatal.columns.map((c) => ctx.t(`roster.column.${c}`)).join(", ") : "";
    const limit = parsed.fatal.code === "too_many_rows" ? parsed.fatal.limit : 0;
    return ctx.reply(ctx.t(`roster.fatal.${parsed.fatal.code}`, { columns, limit }), { parse_mode: "HTML" });
  }
  const plan = await planImportForCell(ctx.deps.db, cell.id, parsed.rows);
  const text = importPreview(ctx.t, parsed, plan, cell.name);
  if (plan.add.length + plan.update.length === 0 || !ctx.identity) return ctx.reply(text, { parse_mode: "HTML" });
  const token = randomBytes(6).toString("base64url");
  const pending: PendingImport = { cellId: cell.id, identityId: ctx.identity.id, rows: parsed.rows, createdAt: Date.now() };
  await keyValueStore(ctx.deps.db).set(pendingKey(token), pending);
  const keyboard = new InlineKeyboard()
    .text(ctx.t("roster.save_button"), callbackData(IMPORT, "ok", token))
    .text(ctx.t("common.cancel"), callbackData(IMPORT, "no", token));
  await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
}
