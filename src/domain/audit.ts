import type { Tx } from "../db/client.js";

export interface Actor {
  identityId: string | null;
  label: string;
}

export const SYSTEM_ACTOR: Actor = { identityId: null, label: "system" };

export interface AuditEntry {
  cellId?: string | null;
  committeeId?: string | null;
  entity: string;
  entityId?: string | null;
  action: string;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: actor.identityId,
      actorLabel: actor.label,
      cellId: entry.cellId ?? null,
      committeeId: entry.committeeId ?? null,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      action: entry.action,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    },
  });
}
