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
UPDATE hot_many SET v = v || ' once';
UPDATE hot_many SET v = v || ' twice' WHERE id % 3 = 0;
DELETE FROM hot WHERE id % 5 = 0;
UPDATE hot SET n = n + 1 WHERE id = 1;
UPDATE hot SET id = 1000 WHERE id = 2;
UPDATE hot SET n = 5 WHERE id = 1000;
INSERT INTO hot_log SELECT g, NULL FROM generate_series(301, 400) g;
UPDATE hot_log SET v = 'late' WHERE id > 390;
