-- Seeds the trading schema set-based (one INSERT ... SELECT generate_series per table), which is
-- what keeps a million trades to a few seconds. The session sets vigil.seed_trades (rows in
-- trades) and vigil.seed_orders before running this file.
-- Skew: instrument ids are drawn as 1 + floor(50 * random()^2.2), so RELIANCE (id 1) gets ~17 %
-- of the activity and the tail a fraction of a percent; accounts are skewed the same way, milder.

INSERT INTO accounts (id, name, email, status, balance, created_at)
SELECT g,
       'Trader ' || g,
       'trader' || g || '@example.com',
       CASE WHEN g % 97 = 0 THEN 'SUSPENDED' ELSE 'ACTIVE' END,
       round((random() * 5000000)::numeric, 2),
       now() - random() * interval '3 years'
FROM generate_series(1, 10000) AS g;

INSERT INTO orders (id, account_id, instrument_id, symbol, side, order_type, status, quantity, price,
                    created_at, updated_at)
SELECT s.g,
       s.account_id,
       i.id,
       i.symbol,
       CASE WHEN s.r1 < 0.52 THEN 'BUY' ELSE 'SELL' END,
       CASE WHEN s.r2 < 0.7 THEN 'LIMIT' WHEN s.r2 < 0.95 THEN 'MARKET' ELSE 'STOP_LOSS' END,
       CASE WHEN s.r3 < 0.9 THEN 'FILLED' WHEN s.r3 < 0.95 THEN 'OPEN' WHEN s.r3 < 0.98 THEN 'CANCELLED'
            ELSE 'REJECTED' END,
       1 + floor(power(random(), 3) * 500)::int,
       round(i.base_price * (0.92 + random() * 0.16)::numeric, 2),
       s.ts,
       s.ts + random() * interval '5 minutes'
FROM (SELECT g,
             1 + floor(power(random(), 1.6) * 10000)::bigint AS account_id,
             1 + floor(power(random(), 2.2) * 50)::int AS instrument_id,
             random() AS r1, random() AS r2, random() AS r3,
             now() - interval '10 minutes' - random() * interval '30 days' AS ts
      FROM generate_series(1, current_setting('vigil.seed_orders')::bigint) AS g) AS s
JOIN instruments AS i ON i.id = s.instrument_id;

INSERT INTO trades (id, order_id, account_id, instrument_id, symbol, side, quantity, price, status,
                    created_at, filled_at)
SELECT t.g,
       o.id,
       o.account_id,
       o.instrument_id,
       o.symbol,
       o.side,
       greatest(1, o.quantity / (1 + t.g % 3)),
       round(o.price * (0.998 + random() * 0.004)::numeric, 2),
       t.status,
       t.created_at,
       CASE WHEN t.status = 'FILLED' THEN t.created_at + random() * interval '2 seconds' END
FROM (SELECT g,
             1 + (g % current_setting('vigil.seed_orders')::bigint) AS order_id,
             CASE WHEN r < 0.94 THEN 'FILLED' WHEN r < 0.97 THEN 'PENDING' WHEN r < 0.985 THEN 'CANCELLED'
                  ELSE 'REJECTED' END AS status,
             now() - random() * interval '30 days' AS created_at
      FROM (SELECT g, random() AS r FROM generate_series(1, current_setting('vigil.seed_trades')::bigint) AS g) AS x)
     AS t
JOIN orders AS o ON o.id = t.order_id;

INSERT INTO positions (account_id, instrument_id, quantity, avg_price, updated_at)
SELECT account_id,
       instrument_id,
       sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END),
       round(avg(price), 4),
       max(created_at)
FROM trades
WHERE status = 'FILLED'
GROUP BY account_id, instrument_id;

-- Explicit ids were inserted: move the identity sequences past them.
SELECT setval(pg_get_serial_sequence('accounts', 'id'), (SELECT max(id) FROM accounts));
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
SELECT setval(pg_get_serial_sequence('trades', 'id'), (SELECT max(id) FROM trades));

ANALYZE;
