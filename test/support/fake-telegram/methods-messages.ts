/** Sending, editing and deleting messages; callback answers; files; chat actions; pins. */
import type { Message, MessageEntity } from "grammy/types";
import { ApiError, badRequest, notSimulated } from "./errors.js";
import type { Handler } from "./handler.js";
import { parseHtml, textLength, trimFormatted, type FormattedText } from "./html.js";
import { isUploadedFile, type Params, type UploadedFile } from "./http-body.js";
import { checkReplyMarkup, normalizeMarkup } from "./markup.js";
import { imageSize, mimeTypeFor } from "./media.js";
import { bool, fileOrString, int, optArr, optInt, optObj, optStr, str } from "./params.js";
import { CALLBACK_QUERY_TTL_MS, type Simulation } from "./sim.js";
import { currentRevision, messageObject, type ChatRecord, type FileRecord, type StoredMessage } from "./world.js";

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;
const MAX_CALLBACK_ANSWER_LENGTH = 200;
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const DELETE_WINDOW_SECONDS = 48 * 3600;

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

// ------------------------------------------------------------------ text

function parseModeOf(p: Params, name: string): "HTML" | "Markdown" | "MarkdownV2" | undefined {
  const mode = optStr(p, name);
  if (mode === undefined || mode === "") return undefined;
  switch (mode.toLowerCase()) {
    case "html":
      return "HTML";
    case "markdown":
      return "Markdown";
    case "markdownv2":
      return "MarkdownV2";
    default:
      throw badRequest(`unsupported parse_mode "${mode}"`);
  }
}

/** Applies parse_mode (HTML is parsed strictly; Markdown modes are stored as sent) or explicit entities. */
function formatText(sim: Simulation, raw: string, p: Params, modeParam: string, entitiesParam: string): FormattedText {
  const entities = optArr(p, entitiesParam);
  const mode = parseModeOf(p, modeParam);
  if (entities !== undefined) return trimFormatted({ text: raw, entities: entities as MessageEntity[] });
  if (mode === "HTML") return trimFormatted(parseHtml(raw, { strictAmpersand: sim.opts.strictHtmlAmpersand }));
  return trimFormatted({ text: raw, entities: [] });
}

function messageText(sim: Simulation, p: Params): { formatted: FormattedText; raw: string } {
  const raw = optStr(p, "text") ?? "";
  const formatted = formatText(sim, raw, p, "parse_mode", "entities");
  if (formatted.text === "") throw badRequest("message text is empty");
  if (textLength(formatted.text) > MAX_TEXT_LENGTH) throw badRequest("message is too long");
  return { formatted, raw };
}

function captionText(sim: Simulation, p: Params): { formatted: FormattedText; raw: string } {
  const raw = optStr(p, "caption") ?? "";
  const formatted = formatText(sim, raw, p, "parse_mode", "caption_entities");
  if (textLength(formatted.text) > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
  return { formatted, raw };
}

function sameFormatted(a: FormattedText, b: FormattedText): boolean {
  return a.text === b.text && JSON.stringify(a.entities) === JSON.stringify(b.entities);
}

// ------------------------------------------------------------------ sending

function replyTarget(sim: Simulation, chat: ChatRecord, p: Params): StoredMessage | undefined {
  const rp = optObj(p, "reply_parameters");
  const id = typeof rp?.["message_id"] === "number" ? rp["message_id"] : optInt(p, "reply_to_message_id");
  if (id === undefined) return undefined;
  const target = rp?.["chat_id"] !== undefined ? sim.readableChat(rp["chat_id"]) : chat;
  const found = sim.world.findMessage(target, id);
  if (found !== undefined) return target === chat ? found : undefined;
  if (rp?.["allow_sending_without_reply"] === true || bool(p, "allow_sending_without_reply")) return undefined;
  throw badRequest("message to be replied not found");
}

function storedMarkup(markup: unknown): unknown {
  checkReplyMarkup(markup);
  return normalizeMarkup(markup) === "" ? undefined : markup;
}

interface Outgoing {
  kind: StoredMessage["kind"];
  text: { formatted: FormattedText; raw: string };
  parseMode: string | undefined;
  file?: FileRecord;
}

function send(sim: Simulation, chat: ChatRecord, p: Params, out: Outgoing): Message {
  const reply_markup = storedMarkup(p["reply_markup"]);
  const reply_to = replyTarget(sim, chat, p);
  sim.flood.take("send", chat.id, chat.type !== "private", sim.now());
  sim.stats.sent++;
  const stored = sim.world.addMessage(chat, {
    date: sim.unixNow(),
    from: sim.world.botUser(),
    fromBot: true,
    kind: out.kind,
    revisions: [{ formatted: out.text.formatted, raw: out.text.raw, reply_markup, at: sim.now() }],
    ...(out.parseMode === undefined ? {} : { parse_mode: out.parseMode }),
    ...(out.file === undefined ? {} : { file: out.file }),
    ...(reply_markup === undefined ? {} : { reply_markup }),
    ...(reply_to === undefined ? {} : { reply_to }),
  });
  return messageObject(stored);
}

const sendMessage: Handler = (sim, p) => {
  const chat = sim.writableChat(p["chat_id"]);
  const text = messageText(sim, p);
  return send(sim, chat, p, { kind: "text", text, parseMode: optStr(p, "parse_mode") });
};

function uploadedFile(sim: Simulation, upload: UploadedFile, kind: FileRecord["kind"]): FileRecord {
  if (upload.data.length === 0) throw badRequest("file must be non-empty");
  if (upload.data.length > MAX_UPLOAD_BYTES) throw new ApiError(413, "Request Entity Too Large");
  if (kind === "photo") {
    const size = imageSize(upload.data);
    if (size === undefined) throw badRequest("IMAGE_PROCESS_FAILED");
    return sim.world.storeFile("photo", upload.data, { ...size });
  }
  const mime = mimeTypeFor(upload.filename, upload.contentType);
  return sim.world.storeFile("document", upload.data, {
    file_name: upload.filename,
    ...(mime === undefined ? {} : { mime_type: mime }),
  });
}

function existingFile(sim: Simulation, ref: string, kind: FileRecord["kind"]): FileRecord {
  if (/^https?:\/\//i.test(ref)) throw badRequest("failed to get HTTP URL content (the fake Telegram server never fetches URLs)");
  const file = sim.world.files.get(ref);
  if (file === undefined) throw badRequest("wrong file identifier/HTTP URL specified");
  if (file.kind !== kind)
    throw badRequest(
      `can't use file of type ${file.kind === "photo" ? "Photo" : "Document"} as ${kind === "photo" ? "Photo" : "Document"}`,
    );
  return file;
}

function sendFile(kind: FileRecord["kind"]): Handler {
  return (sim, p) => {
    const chat = sim.writableChat(p["chat_id"]);
    const input = fileOrString(p, kind);
    const caption = captionText(sim, p);
    const file = isUploadedFile(input) ? uploadedFile(sim, input, kind) : existingFile(sim, input, kind);
    return send(sim, chat, p, { kind, text: caption, parseMode: optStr(p, "parse_mode"), file });
  };
}

// ------------------------------------------------------------------ editing

function editableMessage(sim: Simulation, p: Params): StoredMessage {
  if (optStr(p, "inline_message_id") !== undefined) throw notSimulated("editing inline messages", "True");
  if (p["chat_id"] === undefined) throw badRequest("chat_id is empty");
  const chat = sim.writableChat(p["chat_id"]);
  const id = int(p, "message_id", "message identifier is not specified");
  const message = sim.world.findMessage(chat, id);
  if (message === undefined) throw badRequest("message to edit not found");
  if (!message.fromBot) throw badRequest("message can't be edited");
  return message;
}

interface EditChange {
  text?: { formatted: FormattedText; raw: string };
  parseMode?: string;
  reply_markup: unknown;
}

function applyEdit(sim: Simulation, m: StoredMessage, change: EditChange): Message {
  const cur = currentRevision(m);
  const formatted = change.text?.formatted ?? cur?.formatted ?? { text: "", entities: [] };
  const raw = change.text?.raw ?? cur?.raw ?? "";
  const markup = storedMarkup(change.reply_markup);
  const sameText = cur !== undefined && sameFormatted(formatted, cur.formatted);
  if (sameText && normalizeMarkup(markup) === normalizeMarkup(m.reply_markup)) {
    throw badRequest(
      "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
  }
  sim.flood.take("edit", m.chat.id, m.chat.type !== "private", sim.now());
  sim.stats.edits++;
  m.revisions.push({ formatted, raw, reply_markup: markup, at: sim.now() });
  if (markup === undefined) delete m.reply_markup;
  else m.reply_markup = markup;
  if (change.text !== undefined) {
    if (change.parseMode === undefined) delete m.parse_mode;
    else m.parse_mode = change.parseMode;
  }
  m.edit_date = sim.unixNow();
  return messageObject(m);
}

/** Like Telegram: an edit without reply_markup removes the inline keyboard. */
const editMessageText: Handler = (sim, p) => {
  if (p["rich_message"] !== undefined) throw notSimulated("editMessageText with rich_message", "Message");
  const m = editableMessage(sim, p);
  if (m.kind !== "text") throw badRequest("there is no text in the message to edit");
  const text = messageText(sim, p);
  return applyEdit(sim, m, { text, parseMode: optStr(p, "parse_mode"), reply_markup: p["reply_markup"] });
};

const editMessageCaption: Handler = (sim, p) => {
  const m = editableMessage(sim, p);
  if (m.kind === "text") throw badRequest("there is no caption in the message to edit");
  const text = captionText(sim, p);
  return applyEdit(sim, m, { text, parseMode: optStr(p, "parse_mode"), reply_markup: p["reply_markup"] });
};

const editMessageReplyMarkup: Handler = (sim, p) => {
  const m = editableMessage(sim, p);
  return applyEdit(sim, m, { reply_markup: p["reply_markup"] });
};

// ------------------------------------------------------------------ deleting

function deleteOne(sim: Simulation, chat: ChatRecord, id: number): void {
  const m = sim.world.findMessage(chat, id);
  if (m === undefined) throw badRequest("message to delete not found");
  const canDeleteOthers = chat.type === "private" || chat.botStatus === "administrator";
  if (!m.fromBot && !canDeleteOthers) throw badRequest("message can't be deleted");
  if (sim.unixNow() - m.date > DELETE_WINDOW_SECONDS && !(chat.type !== "private" && chat.botStatus === "administrator")) {
    throw badRequest("message can't be deleted for everyone");
  }
  m.deleted = true;
}

const deleteMessage: Handler = (sim, p) => {
  deleteOne(sim, sim.readableChat(p["chat_id"]), int(p, "message_id"));
  return true;
};

const deleteMessages: Handler = (sim, p) => {
  const chat = sim.readableChat(p["chat_id"]);
  const ids = (optArr(p, "message_ids") ?? []).filter((x): x is number => typeof x === "number");
  if (ids.length === 0 || ids.length > 100) throw badRequest("message_ids must contain 1-100 identifiers");
  for (const id of ids) {
    try {
      deleteOne(sim, chat, id);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  }
  return true;
};

// ------------------------------------------------------------------ callbacks, actions, files, pins

const answerCallbackQuery: Handler = (sim, p) => {
  const query = sim.callbackQueries.get(str(p, "callback_query_id"));
  const expired = query === undefined || query.answered || sim.now() - query.createdAt > CALLBACK_QUERY_TTL_MS;
  if (expired) throw badRequest("query is too old and response timeout expired or query ID is invalid");
  const text = optStr(p, "text");
  if (text !== undefined && textLength(text) > MAX_CALLBACK_ANSWER_LENGTH) throw badRequest("MESSAGE_TOO_LONG");
  query.answered = true;
  query.answer = {};
  if (text !== undefined) query.answer.text = text;
  if (p["show_alert"] !== undefined) query.answer.show_alert = bool(p, "show_alert");
  const url = optStr(p, "url");
  if (url !== undefined) query.answer.url = url;
  return true;
};

const sendChatAction: Handler = (sim, p) => {
  sim.writableChat(p["chat_id"]);
  const action = str(p, "action");
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  return true;
};

const getFile: Handler = (sim, p) => {
  const file = sim.world.files.get(str(p, "file_id"));
  if (file === undefined) throw badRequest("invalid file_id");
  if (file.data.length > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
  return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.data.length, file_path: file.file_path };
};

function assertCanPin(chat: ChatRecord): void {
  if (chat.type !== "private" && chat.botStatus !== "administrator") {
    throw badRequest("not enough rights to manage pinned messages in the chat");
  }
}

const pinChatMessage: Handler = (sim, p) => {
  const chat = sim.writableChat(p["chat_id"]);
  assertCanPin(chat);
  const m = sim.world.findMessage(chat, int(p, "message_id"));
  if (m === undefined) throw badRequest("message to pin not found");
  m.pinned = true;
  return true;
};

const unpinChatMessage: Handler = (sim, p) => {
  const chat = sim.writableChat(p["chat_id"]);
  assertCanPin(chat);
  const id = optInt(p, "message_id");
  const pinned = chat.messages.filter((m) => m.pinned && !m.deleted);
  const target = id === undefined ? pinned.at(-1) : sim.world.findMessage(chat, id);
  if (id !== undefined && target === undefined) throw badRequest("message to unpin not found");
  if (target !== undefined) target.pinned = false;
  return true;
};

const unpinAllChatMessages: Handler = (sim, p) => {
  const chat = sim.writableChat(p["chat_id"]);
  assertCanPin(chat);
  for (const m of chat.messages) m.pinned = false;
  return true;
};

export const MESSAGE_HANDLERS: Record<string, Handler> = {
  sendMessage,
  sendDocument: sendFile("document"),
  sendPhoto: sendFile("photo"),
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  deleteMessages,
  answerCallbackQuery,
  sendChatAction,
  getFile,
  pinChatMessage,
  unpinChatMessage,
  unpinAllChatMessages,
};
