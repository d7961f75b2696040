// Entry point of the operators' CLI: `npm run cli -- <command>`, or `node dist/cli/main.js <command>` in the image.
import { runCli } from "./cli.js";

process.exitCode = await runCli(process.argv.slice(2));
