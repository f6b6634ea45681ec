-- 0012: a generation number of the reference data (departments, the
-- category map with its periods, holidays), raised by triggers on every
-- change whoever makes it (the admin pages, the command line, another
-- server on the same database). Each server reads it at most once a
-- second and reloads its copy when it moved (src/api/app.c).
CREATE TABLE ref_generation (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  generation  INTEGER NOT NULL
);
INSERT INTO ref_generation(id, generation) VALUES (1, 1);

CREATE TRIGGER departments_gen_i AFTER INSERT ON departments
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER departments_gen_u AFTER UPDATE ON departments
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER departments_gen_d AFTER DELETE ON departments
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER categories_gen_i AFTER INSERT ON categories
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER categories_gen_u AFTER UPDATE ON categories
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER categories_gen_d AFTER DELETE ON categories
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER holidays_gen_i AFTER INSERT ON holidays
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER holidays_gen_u AFTER UPDATE ON holidays
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
CREATE TRIGGER holidays_gen_d AFTER DELETE ON holidays
  BEGIN UPDATE ref_generation SET generation = generation + 1; END;
