-- Custom SQL migration file, put your code below! --
-- An admin removes a channel by deleting its row; its rules and delivery log go with it (ON DELETE CASCADE).
GRANT DELETE ON "alert_channels" TO "evident_runtime";
