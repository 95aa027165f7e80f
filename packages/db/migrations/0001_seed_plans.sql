-- Seed plans in BRL. Ids are stable so that code and tests can name them; admins may edit prices later.
INSERT INTO "plans" ("id", "slug", "name", "price_cents", "currency", "cpu_millis", "memory_mb", "disk_mb", "tier", "sort_order") VALUES
  ('plan_dev', 'dev', 'Dev', 0, 'BRL', 250, 256, 1024, 'dev', 0),
  ('plan_bot', 'bot', 'Bot', 500, 'BRL', 250, 256, 2048, 'production', 1),
  ('plan_bot_plus', 'bot-plus', 'Bot Plus', 1500, 'BRL', 500, 512, 5120, 'production', 2),
  ('plan_pro', 'pro', 'Pro', 5000, 'BRL', 1000, 2048, 10240, 'production', 3)
ON CONFLICT ("id") DO NOTHING;
