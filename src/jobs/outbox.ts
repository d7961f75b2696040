import type { Db } from "../db/client.js";
import type { OutboxMessage } from "../db/generated/sqlite/client.js";

/** What the sender posts: a text (HTML) or a file, to one chat. */
export type OutboxPayload =
  | { kind: "text"; text: string; replyMarkup?: unknown }
  | { kind: "document"; fileName: string; base64: string; caption?: string }
  | { kind: "photo"; fileName: string; base64: string; caption?: string };

export interface OutboxRequest {
  /** job:target:period — the same key can never be enqueued twice, whichever instance or tick tries. */
  dedupeKey: string;
  platform: "telegram" | "zalo";
  chatId: string;
  payload: OutboxPayload;
}

/** Enqueues unless the key was already used; returns whether a row was written. */
export async function enqueue(db: Db, request: OutboxRequest, now: Date): Promise<boolean> {
  try {
    await db.outboxMessage.create({
      data: {
        dedupeKey: request.dedupeKey,
        platform: request.platform,
        chatId: request.chatId,
        payload: JSON.stringify(request.payload),
        nextAttemptAt: now,
      },
    });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false;
    throw error;
  }
}

/**
 * Claims due rows for one instance. Each row is taken with a conditional update (status still "pending"), so two
 * instances polling the same table never both get it — the portable equivalent of FOR UPDATE SKIP LOCKED.
 */
export async function claimDue(
  db: Db,
  instanceId: string,
  limit: number,
  now: Date,
  claimTimeoutMs = 120_000,
  provider: "sqlite" | "postgresql" = "sqlite",
): Promise<OutboxMessage[]> {
  // a claim older than the timeout means its instance died mid-send: the row is offered again
  await db.outboxMessage.updateMany({
    where: { status: "sending", claimedAt: { lt: new Date(now.getTime() - claimTimeoutMs) } },
    data: { status: "pending", claimedBy: null },
  });
  if (provider === "postgresql") return claimWithSkipLocked(db, instanceId, limit, now);
  const candidates = await db.outboxMessage.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    take: limit * 2,
    select: { id: true },
  });
  const claimed: string[] = [];
  for (const { id } of candidates) {
    if (claimed.length >= limit) break;
    const taken = await db.outboxMessage.updateMany({
      where: { id, status: "pending" },
      data: { status: "sending", claimedBy: instanceId, claimedAt: now },
    });
    if (taken.count === 1) claimed.push(id);
  }
  return claimed.length === 0 ? [] : db.outboxMessage.findMany({ where: { id: { in: claimed } }, orderBy: { createdAt: "asc" } });
}

/**
 * Renews this instance's claim on a row just before it is sent; false when the row was taken over meanwhile (its
 * batch waited longer than the claim timeout for its turns), and must then not be sent here as well.
 */
export async function renewClaim(db: Db, id: string, instanceId: string, now: Date): Promise<boolean> {
  const { count } = await db.outboxMessage.updateMany({
    where: { id, status: "sending", claimedBy: instanceId },
    data: { claimedAt: now },
  });
  return count === 1;
}

export async function markSent(db: Db, id: string, now: Date) {
  await db.outboxMessage.update({ where: { id }, data: { status: "sent", sentAt: now, lastError: null } });
}

/** Back to the queue, not before `at` (a 429's retry_after, a group's full minute, or a backoff). */
export async function releaseUntil(db: Db, id: string, at: Date, error: string | null, countAttempt: boolean) {
  await db.outboxMessage.update({
    where: { id },
    data: {
      status: "pending",
      claimedBy: null,
      nextAttemptAt: at,
      lastError: error,
      ...(countAttempt ? { attempts: { increment: 1 } } : {}),
    },
  });
}

export async function markFailed(db: Db, id: string, reason: string) {
  await db.outboxMessage.update({ where: { id }, data: { status: "failed", lastError: reason, attempts: { increment: 1 } } });
}

export async function outboxCounts(db: Db) {
  const rows = await db.outboxMessage.groupBy({ by: ["status"], _count: true });
  return Object.fromEntries(rows.map((row) => [row.status, row._count])) as Record<string, number>;
}

/** PostgreSQL: one statement claims the batch; rows another instance is claiming are skipped, not waited for. */
async function claimWithSkipLocked(db: Db, instanceId: string, limit: number, now: Date): Promise<OutboxMessage[]> {
  const claimed = await db.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "OutboxMessage" SET "status" = 'sending', "claimedBy" = $1, "claimedAt" = $2::timestamptz
     WHERE "id" IN (SELECT "id" FROM "OutboxMessage" WHERE "status" = 'pending' AND "nextAttemptAt" <= $2::timestamptz
                    ORDER BY "nextAttemptAt", "createdAt" LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING "id"`,
    instanceId,
    now.toISOString(),
    limit,
  );
  if (claimed.length === 0) return [];
  return db.outboxMessage.findMany({ where: { id: { in: claimed.map((row) => row.id) } }, orderBy: { createdAt: "asc" } });
}
