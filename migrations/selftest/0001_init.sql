-- Exercises the migration mechanism before real services land (see src/common/pg/migrations.hpp).
-- Runs with search_path = selftest, public: the table lands in schema "selftest".
CREATE TABLE probe (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  note       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
