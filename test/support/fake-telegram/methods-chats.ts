/** Chat information and membership: getChat, getChatMember, getChatAdministrators, leaveChat, menu button. */
import type { User } from "grammy/types";
import { badRequest } from "./errors.js";
import type { Handler } from "./handler.js";
import { int, optInt } from "./params.js";
import type { Simulation } from "./sim.js";
import { chatObject, messageObject, userObject, type ChatRecord, type MemberStatus } from "./world.js";

const ADMIN_RIGHTS = {
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_pin_messages: true,
  can_manage_topics: false,
};

const GROUP_PERMISSIONS = {
  can_send_messages: true,
  can_send_audios: true,
  can_send_documents: true,
  can_send_photos: true,
  can_send_videos: true,
  can_send_video_notes: true,
  can_send_voice_notes: true,
  can_send_polls: true,
  can_send_other_messages: true,
  can_add_web_page_previews: true,
  can_change_info: false,
  can_invite_users: true,
  can_pin_messages: false,
  can_manage_topics: false,
};

export function chatMemberObject(status: MemberStatus, user: User): Record<string, unknown> {
  switch (status) {
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return { status, user, ...ADMIN_RIGHTS };
    case "kicked":
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}

function memberUser(sim: Simulation, userId: number): User {
  if (userId === sim.opts.bot.id) return sim.world.botUser();
  const rec = sim.world.userRecord(userId);
  if (rec === undefined) throw badRequest("user not found");
  return userObject(rec.user);
}

function statusIn(sim: Simulation, chat: ChatRecord, userId: number): MemberStatus {
  if (userId === sim.opts.bot.id) return chat.botStatus;
  if (chat.type === "private") return chat.id === userId ? "member" : "left";
  return chat.members.get(userId) ?? "left";
}

const getChat: Handler = (sim, p) => {
  const chat = sim.readableChat(p["chat_id"]);
  const info: Record<string, unknown> = {
    ...chatObject(chat),
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
      gifts_from_channels: false,
    },
  };
  if (chat.type !== "private") info["permissions"] = GROUP_PERMISSIONS;
  const pinned = chat.messages.filter((m) => m.pinned && !m.deleted).at(-1);
  if (pinned !== undefined) info["pinned_message"] = messageObject(pinned);
  return info;
};

const getChatMember: Handler = (sim, p) => {
  const chat = sim.readableChat(p["chat_id"]);
  const userId = int(p, "user_id");
  const user = memberUser(sim, userId);
  return chatMemberObject(statusIn(sim, chat, userId), user);
};

function groupOnly(sim: Simulation, chatId: unknown): ChatRecord {
  const chat = sim.readableChat(chatId);
  if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
  return chat;
}

const getChatAdministrators: Handler = (sim, p) => {
  const chat = groupOnly(sim, p["chat_id"]);
  const admins: Record<string, unknown>[] = [];
  for (const [id, status] of chat.members) {
    if (status === "creator" || status === "administrator") admins.push(chatMemberObject(status, memberUser(sim, id)));
  }
  if (chat.botStatus === "administrator") admins.push(chatMemberObject("administrator", sim.world.botUser()));
  return admins;
};

const getChatMemberCount: Handler = (sim, p) => {
  const chat = sim.readableChat(p["chat_id"]);
  if (chat.type === "private") return 2;
  const present = (s: MemberStatus): boolean => s === "creator" || s === "administrator" || s === "member";
  return [...chat.members.values()].filter(present).length + (present(chat.botStatus) ? 1 : 0);
};

const leaveChat: Handler = (sim, p) => {
  const chat = sim.readableChat(p["chat_id"]);
  if (chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
  chat.botStatus = "left";
  return true;
};

const setChatMenuButton: Handler = (sim, p) => {
  const button = p["menu_button"] ?? { type: "default" };
  const chatId = optInt(p, "chat_id");
  if (chatId === undefined) sim.defaultMenuButton = button;
  else {
    const chat = sim.readableChat(chatId);
    if (chat.type !== "private") throw badRequest("chat_id must be a private chat");
    chat.menuButton = button;
  }
  return true;
};

const getChatMenuButton: Handler = (sim, p) => {
  const chatId = optInt(p, "chat_id");
  if (chatId === undefined) return sim.defaultMenuButton;
  return sim.readableChat(chatId).menuButton ?? sim.defaultMenuButton;
};

export const CHAT_HANDLERS: Record<string, Handler> = {
  getChat,
  getChatMember,
  getChatAdministrators,
  getChatMemberCount,
  leaveChat,
  setChatMenuButton,
  getChatMenuButton,
};
