// Generates the Prisma client for both providers without downloading Prisma's engines.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");

if (!existsSync(cli)) {
  const generated = ["sqlite", "postgresql"].every((p) => existsSync(path.join(root, "src", "db", "generated", p, "client.ts")));
  if (generated) process.exit(0); // a production install: the client was generated at build time
  console.error("The prisma CLI is not installed: run `npm ci` (with dev dependencies) first.");
  process.exit(1);
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY:
    process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(root, "scripts", "schema-engine-unavailable.mjs"),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
for (const provider of ["sqlite", "postgresql"]) {
  const result = spawnSync(process.execPath, [cli, "generate"], {
    cwd: root,
    env: { ...env, PRISMA_PROVIDER: provider },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) {
    console.error(`prisma generate failed for ${provider}`);
    process.exit(result.status ?? 1);
  }
}
console.log("Prisma client generated for sqlite and postgresql.");
