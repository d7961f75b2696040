import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Run {
  exit: Promise<number | null>;
  output: () => string;
  kill: (signal: NodeJS.Signals) => void;
  waitForOutput: (text: string) => Promise<void>;
}

/** Starts the bot the way `npm start` does (from source here), with only the given environment. */
export function startProcess(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", DOTENV_CONFIG_PATH: "/nonexistent/.env", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    listeners.forEach((listener) => listener());
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    exit,
    output: () => output,
    kill: (signal) => child.kill(signal),
    waitForOutput: (text) =>
      new Promise((resolve, reject) => {
        const check = () => output.includes(text) && resolve();
        listeners.add(check);
        check();
        void exit.then(() => reject(new Error(`exited before printing "${text}":\n${output}`)));
      }),
  };
}
