-- Zalo: an earlier version kept a chat's state in one row ("zalo:chat:<id>", {"lastPrompt", "disclosed"}); each fact
-- now has its own row, so that two writers cannot overwrite each other's change. A row already written under the new
-- key is newer and stays.
INSERT OR IGNORE INTO "StorageEntry" ("key", "value", "updatedAt")
SELECT "key" || ':prompt', json_quote(json_extract("value", '$.lastPrompt')), "updatedAt"
FROM "StorageEntry"
WHERE "key" LIKE 'zalo:chat:%' AND substr("key", 11) NOT LIKE '%:%'
  AND json_valid("value") AND json_type("value", '$.lastPrompt') = 'text';

INSERT OR IGNORE INTO "StorageEntry" ("key", "value", "updatedAt")
SELECT "key" || ':disclosed', 'true', "updatedAt"
FROM "StorageEntry"
WHERE "key" LIKE 'zalo:chat:%' AND substr("key", 11) NOT LIKE '%:%'
  AND json_valid("value") AND json_type("value", '$.disclosed') = 'true';

DELETE FROM "StorageEntry" WHERE "key" LIKE 'zalo:chat:%' AND substr("key", 11) NOT LIKE '%:%';
