-- Hot rows: few rows updated by many small transactions, rows inserted and then updated in the
-- same batch, runs of inserts, one statement updating many rows, deletes and a key change between.
DO $$
BEGIN
  FOR i IN 1..300 LOOP
    UPDATE hot SET n = n + i, note = 'round ' || i WHERE id = 1 + i % 7;
    INSERT INTO hot VALUES (100 + i, i, 'new');
    UPDATE hot SET n = -i WHERE id = 100 + i;
    INSERT INTO hot_log VALUES (i, 'log ' || i);
    COMMIT;
  END LOOP;
END $$;
-- Codes trade places through a spare value, in separate transactions: merged, applied out of order,
-- or as one statement over many rows, a unique check would fail on the target.
DO $$
DECLARE
  a int; b int; ca text; cb text;
BEGIN
  FOR i IN 1..20 LOOP
    a := 1 + i % 10;
    b := 1 + (i + 1) % 10;
    SELECT code INTO ca FROM swap_u WHERE id = a;
    SELECT code INTO cb FROM swap_u WHERE id = b;
    UPDATE swap_u SET code = 'spare', n = n + 1 WHERE id = a;
    COMMIT;
    UPDATE swap_u SET code = ca, n = n + 1 WHERE id = b;
    COMMIT;
    UPDATE swap_u SET code = cb, n = n + 1 WHERE id = a;
    COMMIT;
  END LOOP;
END $$;
UPDATE hot_many SET v = v || ' once';
UPDATE hot_many SET v = v || ' twice' WHERE id % 3 = 0;
DELETE FROM hot WHERE id % 5 = 0;
UPDATE hot SET n = n + 1 WHERE id = 1;
UPDATE hot SET id = 1000 WHERE id = 2;
UPDATE hot SET n = 5 WHERE id = 1000;
INSERT INTO hot_log SELECT g, NULL FROM generate_series(301, 400) g;
UPDATE hot_log SET v = 'late' WHERE id > 390;
