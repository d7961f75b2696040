import { autoRetry } from "@grammyjs/auto-retry";
import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, Composer, type Api, type Context, type MiddlewareFn, type Transformer } from "grammy";
import { budgetedFetch } from "../channels/rate-budget.js";
import type { UserFromGetMe } from "grammy/types";
import { keyValueStore, storageAdapter } from "../db/key-value.js";
import type { BotContext, BotDeps, ChiboContext } from "./context.js";
import { cellChoiceFeature } from "./features/cell-choice.js";
import { committeeFeature } from "./features/committee.js";
import { helpFeature } from "./features/help.js";
import { languageFeature } from "./features/language.js";
import { linkingFeature } from "./features/linking.js";
import { EXEMPT_PROMPT, GROUP_PROMPT, exemptPromptHandler, groupPromptHandler, membersFeature } from "./features/members.js";
import { IMPORT_PROMPT, importPromptHandler, rosterImportFeature } from "./features/roster-import.js";
import { closingFeature } from "./features/closing.js";
import { jobsFeature } from "./features/jobs.js";
import { reportFeature } from "./features/report.js";
import { settingsFeature } from "./features/settings.js";
import { meetingAdminFeature, meetingPromptHandlers } from "./features/meeting-admin.js";
import { CHECKIN_PROMPT, checkinPromptHandler, meetingDayFeature } from "./features/meeting-day.js";
import { meetingsFeature } from "./features/meetings.js";
import { newMeetingFeature } from "./features/new-meeting.js";
import { reasonPromptHandler, rsvpFeature } from "./features/rsvp.js";
import { GroupReasonAsker, REASON_PROMPT } from "./reason-asker.js";
import { setupFeature } from "./features/setup.js";
import type { TallyRefresher } from "./tally-refresher.js";
import type { Platform } from "../domain/cells.js";
import { enrich, logHandledUpdate } from "./middleware/enrich.js";
import { installErrorBoundary } from "./middleware/errors.js";
import { rateLimitPerUser } from "./middleware/rate-limit.js";
import { promptReplies } from "./prompts.js";

/** One conversation (and one queue of updates) per person per chat: a form in a group never swallows others. */
export function conversationKey(ctx: Context): string | undefined {
  if (!ctx.chat) return undefined;
  return ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : String(ctx.chat.id);
}

const retryPolicy = () => autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowHttpErrors: false });

/**
 * A tap's little answer (the toast) can only be given for about 15 s. An update handled again after a crash, or
 * late after an outage, still does its work: the toast that can no longer be shown is skipped, not an error.
 */
const skipExpiredToasts: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (method === "answerCallbackQuery" && !response.ok && /query is too old|query id is invalid/i.test(response.description)) {
    return { ok: true, result: true as never };
  }
  return response;
};

/** Expired toasts skipped, and auto-retry: on the bot's own Api, and on each context's in conversations. */
function withPolicies(api: Api) {
  api.config.use(skipExpiredToasts, retryPolicy());
}

/** Conversations call a context's own Api, which the bot's transformers do not reach. */
const policiesInsideConversations: MiddlewareFn<Context> = async (ctx, next) => {
  withPolicies(ctx.api);
  await next();
};

export interface Chibo {
  bot: Bot<BotContext>;
  /** Sends the reason questions still queued for groups; called at shutdown. */
  flush(): Promise<void>;
}

export interface BotOptions {
  platform: Platform;
  /** Answers every Bot API request in place of Telegram (the Zalo transport's fetch); none for Telegram itself. */
  transport?: typeof fetch;
  /** The live tally, shared by every platform's bot. */
  tally: TallyRefresher;
  botInfo?: UserFromGetMe;
}

/** Zalo's transport answers its bot's calls; Telegram's go out through the groups' shared send budget. */
function clientOf(deps: BotDeps, transport: typeof fetch | undefined) {
  if (transport) return { token: deps.config.zalo?.token ?? "zalo", client: { fetch: transport } };
  const telegram = deps.config.telegram;
  if (!telegram) throw new Error("a Telegram bot needs TELEGRAM_BOT_TOKEN");
  // the budget sits in the client's fetch, below conversations' replays (see budgetedFetch)
  return { token: telegram.token, client: { apiRoot: telegram.apiRoot, fetch: budgetedFetch(deps.budgets) } };
}

/** One bot per platform, with the same features: a platform without Telegram's API gets a transformer that speaks it. */
export function createBot(deps: BotDeps, options: BotOptions): Chibo {
  const { platform, transport, tally } = options;
  const { token, client } = clientOf(deps, transport);
  const bot = new Bot<BotContext>(token, { client, ...(options.botInfo ? { botInfo: options.botInfo } : {}) });
  withPolicies(bot.api);
  const reasons = new GroupReasonAsker(deps, platform);

  bot.use(sequentialize(conversationKey));
  const guarded = installErrorBoundary(bot);
  guarded.use(
    enrich(deps, platform),
    logHandledUpdate,
    rateLimitPerUser({ max: deps.config.rateLimitPerMinute, windowMs: 60_000 }),
  );
  guarded.use(
    conversations<ChiboContext, ChiboContext>({
      storage: {
        type: "key",
        prefix: "conversation:",
        getStorageKey: conversationKey,
        adapter: storageAdapter(keyValueStore(deps.db)),
      },
      plugins: [policiesInsideConversations, enrich(deps, platform)],
    }),
  );
  guarded.command("cancel", async (ctx) => {
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t("common.cancelled"));
  });
  guarded.use(
    promptReplies({
      [IMPORT_PROMPT]: importPromptHandler,
      [GROUP_PROMPT]: groupPromptHandler,
      [EXEMPT_PROMPT]: exemptPromptHandler,
      [REASON_PROMPT]: reasonPromptHandler(tally),
      ...meetingPromptHandlers(tally),
      [CHECKIN_PROMPT]: checkinPromptHandler,
    }),
  );
  guarded.use(
    setupFeature(),
    committeeFeature(),
    helpFeature(),
    languageFeature(),
    rosterImportFeature(),
    membersFeature(),
    linkingFeature(),
    cellChoiceFeature(),
  );
  guarded.use(newMeetingFeature(), rsvpFeature(tally, reasons), meetingsFeature(tally), meetingAdminFeature(tally));
  guarded.use(meetingDayFeature(), closingFeature(), jobsFeature(), reportFeature(), settingsFeature());
  guarded.use(fallback());
  return { bot, flush: () => reasons.stop() };
}

/** Anything no feature took: a hint in private chats, silence in groups, and no spinning buttons. */
function fallback(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t("errors.stale_button"), show_alert: true });
  });
  feature.on("message", async (ctx) => {
    if (ctx.chat.type === "private") await ctx.reply(ctx.t("errors.unknown_message"), { parse_mode: "HTML" });
  });
  return feature;
}
