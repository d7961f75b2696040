#!/usr/bin/env node
// Stands where Prisma's CLI expects its native schema engine. `prisma generate` only checks that this file
// exists (it never runs it), which lets the client be generated on networks where the engine cannot be
// downloaded. Chibo applies migrations itself at start-up (src/db/migrate.ts). Creating new migrations needs
// a real schema engine: see README "Changing the database schema".
process.stderr.write(
  "Prisma's schema engine is not installed. Chibo applies migrations at start-up by itself; to create a new " +
    "migration, point PRISMA_SCHEMA_ENGINE_BINARY at a schema engine (see README, 'Changing the database schema').\n",
);
process.exit(1);
