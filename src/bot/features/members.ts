import { Composer, InlineKeyboard, InputFile } from "grammy";
import { keyValueStore } from "../../db/key-value.js";
import { DomainError } from "../../domain/errors.js";
import { unlinkMember } from "../../domain/identities.js";
import { eraseMember, exportFileName, exportJson, exportMemberData, isErased } from "../../domain/member-data.js";
import {
  addMember,
  getMember,
  listMembers,
  removeMember,
  restoreMember,
  parseDecisionDate,
  updateMember,
  type MemberPatch,
} from "../../domain/members.js";
import { MEMBER_ROLES } from "../../domain/roster.js";
import { parseRosterLines } from "../../domain/roster-import.js";
import { memberCard, memberLabel, problemLine } from "../../render/roster.js";
import { callbackData, featurePattern, parseCallback } from "../callback-data.js";
import type { BotContext, ChiboContext } from "../context.js";
import { requireManagedCell, requirePrivateChat } from "../guards.js";
import { askForReply, type PromptHandler } from "../prompts.js";

const MEM = "mem";
export const GROUP_PROMPT = "member-group";
export const EXEMPT_PROMPT = "member-exempt";
const queryKey = (identityId: string) => `member-query:${identityId}`;
/** Card actions that change a member: refused on an erased member's placeholder. */
const EDITS = new Set(["s", "x", "a", "t", "r", "ro", "g", "d", "u", "ul", "er", "ery"]);

/** The secretary lists, searches and edits the roster in the private chat; every change is audited. */
export function membersFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("members", async (ctx) => {
    requirePrivateChat(ctx);
    await requireManagedCell(ctx);
    const query = ctx.match.trim().slice(0, 60);
    if (ctx.identity) await keyValueStore(ctx.deps.db).set(queryKey(ctx.identity.id), query);
    await showList(ctx, 1, false);
  });

  feature.command("addmember", async (ctx) => {
    requirePrivateChat(ctx);
    const cell = await requireManagedCell(ctx);
    const parsed = parseRosterLines(ctx.match.trim());
    const row = parsed.rows[0];
    if (!ctx.match.trim() || parsed.fatal || !row || parsed.rows.length !== 1) {
      const problems = parsed.problems.map((p) => problemLine(ctx.t, p)).join("\n");
      return ctx.reply([ctx.t("members.add_usage"), problems].filter(Boolean).join("\n\n"), { parse_mode: "HTML" });
    }
    const member = await addMember(ctx.deps.db, ctx.actor, cell.id, { ...row });
    await ctx.reply(ctx.t("members.added", { name: member.fullName }), { parse_mode: "HTML" });
    await showCard(ctx, member.id, false);
  });

  feature.callbackQuery(featurePattern(MEM), async (ctx) => {
    const tapped = parseCallback(ctx.callbackQuery.data, MEM);
    if (!tapped) throw new DomainError("errors.stale_button");
    await handleTap(ctx, tapped.action, tapped.args);
    await ctx.answerCallbackQuery().catch(() => undefined);
  });

  return feature;
}

async function handleTap(ctx: ChiboContext, action: string, args: string[]) {
  requirePrivateChat(ctx);
  const cell = await requireManagedCell(ctx);
  const [memberId = "", extra] = args;
  const edit = (patch: MemberPatch) => updateMember(ctx.deps.db, ctx.actor, cell.id, memberId, patch);
  if (EDITS.has(action) && isErased(await getMember(ctx.deps.db, cell.id, memberId))) {
    throw new DomainError("member_data.already_erased"); // a stale button must not edit or revive the placeholder
  }
  switch (action) {
    case "p":
      return showList(ctx, Number(memberId) || 1, true);
    case "v":
      return showCard(ctx, memberId, true);
    case "s": {
      const member = await getMember(ctx.deps.db, cell.id, memberId);
      await edit({ status: member.status === "official" ? "probationary" : "official" });
      return showCard(ctx, memberId, true);
    }
    case "x":
      await getMember(ctx.deps.db, cell.id, memberId);
      return askForReply(ctx, ctx.t("members.exempt_prompt"), EXEMPT_PROMPT, { memberId }, ctx.t("members.exempt_placeholder"));
    case "a":
      await edit({ membership: "active" });
      return showCard(ctx, memberId, true);
    case "t":
      await edit({ membership: "transferred_out" });
      return showCard(ctx, memberId, true);
    case "r":
      return showRoleMenu(ctx, memberId);
    case "ro": {
      const role = MEMBER_ROLES[Number(extra)];
      if (!role) throw new DomainError("errors.stale_button");
      await edit({ role });
      return showCard(ctx, memberId, true);
    }
    case "g": {
      const member = await getMember(ctx.deps.db, cell.id, memberId);
      return askForReply(ctx, ctx.t("members.group_prompt", { name: member.fullName }), GROUP_PROMPT, { memberId });
    }
    case "d": {
      const { after } = await removeMember(ctx.deps.db, ctx.actor, cell.id, memberId);
      const undo = new InlineKeyboard()
        .text(ctx.t("common.undo"), callbackData(MEM, "u", memberId))
        .text(ctx.t("member_data.erase"), callbackData(MEM, "er", memberId));
      return ctx.editMessageText(ctx.t("members.removed", { name: after.fullName }), { parse_mode: "HTML", reply_markup: undo });
    }
    case "u":
      await restoreMember(ctx.deps.db, ctx.actor, cell.id, memberId);
      return showCard(ctx, memberId, true);
    case "ul":
      await getMember(ctx.deps.db, cell.id, memberId);
      await unlinkMember(ctx.deps.db, ctx.actor, memberId);
      return showCard(ctx, memberId, true);
    case "ex": {
      if (!ctx.capabilities.uploads) throw new DomainError("member_data.export_no_files");
      const member = await getMember(ctx.deps.db, cell.id, memberId);
      const data = await exportMemberData(ctx.deps.db, ctx.actor, memberId, { about: ctx.t("member_data.export_about") });
      const file = new InputFile(Buffer.from(exportJson(data), "utf8"), exportFileName(memberId));
      return ctx.replyWithDocument(file, {
        caption: ctx.t("member_data.export_caption", { name: member.fullName }),
        parse_mode: "HTML",
      });
    }
    case "er": {
      const member = await getMember(ctx.deps.db, cell.id, memberId);
      const confirm = new InlineKeyboard()
        .text(ctx.t("member_data.erase_yes"), callbackData(MEM, "ery", memberId))
        .text(ctx.t("common.cancel"), callbackData(MEM, "v", memberId));
      return ctx.editMessageText(ctx.t("member_data.erase_confirm", { name: member.fullName }), {
        parse_mode: "HTML",
        reply_markup: confirm,
      });
    }
    case "ery": {
      const member = await getMember(ctx.deps.db, cell.id, memberId);
      const { placeholder } = await eraseMember(ctx.deps.db, ctx.actor, memberId);
      const back = new InlineKeyboard().text(ctx.t("members.back_to_list"), callbackData(MEM, "p", 1));
      return ctx.editMessageText(ctx.t("member_data.erased", { name: member.fullName, placeholder }), {
        parse_mode: "HTML",
        reply_markup: back,
      });
    }
    default:
      throw new DomainError("errors.stale_button");
  }
}

async function showList(ctx: ChiboContext, page: number, editInPlace: boolean) {
  const cell = await requireManagedCell(ctx);
  const query = ctx.identity ? ((await keyValueStore(ctx.deps.db).get<string>(queryKey(ctx.identity.id))) ?? "") : "";
  const result = await listMembers(ctx.deps.db, cell.id, { query, page });
  const header = query
    ? ctx.t("members.search_header", { query, count: result.total, page: result.page, pages: result.pages })
    : ctx.t("members.list_header", { cell: cell.name, count: result.total, page: result.page, pages: result.pages });
  const lines = result.items.map((member, i) => `${(result.page - 1) * 8 + i + 1}. ${memberLabel(ctx.t, member)}`);
  const keyboard = new InlineKeyboard();
  for (const member of result.items) keyboard.text(member.fullName.slice(0, 40), callbackData(MEM, "v", member.id)).row();
  if (result.page > 1) keyboard.text("«", callbackData(MEM, "p", result.page - 1));
  if (result.page < result.pages) keyboard.text("»", callbackData(MEM, "p", result.page + 1));
  const text = [header, ...lines, result.total === 0 ? ctx.t("members.none_found") : ""].filter(Boolean).join("\n");
  if (editInPlace) return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
  return ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
}

async function showCard(ctx: ChiboContext, memberId: string, editInPlace: boolean) {
  const cell = await requireManagedCell(ctx);
  const member = await getMember(ctx.deps.db, cell.id, memberId);
  const b = (label: string, action: string) => InlineKeyboard.text(ctx.t(label), callbackData(MEM, action, member.id));
  const erased = isErased(member); // nothing left to edit: the placeholder only keeps past meetings' figures
  const keyboard = new InlineKeyboard();
  if (member.membership === "removed") {
    if (!erased) keyboard.add(b("common.undo", "u"));
  } else {
    keyboard.add(b(member.status === "official" ? "members.make_probationary" : "members.make_official", "s")).row();
    if (member.membership !== "exempt") keyboard.add(b("members.make_exempt", "x"));
    if (member.membership !== "transferred_out") keyboard.add(b("members.make_transferred", "t"));
    if (member.membership !== "active") keyboard.add(b("members.make_active", "a"));
    keyboard.row().add(b("members.change_role", "r"), b("members.change_group", "g")).row();
    if (member.identities.length > 0) keyboard.add(b("members.unlink", "ul"));
    keyboard.add(b("members.remove", "d"));
  }
  if (!erased) {
    keyboard.row();
    if (ctx.capabilities.uploads) keyboard.add(b("member_data.export", "ex"));
    keyboard.add(b("member_data.erase", "er"));
  }
  keyboard.row().text(ctx.t("members.back_to_list"), callbackData(MEM, "p", 1));
  const text = [memberCard(ctx.t, member), erased ? `\n${ctx.t("member_data.erased_card")}` : ""].filter(Boolean).join("\n");
  if (editInPlace) return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
  return ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
}

async function showRoleMenu(ctx: ChiboContext, memberId: string) {
  const keyboard = new InlineKeyboard();
  MEMBER_ROLES.forEach((role, i) => keyboard.text(ctx.t(`member_role.${role}`), callbackData(MEM, "ro", memberId, i)).row());
  keyboard.text(ctx.t("common.back"), callbackData(MEM, "v", memberId));
  await ctx.editMessageReplyMarkup({ reply_markup: keyboard });
}

export const groupPromptHandler: PromptHandler = async (ctx, answer, data) => {
  const cell = await requireManagedCell(ctx);
  const group = answer.trim().replace(/\s+/g, " ").slice(0, 60);
  const memberId = data.memberId ?? "";
  const noGroup = ["-", "không", "khong", "none"].includes(group.toLowerCase());
  await updateMember(ctx.deps.db, ctx.actor, cell.id, memberId, { group: noGroup || !group ? null : group });
  await showCard(ctx, memberId, false);
};

export const exemptPromptHandler: PromptHandler = async (ctx, answer, data) => {
  const cell = await requireManagedCell(ctx);
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: cell.timeZone }).format(ctx.deps.now());
  const since = parseDecisionDate(answer, today);
  if (!since) throw new DomainError("members.bad_exempt_date");
  const memberId = data.memberId ?? "";
  await updateMember(ctx.deps.db, ctx.actor, cell.id, memberId, { membership: "exempt", exemptSince: since });
  await showCard(ctx, memberId, false);
};
