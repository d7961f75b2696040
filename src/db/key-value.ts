import type { Db } from "./client.js";

/** Small JSON documents by key (conversation state, pending imports, reply prompts), kept across restarts. */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export function keyValueStore(db: Db): KeyValueStore {
  return {
    async get<T>(key: string) {
      const entry = await db.storageEntry.findUnique({ where: { key } });
      return entry ? (JSON.parse(entry.value) as T) : undefined;
    },
    async set(key, value) {
      const json = JSON.stringify(value);
      await db.storageEntry.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    },
    async delete(key) {
      await db.storageEntry.deleteMany({ where: { key } });
    },
  };
}

/** The read/write/delete shape grammY's conversation (and session) storage expects. */
export function storageAdapter<T>(store: KeyValueStore) {
  return {
    read: (key: string) => store.get<T>(key),
    write: (key: string, value: T) => store.set(key, value),
    delete: (key: string) => store.delete(key),
  };
}
