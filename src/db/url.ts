import { mkdirSync } from "node:fs";
import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

export function providerOf(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  if (url.startsWith("file:")) return "sqlite";
  throw new Error(`Unsupported DATABASE_URL "${url}": use file:./path.db (SQLite) or postgresql://…`);
}

/** The file behind a `file:` URL, relative to the working directory; its folder is created when missing. */
export function sqliteFilePath(url: string): string {
  const file = url.replace(/^file:/, "").replace(/\?.*$/, "");
  if (file === ":memory:") return file;
  const resolved = path.resolve(file);
  mkdirSync(path.dirname(resolved), { recursive: true });
  return resolved;
}
