-- CreateTable
CREATE TABLE "RateBudget" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "sends" TEXT NOT NULL,
    "lastAt" REAL NOT NULL
);
