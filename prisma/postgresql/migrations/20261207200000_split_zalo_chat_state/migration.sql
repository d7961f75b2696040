-- Zalo: an earlier version kept a chat's state in one row ("zalo:chat:<id>", {"lastPrompt", "disclosed"}); each fact
-- now has its own row, so that two writers cannot overwrite each other's change. A row already written under the new
-- key is newer and stays.
INSERT INTO "StorageEntry" ("key", "value", "updatedAt")
SELECT "key" || ':prompt', to_jsonb("value"::jsonb ->> 'lastPrompt')::text, "updatedAt"
FROM "StorageEntry"
WHERE "key" LIKE 'zalo:chat:%' AND substr("key", 11) NOT LIKE '%:%'
  AND jsonb_typeof("value"::jsonb -> 'lastPrompt') = 'string'
ON CONFLICT ("key") DO NOTHING;

INSERT INTO "StorageEntry" ("key", "value", "updatedAt")
SELECT "key" || ':disclosed', 'true', "updatedAt"
FROM "StorageEntry"
WHERE "key" LIKE 'zalo:chat:%' AND substr("key", 11) NOT LIKE '%:%'
  AND "value"::jsonb -> 'disclosed' = 'true'::jsonb
ON CONFLICT ("key") DO NOTHING;

DELETE FROM "StorageEntry" WHERE "key" LIKE 'zalo:chat:%' AND substr("key", 11) NOT LIKE '%:%';
