/**
 * Generates `bot-api-methods.json`, the compact Bot API table the fake
 * Telegram server validates calls against.
 *
 *   npx tsx test/support/fake-telegram/generate-spec-table.ts [path/to/bot-api-spec.json]
 *
 * The input defaults to /work/shared/telegram/bot-api-spec.json (or the
 * BOT_API_SPEC environment variable). The input is the MIT-licensed
 * machine-readable spec from github.com/PaulSonOfLars/telegram-bot-api-spec;
 * its licence is copied to `bot-api-methods.LICENSE` next to the output.
 * Only this script reads the shared spec; tests load the generated table.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface SpecField {
  name: string;
  types: string[];
  required: boolean;
  description: string;
}
interface SpecEntry {
  name: string;
  fields?: SpecField[];
  returns?: string[];
  subtypes?: string[];
  subtype_of?: string[];
}
interface Spec {
  version: string;
  release_date: string;
  methods: Record<string, SpecEntry>;
  types: Record<string, SpecEntry>;
}

interface TableField {
  name: string;
  types: string;
  required: boolean;
}
interface TableMethod {
  returns: string;
  params: TableField[];
}
interface TableType {
  fields?: TableField[];
  subtypes?: string[];
  discriminator?: { field: string; value: string };
}

/** Types whose fields the fake checks deeply; everything they reference is added too. */
const ROOT_TYPES = [
  "InlineKeyboardMarkup",
  "InlineKeyboardButton",
  "ReplyKeyboardMarkup",
  "ReplyKeyboardRemove",
  "ForceReply",
  "BotCommand",
  "BotCommandScope",
  "ReplyParameters",
  "LinkPreviewOptions",
  "MessageEntity",
  "MenuButton",
  "ChatAdministratorRights",
  "ChatPermissions",
  "InputMediaDocument",
  "InputMediaPhoto",
];

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_SPEC = "/work/shared/telegram/bot-api-spec.json";
const ORIGIN = "github.com/PaulSonOfLars/telegram-bot-api-spec";

function joinTypes(types: string[]): string {
  return types.join(" or ");
}

function toTableFields(fields: SpecField[] | undefined): TableField[] {
  return (fields ?? []).map((f) => ({ name: f.name, types: joinTypes(f.types), required: f.required }));
}

/** Reads the constant a subtype's `type` field must hold ("Scope type, must be chat"). */
function discriminatorOf(entry: SpecEntry): TableType["discriminator"] {
  for (const field of entry.fields ?? []) {
    if (field.name !== "type" && field.name !== "status" && field.name !== "source") continue;
    const m = /(?:must be|always)\s+["“]?([a-z_]+)["”]?/.exec(field.description);
    if (m?.[1] !== undefined) return { field: field.name, value: m[1] };
  }
  return undefined;
}

/** Type names a type expression such as "Array of Array of InlineKeyboardButton" refers to. */
function referencedTypeNames(expr: string): string[] {
  return expr.split(" or ").map((t) => t.replace(/^(Array of )+/, "").trim());
}

function collectTypes(spec: Spec): Record<string, TableType> {
  const out: Record<string, TableType> = {};
  const queue = [...ROOT_TYPES];
  while (queue.length > 0) {
    const name = queue.shift();
    if (name === undefined || name in out) continue;
    const entry = spec.types[name];
    if (entry === undefined) continue;
    const table: TableType = {};
    if (entry.subtypes !== undefined) {
      table.subtypes = entry.subtypes;
      queue.push(...entry.subtypes);
    }
    if (entry.fields !== undefined) {
      table.fields = toTableFields(entry.fields);
      for (const f of table.fields) queue.push(...referencedTypeNames(f.types));
    }
    if ((entry.subtype_of ?? []).length > 0) {
      const d = discriminatorOf(entry);
      if (d !== undefined) table.discriminator = d;
    }
    out[name] = table;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function collectMethods(spec: Spec): Record<string, TableMethod> {
  const out: Record<string, TableMethod> = {};
  for (const name of Object.keys(spec.methods).sort()) {
    const m = spec.methods[name];
    if (m === undefined) continue;
    out[name] = { returns: joinTypes(m.returns ?? []), params: toTableFields(m.fields) };
  }
  return out;
}

/** One entry per line: small diffs, still valid JSON. */
function render(header: Record<string, string>, methods: object, types: object): string {
  const section = (obj: object): string =>
    Object.entries(obj)
      .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(",\n");
  const head = Object.entries(header)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`)
    .join("\n");
  return `{\n${head}\n  "methods": {\n${section(methods)}\n  },\n  "types": {\n${section(types)}\n  }\n}\n`;
}

function main(): void {
  const specPath = process.argv[2] ?? process.env["BOT_API_SPEC"] ?? DEFAULT_SPEC;
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as Spec;
  const licensePath = specPath.replace(/\.json$/, ".LICENSE");
  if (!existsSync(licensePath)) throw new Error(`licence file not found next to the spec: ${licensePath}`);
  const licenceText = readFileSync(licensePath, "utf8");
  const copyright = /^Copyright.*$/m.exec(licenceText)?.[0] ?? "see bot-api-methods.LICENSE";

  const header = {
    _source: `Generated by test/support/fake-telegram/generate-spec-table.ts from ${ORIGIN} (${spec.version}, released ${spec.release_date}). Do not edit by hand.`,
    _license: `MIT License, ${copyright}. Full text in bot-api-methods.LICENSE.`,
    version: spec.version,
  };
  writeFileSync(join(here, "bot-api-methods.json"), render(header, collectMethods(spec), collectTypes(spec)));

  const notice =
    `The file bot-api-methods.json is derived from the machine-readable Telegram Bot API\n` +
    `specification published at https://${ORIGIN}\n` +
    `(${spec.version}, released ${spec.release_date}), distributed under the following licence:\n\n`;
  writeFileSync(join(here, "bot-api-methods.LICENSE"), notice + licenceText);
  console.log(`wrote bot-api-methods.json (${Object.keys(spec.methods).length} methods) from ${specPath}`);
}

main();
