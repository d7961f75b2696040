// The reminder wave of bench/reminder-wave.ts and bench/instances.ts: one group chat per reminder, each reminder due
// now in the outbox, and what the fake Telegram received of them.
import type { Db } from "../../src/db/client.js";
import { enqueue } from "../../src/jobs/outbox.js";
import type { FakeChat, FakeTelegram } from "../../test/support/fake-telegram/index.js";

/** Telegram's limit for one bot, which the fake enforces. */
const MESSAGES_PER_SECOND_LIMIT = 30;

export interface ReminderWave {
  /** Messages received in all the wave's chats, duplicates included. */
  delivered: () => number;
  everyChatReached: () => boolean;
  outcome: (seconds: number) => WaveOutcome;
}

export interface WaveOutcome {
  deliveredPerSecond: number;
  fractionOfLimit: number;
  duplicates: number;
  losses: number;
  rateLimited429: number;
}

export async function enqueueReminderWave(fake: FakeTelegram, db: Db, total: number): Promise<ReminderWave> {
  const owner = fake.user({ first_name: "Bí thư" });
  const chats: FakeChat[] = [];
  for (let i = 0; i < total; i++) {
    const chat = fake.createGroup({ title: `Chi bộ ${i}`, creator: owner, type: "supergroup" });
    chats.push(chat);
    await enqueue(
      db,
      {
        dedupeKey: `remind-3d:bench:${i}`,
        platform: "telegram",
        chatId: String(chat.id),
        payload: { kind: "text", text: `Nhắc lịch ${i}` },
      },
      new Date(),
    );
  }
  return {
    delivered: () => chats.reduce((sum, chat) => sum + fake.messages(chat).length, 0),
    everyChatReached: () => chats.every((chat) => fake.messages(chat).length >= 1),
    outcome: (seconds) => {
      const counts = chats.map((chat) => fake.messages(chat).length);
      return {
        deliveredPerSecond: +(total / seconds).toFixed(1),
        fractionOfLimit: +(total / seconds / MESSAGES_PER_SECOND_LIMIT).toFixed(2),
        duplicates: counts.filter((n) => n > 1).length,
        losses: counts.filter((n) => n === 0).length,
        rateLimited429: fake.stats.rateLimited,
      };
    },
  };
}
