-- CreateTable
CREATE TABLE "RateBudget" (
    "key" TEXT NOT NULL,
    "sends" TEXT NOT NULL,
    "lastAt" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "RateBudget_pkey" PRIMARY KEY ("key")
);
