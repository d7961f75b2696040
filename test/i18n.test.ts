import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LASTING_REFUSALS } from "../src/domain/errors.js";
import { createTranslations, localesDir } from "../src/i18n.js";

function keysOf(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix.replace(/_(zero|one|two|few|many|other)$/, "")];
  return Object.entries(value).flatMap(([key, inner]) => keysOf(inner, prefix ? `${prefix}.${key}` : key));
}

function localeKeys(locale: string): Set<string> {
  const file = path.join(localesDir(), locale, "bot.json");
  return new Set(keysOf(JSON.parse(readFileSync(file, "utf8"))));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated") return [];
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith(".ts") ? [full] : [];
  });
}

describe("every message exists in Vietnamese and English", () => {
  it("has the same keys in vi and en", () => {
    const vi = localeKeys("vi");
    const en = localeKeys("en");
    expect([...vi].filter((key) => !en.has(key))).toEqual([]);
    expect([...en].filter((key) => !vi.has(key))).toEqual([]);
  });

  it("has every literal key the code uses", () => {
    const vi = localeKeys("vi");
    const used = sourceFiles(path.join(localesDir(), "..", "src")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/(?:\bt|DomainError)\(\s*"([a-z_]+\.[a-z_.]+)"/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((key) => !vi.has(key))).toEqual([]);
    // refusals after which a question is not asked again are named by key: each must be a real message
    expect([...LASTING_REFUSALS].filter((key) => !vi.has(key))).toEqual([]);
  });

  it("escapes user-supplied values for Telegram HTML, and leaves markup from the locale alone", async () => {
    const { t } = await createTranslations("vi");
    expect(t("vi")("members.added", { name: '<script>&"' })).toBe("✅ Đã thêm <b>&lt;script&gt;&amp;&quot;</b>.");
    expect(t("en")("members.added", { name: "An" })).toBe("✅ Added <b>An</b>.");
  });
});
