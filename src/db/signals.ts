import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../logger.js";
import type { Db } from "./client.js";
import type { DatabaseProvider } from "./url.js";

/** What instances tell each other: an update was stored, an update was handled (payload: which, and how). */
export type SignalChannel = "chibo_inbox" | "chibo_inbox_done";

/**
 * Wakes whoever waits for work instead of having them poll: on PostgreSQL every instance hears every other through
 * LISTEN/NOTIFY; on SQLite (one process) an in-process emitter does. A lost signal costs only latency: waiters
 * still look on a slow timer.
 */
export interface Signals {
  /** True when other instances hear this one's signals (PostgreSQL). */
  readonly shared: boolean;
  notify(channel: SignalChannel, payload?: string): Promise<void>;
  subscribe(channel: SignalChannel, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}

export async function openSignals(db: Db, provider: DatabaseProvider, url: string, logger: Logger): Promise<Signals> {
  if (provider === "sqlite") return new LocalSignals();
  const signals = new PostgresSignals(db, url, logger);
  // if it cannot listen yet, it keeps trying in the background, and waiters poll meanwhile
  await signals.connect().catch(() => undefined);
  return signals;
}

class LocalSignals implements Signals {
  readonly shared: boolean = false;
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  notify(channel: SignalChannel, payload = ""): Promise<void> {
    this.emit(channel, payload);
    return Promise.resolve();
  }

  subscribe(channel: SignalChannel, listener: (payload: string) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }

  protected emit(channel: SignalChannel, payload: string): void {
    this.emitter.emit(channel, payload);
  }
}

const CHANNELS: SignalChannel[] = ["chibo_inbox", "chibo_inbox_done"];
const MAX_RECONNECT_MS = 5_000;

/** One dedicated connection LISTENs (and comes back after an outage); NOTIFY goes through the ordinary pool. */
class PostgresSignals extends LocalSignals {
  override readonly shared = true;
  private client: pg.Client | undefined;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly db: Db,
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  async connect(): Promise<void> {
    // keepAlive: a connection that died silently (a NAT or a failover) is noticed, and listening starts again
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, connectionTimeoutMillis: 10_000 });
    this.client = client;
    client.on("notification", (message) => {
      const channel = message.channel as SignalChannel;
      if (CHANNELS.includes(channel)) this.emit(channel, message.payload ?? "");
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      for (const channel of CHANNELS) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      this.lost(client, error);
      throw error;
    }
    if (this.failures > 0) {
      this.logger.info("database signals: listening again");
      this.emit("chibo_inbox", ""); // what was stored meanwhile was not announced
    }
    this.failures = 0;
  }

  override async notify(channel: SignalChannel, payload = ""): Promise<void> {
    await this.db.$executeRawUnsafe("SELECT pg_notify($1, $2)", channel, payload);
  }

  override async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await super.close();
  }

  /** The listening connection broke (database restarted, network cut): try again with backoff, polling meanwhile. */
  private lost(client: pg.Client, error?: unknown) {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on("error", () => undefined);
    void client.end().catch(() => undefined);
    if (this.failures === 0) this.logger.warn({ err: error }, "database signals: connection lost, polling until it is back");
    const wait = Math.min(MAX_RECONNECT_MS, 250 * 2 ** this.failures++);
    setTimeout(() => {
      if (!this.closed) this.connect().catch(() => undefined);
    }, wait);
  }
}
