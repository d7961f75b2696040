import { startApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { DatabaseUnavailableError } from "./db/client.js";
import { MigrationError } from "./db/migrate.js";
import { createLogger } from "./logger.js";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  try {
    const app = await startApp(config, logger);
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        logger.info({ signal }, "shutting down");
        app.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
      });
    }
  } catch (error) {
    const known = error instanceof DatabaseUnavailableError || error instanceof MigrationError;
    logger.fatal({ err: known ? undefined : error }, known ? (error as Error).message : "start-up failed");
    process.stderr.write(`Chibo could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main();
