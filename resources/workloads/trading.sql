-- The trading backend's mix against the sandbox schema (accounts, instruments, orders, trades,
-- positions): mostly reads of an account and its positions, a quarter of the runs place an order
-- that fills (order, trade and position in one transaction), and an occasional order-book read.
-- Busy accounts and hot symbols are skewed, as in production.
\set account random_exponential(1, 10000, 3)
\set instrument random_zipfian(1, 50, 1.2)
\set qty random(1, 200)
\set side random(0, 99)
\set roll random(1, 100)
\if :roll <= 70
SELECT id, name, status, balance FROM accounts WHERE id = :account;
SELECT p.instrument_id, i.symbol, p.quantity, p.avg_price
  FROM positions p JOIN instruments i ON i.id = p.instrument_id
 WHERE p.account_id = :account;
\elif :roll <= 95
BEGIN;
WITH o AS (
  INSERT INTO orders (account_id, instrument_id, symbol, side, order_type, status, quantity, price)
  SELECT :account::bigint, i.id, i.symbol, CASE WHEN :side::int < 52 THEN 'BUY' ELSE 'SELL' END, 'LIMIT',
         'FILLED', :qty::int, i.base_price
    FROM instruments i WHERE i.id = :instrument
  RETURNING id, account_id, instrument_id, symbol, side, quantity, price)
INSERT INTO trades (order_id, account_id, instrument_id, symbol, side, quantity, price, status, filled_at)
SELECT id, account_id, instrument_id, symbol, side, quantity, price, 'FILLED', now() FROM o;
INSERT INTO positions (account_id, instrument_id, quantity, avg_price)
SELECT :account::bigint, i.id, CASE WHEN :side::int < 52 THEN :qty::bigint ELSE -:qty::bigint END, i.base_price
  FROM instruments i WHERE i.id = :instrument
ON CONFLICT (account_id, instrument_id) DO UPDATE
   SET quantity = positions.quantity + EXCLUDED.quantity,
       avg_price = round((positions.avg_price + EXCLUDED.avg_price) / 2, 4), updated_at = now();
END;
\else
SELECT id, status, quantity, price, created_at FROM orders
 WHERE account_id = :account ORDER BY created_at DESC LIMIT 20;
\endif
