/** Loads the generated Bot API table (bot-api-methods.json) with runtime narrowing. */
import { readFileSync } from "node:fs";

export interface FieldSpec {
  readonly name: string;
  /** As in the spec, alternatives joined by " or ", e.g. "Integer or String". */
  readonly types: string;
  readonly required: boolean;
}

export interface MethodSpec {
  readonly name: string;
  readonly returns: string;
  readonly params: readonly FieldSpec[];
}

export interface TypeSpec {
  readonly name: string;
  readonly fields?: readonly FieldSpec[];
  readonly subtypes?: readonly string[];
  readonly discriminator?: { readonly field: string; readonly value: string };
}

export interface SpecTable {
  readonly version: string;
  /** Keyed by lower-cased method name: the Bot API matches method names case-insensitively. */
  readonly methods: ReadonlyMap<string, MethodSpec>;
  readonly types: ReadonlyMap<string, TypeSpec>;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Error(`bot-api-methods.json: ${what} must be a string`);
  return v;
}

function fields(v: unknown, what: string): FieldSpec[] {
  if (!Array.isArray(v)) throw new Error(`bot-api-methods.json: ${what} must be an array`);
  return v.map((f: unknown, i) => {
    if (!isObject(f)) throw new Error(`bot-api-methods.json: ${what}[${i}] must be an object`);
    return {
      name: str(f["name"], `${what}[${i}].name`),
      types: str(f["types"], `${what}[${i}].types`),
      required: f["required"] === true,
    };
  });
}

function parseType(name: string, v: unknown): TypeSpec {
  if (!isObject(v)) throw new Error(`bot-api-methods.json: type ${name} must be an object`);
  const spec: { -readonly [K in keyof TypeSpec]: TypeSpec[K] } = { name };
  if (v["fields"] !== undefined) spec.fields = fields(v["fields"], `${name}.fields`);
  if (Array.isArray(v["subtypes"])) spec.subtypes = v["subtypes"].map((s: unknown) => str(s, `${name}.subtypes`));
  const d = v["discriminator"];
  if (isObject(d))
    spec.discriminator = { field: str(d["field"], `${name}.discriminator`), value: str(d["value"], `${name}.discriminator`) };
  return spec;
}

export function parseSpecTable(json: unknown): SpecTable {
  if (!isObject(json) || !isObject(json["methods"]) || !isObject(json["types"])) {
    throw new Error("bot-api-methods.json: expected { methods, types }");
  }
  const methods = new Map<string, MethodSpec>();
  for (const [name, m] of Object.entries(json["methods"])) {
    if (!isObject(m)) throw new Error(`bot-api-methods.json: method ${name} must be an object`);
    methods.set(name.toLowerCase(), {
      name,
      returns: str(m["returns"], `${name}.returns`),
      params: fields(m["params"], `${name}.params`),
    });
  }
  const types = new Map<string, TypeSpec>();
  for (const [name, t] of Object.entries(json["types"])) types.set(name, parseType(name, t));
  return { version: str(json["version"], "version"), methods, types };
}

let cached: SpecTable | undefined;

export function loadSpecTable(): SpecTable {
  cached ??= parseSpecTable(JSON.parse(readFileSync(new URL("./bot-api-methods.json", import.meta.url), "utf8")));
  return cached;
}
