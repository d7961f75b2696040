// Start-up time of the built bot (`node dist/main.js`, as `npm start` runs it) against the fake Telegram:
// from spawn to "chibo is running", on a fresh database (migrations included) and on an existing one.
// Run: npm run build && npx tsx bench/startup.ts  (set TEST_DATABASE_URL for PostgreSQL)
import { spawn } from "node:child_process";
import { createTestDatabase } from "../test/support/database.js";
import { FakeTelegram } from "../test/support/fake-telegram/index.js";

async function startOnce(env: Record<string, string>): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["dist/main.js"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("chibo is running")) resolve();
    });
    child.on("exit", () => reject(new Error(`exited early:\n${output}`)));
  });
  const ms = performance.now() - started;
  const rssMb = await residentMemoryMb(child.pid!);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  return { ms, rssMb };
}

async function residentMemoryMb(pid: number): Promise<number> {
  const { readFileSync } = await import("node:fs");
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const fake = await FakeTelegram.start();
const runs: { label: string; ms: number; rssMb: number }[] = [];
for (let i = 0; i < 3; i++) {
  const database = await createTestDatabase();
  const env = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, DATABASE_URL: database.url, LOG_LEVEL: "info" };
  runs.push({ label: `${database.provider} fresh (migrates)`, ...(await startOnce(env)) });
  runs.push({ label: `${database.provider} existing`, ...(await startOnce(env)) });
  await database.drop();
}
await fake.close();
for (const label of [...new Set(runs.map((r) => r.label))]) {
  const mine = runs
    .filter((r) => r.label === label)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const rss = Math.max(...runs.filter((r) => r.label === label).map((r) => r.rssMb));
  console.log(
    `${label}: median ${Math.round(mine[1]!)} ms (min ${Math.round(mine[0]!)}, max ${Math.round(mine[2]!)}), RSS after start ${rss} MB`,
  );
}
