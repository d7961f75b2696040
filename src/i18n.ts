// i18next with one fixed `t` per locale: a shared instance is never switched per update.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type Resource, type i18n, type TFunction } from "i18next";
import { SUPPORTED_LOCALES, type Locale } from "./config.js";
import { escapeHtml } from "./render/html.js";

export type Translate = TFunction;

const NAMESPACE = "bot";

export function localesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "locales");
}

function loadResources(dir: string): Resource {
  const resources: Resource = {};
  for (const locale of SUPPORTED_LOCALES) {
    const files = readdirSync(path.join(dir, locale)).filter((file) => file.endsWith(".json"));
    resources[locale] = Object.fromEntries(
      files.map((file) => [path.basename(file, ".json"), JSON.parse(readFileSync(path.join(dir, locale, file), "utf8"))]),
    );
  }
  return resources;
}

export interface Translations {
  /** The translator for the first supported locale among the preferences (a user's, then a chat's…), else the default. */
  t(...preferred: (string | null | undefined)[]): Translate;
  /** The first supported locale among the preferences, else the default. */
  localeOf(...preferred: (string | null | undefined)[]): Locale;
  instance: i18n;
}

export async function createTranslations(defaultLocale: Locale, dir = localesDir()): Promise<Translations> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: loadResources(dir),
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...SUPPORTED_LOCALES],
    ns: [NAMESPACE],
    defaultNS: NAMESPACE,
    interpolation: { escapeValue: true, escape: escapeHtml },
    returnNull: false,
    initAsync: false,
  });
  const fixed = new Map(SUPPORTED_LOCALES.map((locale) => [locale, instance.getFixedT(locale, NAMESPACE)]));
  const localeOf = (...preferred: (string | null | undefined)[]): Locale => preferred.find(isLocale) ?? defaultLocale;
  return { instance, localeOf, t: (...preferred) => fixed.get(localeOf(...preferred)) as Translate };
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}
