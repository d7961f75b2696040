// Prisma CLI configuration. One schema folder and one migrations folder per database provider:
// PRISMA_PROVIDER=postgresql selects PostgreSQL, anything else SQLite.
import { defineConfig } from "prisma/config";

const provider = process.env.PRISMA_PROVIDER === "postgresql" ? "postgresql" : "sqlite";
const defaultUrl = provider === "sqlite" ? "file:./data/dev.db" : "postgresql://postgres@127.0.0.1:5432/chibo_dev";

export default defineConfig({
  schema: `prisma/${provider}`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url: process.env.DATABASE_URL ?? defaultUrl },
});
