-- CreateTable
CREATE TABLE "InboundUpdate" (
    "seq" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "updateId" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DOUBLE PRECISION NOT NULL,
    "claimedBy" TEXT,
    "claimedAt" DOUBLE PRECISION,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundUpdate_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "InboundUpdate_status_chatKey_seq_idx" ON "InboundUpdate"("status", "chatKey", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "InboundUpdate_platform_updateId_key" ON "InboundUpdate"("platform", "updateId");
