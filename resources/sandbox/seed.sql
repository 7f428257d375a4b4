-- Seeds the trading schema set-based (one INSERT ... SELECT per table), which is what keeps a
-- million trades to a couple of seconds. Runs after schema.sql, in parts (the "-- @part NAME"
-- lines): dataset::create() runs each part in a transaction of its own, in this order, with
-- trades and positions at the same time on two connections:
--   orders     accounts and orders, and the view vigil_seed_trades that generates the trades;
--   trades     the trades, from that view;           } in parallel: positions does not read trades
--   positions  the positions, aggregated from it;    } but the same (deterministic) view
--   finish     drops the view, moves the identity sequences.
-- Both sessions set vigil.seed_trades (rows in trades), vigil.seed_orders and vigil.seed_now (the
-- epoch that "now" is in the data) first.
--
-- Skew: instrument ids are drawn as 1 + floor(50 * random()^2.2), so RELIANCE (id 1) gets ~17 %
-- of the activity and the tail a fraction of a percent; accounts are skewed the same way, milder.
--
-- Speed:
-- * Each part starts with TRUNCATE: at wal_level = minimal (configs::postgresSeeding()) rows
--   written to a table created or truncated in the same transaction skip the WAL.
-- * The primary keys are dropped while a table loads and added back (same names) in one sorted
--   pass, which is cheaper than maintaining the btree row by row.
-- * Settings are read once (scalar subqueries become init plans; current_setting() in a row
--   expression is parsed for every row), prices computed in integer paise (a float to numeric
--   cast prints and parses the number), times as epoch seconds through to_timestamp().

-- @part orders
TRUNCATE accounts, orders;
ALTER TABLE orders DROP CONSTRAINT orders_pkey;

INSERT INTO accounts (id, name, email, status, balance, created_at)
SELECT g,
       'Trader ' || g,
       'trader' || g || '@example.com',
       CASE WHEN g % 97 = 0 THEN 'SUSPENDED' ELSE 'ACTIVE' END,
       round((random() * 5000000)::numeric, 2),
       now() - random() * interval '3 years'
FROM generate_series(1, 10000) AS g;

-- created_at within the last 30 days (ending 10 minutes ago), updated up to 5 minutes later.
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
       round(i.paise * (0.92 + random() * 0.16))::bigint * 0.01, -- base price +- 8 %
       to_timestamp(s.ts),
       to_timestamp(s.ts + random() * 300)
FROM (SELECT g,
             1 + floor(power(random(), 1.6) * 10000)::bigint AS account_id,
             1 + floor(power(random(), 2.2) * 50)::int AS instrument_id,
             random() AS r1, random() AS r2, random() AS r3,
             (SELECT current_setting('vigil.seed_now')::float8) - 600 - random() * 2592000 AS ts
      FROM generate_series(1, current_setting('vigil.seed_orders')::bigint) AS g) AS s
JOIN (SELECT id, symbol, (base_price * 100)::bigint AS paise FROM instruments) AS i ON i.id = s.instrument_id;

ALTER TABLE orders ADD PRIMARY KEY (id);

-- Each order gets trades / orders consecutive trade ids (five for the default sizes, else the
-- quotient rounded down or up), each trade its own status, price (order price +- 0.2 %) and
-- created_at within the last 30 days. Two sessions read this view and must see the same rows, so
-- a trade's random numbers come from hashing its id (salts 1 to 4), not from random(). The order
-- columns are worked out once per order (OFFSET 0 keeps that subquery apart) before
-- generate_series() multiplies the rows.
CREATE VIEW vigil_seed_trades AS
SELECT t.id,
       t.order_id,
       t.account_id,
       t.instrument_id,
       t.symbol,
       t.side,
       greatest(1, t.quantity / (1 + t.id % 3)) AS quantity,
       round(t.paise * (0.998 + t.r_price * 0.004))::bigint AS paise,
       t.status,
       t.ts,
       CASE WHEN t.status = 'FILLED' THEN t.ts + t.r_fill * 2 END AS filled_ts
FROM (SELECT t.*,
             CASE WHEN t.r_status < 0.94 THEN 'FILLED' WHEN t.r_status < 0.97 THEN 'PENDING'
                  WHEN t.r_status < 0.985 THEN 'CANCELLED' ELSE 'REJECTED' END AS status,
             (SELECT current_setting('vigil.seed_now')::float8) - t.r_time * 2592000 AS ts
      FROM (SELECT o.first_id + o.k AS id,
                   o.id AS order_id, o.account_id, o.instrument_id, o.symbol, o.side, o.quantity, o.paise,
                   -- uniform in [0, 1): the low 32 bits of the hash over 2^32 (its high bits are correlated
                   -- between neighbouring ids)
                   (hashint8extended(o.first_id + o.k, 1) & 4294967295) / 4294967296.0::float8 AS r_status,
                   (hashint8extended(o.first_id + o.k, 2) & 4294967295) / 4294967296.0::float8 AS r_time,
                   (hashint8extended(o.first_id + o.k, 3) & 4294967295) / 4294967296.0::float8 AS r_price,
                   (hashint8extended(o.first_id + o.k, 4) & 4294967295) / 4294967296.0::float8 AS r_fill
            FROM (SELECT o.*, generate_series(0, o.last_id - o.first_id) AS k
                  FROM (SELECT id, account_id, instrument_id, symbol, side, quantity, (price * 100)::bigint AS paise,
                               (id - 1) * n.trades / n.orders + 1 AS first_id, id * n.trades / n.orders AS last_id
                        FROM orders,
                             (SELECT (SELECT current_setting('vigil.seed_trades')::bigint) AS trades,
                                     (SELECT current_setting('vigil.seed_orders')::bigint) AS orders) AS n
                        OFFSET 0) AS o) AS o) AS t) AS t;

-- @part trades
TRUNCATE trades;
ALTER TABLE trades DROP CONSTRAINT trades_pkey;

INSERT INTO trades (id, order_id, account_id, instrument_id, symbol, side, quantity, price, status,
                    created_at, filled_at)
SELECT id, order_id, account_id, instrument_id, symbol, side, quantity, paise * 0.01, status, to_timestamp(ts),
       to_timestamp(filled_ts)
FROM vigil_seed_trades;

ALTER TABLE trades ADD PRIMARY KEY (id);
ANALYZE trades;

-- @part positions
-- This part is done well before trades, so it also analyzes the tables of the first part.
ANALYZE accounts, instruments, orders;

-- The same numbers as aggregating trades: avg(paise) / 100 = avg(price), to_timestamp() is monotonic.
TRUNCATE positions;
ALTER TABLE positions DROP CONSTRAINT positions_pkey;

INSERT INTO positions (account_id, instrument_id, quantity, avg_price, updated_at)
SELECT account_id,
       instrument_id,
       sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END),
       round(avg(paise) * 0.01, 4),
       to_timestamp(max(ts))
FROM vigil_seed_trades
WHERE status = 'FILLED'
GROUP BY account_id, instrument_id;

ALTER TABLE positions ADD PRIMARY KEY (account_id, instrument_id);
ANALYZE positions;

-- @part finish
DROP VIEW vigil_seed_trades;

-- Explicit ids were inserted: move the identity sequences past them.
SELECT setval(pg_get_serial_sequence('accounts', 'id'), (SELECT max(id) FROM accounts));
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
SELECT setval(pg_get_serial_sequence('trades', 'id'), (SELECT max(id) FROM trades));
