import { createConversation, type Conversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard } from "grammy";
import { CELL_TYPES, createCell, findValidInvite, isCellType, joinCommittee, type CellType } from "../../domain/cells.js";
import { DomainError } from "../../domain/errors.js";
import { callbackData, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import { isChatAdmin, isGroupChat, requireManagedCell, requirePrivateChat } from "../guards.js";
import { isChatCode, issueChatCode, redeemChatCode } from "../../domain/chat-codes.js";
import { localDateTime } from "../../render/meeting.js";
import { replyWithDomainError } from "../middleware/errors.js";
import { publishCommandMenus } from "../commands.js";

const SETUP = "setup";

type SetupConversation = Conversation<BotContext, ChiboContext>;

/**
 * /setup in a group turns it into a cell: the admin who runs it becomes secretary after confirming the
 * cell's name and type. /setup CODE also joins the committee that issued the code.
 */
export function setupFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(createConversation(setupConversation, { id: SETUP, maxMillisecondsToWait: 24 * 60 * 60 * 1000 }));

  feature.command("setup", async (ctx) => {
    if (!isGroupChat(ctx)) throw new DomainError("setup.group_only");
    if (!(await isChatAdmin(ctx))) throw new DomainError("setup.admin_only");
    const code = ctx.match.trim();
    if (ctx.binding?.kind === "committee") throw new DomainError("committee.chat_is_committee");
    if (code && (await isChatCode(ctx.deps.db, code))) return bindToCell(ctx, code);
    if (ctx.binding?.cell) {
      if (!code) throw new DomainError("setup.already_bound_named", { name: ctx.binding.cell.name });
      await requireManagedCell(ctx); // a group admin who is not its secretary cannot move the cell into a committee
      const joined = await joinCommittee(ctx.deps.db, ctx.actor, ctx.binding.cell.id, code, ctx.deps.now());
      return ctx.reply(ctx.t("setup.joined", { cell: joined.cell.name, committee: joined.committee.name }), {
        parse_mode: "HTML",
      });
    }
    if (code) await findValidInvite(ctx.deps.db, code, ctx.deps.now());
    await ctx.conversation.enter(SETUP, code);
  });

  // private only: whoever redeems the code may manage the cell from the new group
  feature.command("linkchat", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const { code, expiresAt } = await issueChatCode(ctx.deps.db, ctx.actor, cell.id, ctx.deps.now());
    await ctx.reply(
      ctx.t("chat_code.issued", {
        cell: cell.name,
        code,
        bot: ctx.me.username,
        until: localDateTime(ctx.t, expiresAt, cell.timeZone),
      }),
      { parse_mode: "HTML" },
    );
  });
  return feature;
}

/** "/setup CODE" with a code from /linkchat: this group becomes another chat of an existing cell. */
async function bindToCell(ctx: ChiboContext, code: string) {
  if (ctx.binding) throw new DomainError("setup.already_bound_named", { name: ctx.binding.cell?.name ?? "" });
  if (!ctx.chat || !ctx.identity) throw new DomainError("setup.group_only");
  const { cell } = await redeemChatCode(
    ctx.deps.db,
    ctx.actor,
    code,
    {
      platform: ctx.platform,
      chatId: String(ctx.chat.id),
      chatTitle: ctx.chat.type === "private" ? null : (ctx.chat.title ?? null),
      identityId: ctx.identity.id,
    },
    ctx.deps.now(),
  );
  await ctx.reply(ctx.t("chat_code.bound", { cell: cell.name }), { parse_mode: "HTML" });
}

async function setupConversation(conversation: SetupConversation, ctx: ChiboContext, code: string) {
  const t = ctx.t;
  const chatTitle = ctx.chat?.type === "private" ? "" : (ctx.chat?.title ?? "");
  const name = await askName(conversation, ctx, chatTitle);
  if (name === undefined) return;
  const type = await askType(conversation, ctx);
  if (type === undefined) return;
  const confirmed = await askConfirmation(conversation, ctx, name, type);
  if (!confirmed) return;
  const secretaryIdentityId = ctx.identity?.id;
  if (!secretaryIdentityId || !ctx.chat) return;
  const chatId = String(ctx.chat.id);
  const result = await conversation.external(async () => {
    try {
      const cell = await createCell(ctx.deps.db, ctx.actor, {
        name,
        type,
        platform: ctx.platform,
        chatId,
        chatTitle: chatTitle || null,
        secretaryIdentityId,
        timeZone: ctx.deps.config.defaultTimeZone,
        locale: ctx.locale,
        inviteCode: code || undefined,
      });
      const committee = cell.committeeId ? await ctx.deps.db.committee.findUnique({ where: { id: cell.committeeId } }) : null;
      return { ok: true as const, cellName: cell.name, committee: committee?.name ?? null };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false as const, key: error.key, params: error.params };
      throw error;
    }
  });
  if (!result.ok) return replyWithDomainError(ctx, new DomainError(result.key, result.params));
  const done = result.committee
    ? t("setup.done_with_committee", { name: result.cellName, committee: result.committee })
    : t("setup.done", { name: result.cellName });
  // Zalo has no deep links: the reply says to write to the bot instead
  const privateLink = `https://t.me/${ctx.me.username}?start=roster`;
  const openPrivate = ctx.capabilities.deepLinks ? new InlineKeyboard().url(t("setup.open_private"), privateLink) : undefined;
  await ctx.reply(openPrivate ? done : `${done}\n\n${t("setup.write_privately", { bot: ctx.me.username })}`, {
    parse_mode: "HTML",
    reply_markup: openPrivate,
  });
  await conversation.external(() => publishCommandMenus(ctx.api, ctx.deps.translations, { secretaryChatId: ctx.from?.id }));
}

const cancelButton = (ctx: ChiboContext) => [InlineKeyboard.text(ctx.t("common.cancel"), callbackData(SETUP, "cancel"))];

/** Waits for this user's next tap or reply; a tap on Cancel ends the conversation. */
async function nextAnswer(conversation: SetupConversation, ctx: ChiboContext) {
  const answer = await conversation.waitFor(["callback_query:data", "message:text"], {
    otherwise: (other) => other.reply(ctx.t("setup.use_buttons")),
  });
  if (answer.callbackQuery) await answer.answerCallbackQuery();
  const tapped = answer.callbackQuery ? parseCallback(answer.callbackQuery.data, SETUP) : undefined;
  if (tapped?.action === "cancel") {
    await answer.reply(ctx.t("setup.cancelled"));
    return { cancelled: true as const };
  }
  return { cancelled: false as const, tapped, text: answer.message?.text?.trim() ?? "" };
}

async function askName(conversation: SetupConversation, ctx: ChiboContext, chatTitle: string): Promise<string | undefined> {
  const keyboard = new InlineKeyboard();
  if (chatTitle) keyboard.text(ctx.t("setup.use_title", { title: chatTitle.slice(0, 40) }), callbackData(SETUP, "title")).row();
  keyboard.add(...cancelButton(ctx));
  await ctx.reply(ctx.t("setup.ask_name"), { parse_mode: "HTML", reply_markup: keyboard });
  for (;;) {
    const answer = await nextAnswer(conversation, ctx);
    if (answer.cancelled) return undefined;
    if (answer.tapped?.action === "title" && chatTitle) return chatTitle;
    const name = answer.text.replace(/\s+/g, " ");
    if (name.length >= 2 && name.length <= 120 && !name.startsWith("/")) return name;
    await ctx.reply(ctx.t("setup.bad_name"), { parse_mode: "HTML" });
  }
}

async function askType(conversation: SetupConversation, ctx: ChiboContext): Promise<CellType | undefined> {
  const keyboard = new InlineKeyboard();
  CELL_TYPES.forEach((type, i) => {
    keyboard.text(ctx.t(`cell_type.${type}`), callbackData(SETUP, "type", type));
    if (i % 2 === 1) keyboard.row();
  });
  keyboard.row().add(...cancelButton(ctx));
  await ctx.reply(ctx.t("setup.ask_type"), { parse_mode: "HTML", reply_markup: keyboard });
  for (;;) {
    const answer = await nextAnswer(conversation, ctx);
    if (answer.cancelled) return undefined;
    const chosen = answer.tapped?.action === "type" ? answer.tapped.args[0] : undefined;
    if (chosen && isCellType(chosen)) return chosen;
    await ctx.reply(ctx.t("setup.use_buttons"));
  }
}

async function askConfirmation(conversation: SetupConversation, ctx: ChiboContext, name: string, type: CellType) {
  const keyboard = new InlineKeyboard().text(ctx.t("common.confirm"), callbackData(SETUP, "ok")).add(...cancelButton(ctx));
  await ctx.reply(ctx.t("setup.confirm", { name, type: ctx.t(`cell_type.${type}`) }), {
    parse_mode: "HTML",
    reply_markup: keyboard,
  });
  for (;;) {
    const answer = await nextAnswer(conversation, ctx);
    if (answer.cancelled) return false;
    if (answer.tapped?.action === "ok") return true;
    await ctx.reply(ctx.t("setup.use_buttons"));
  }
}
