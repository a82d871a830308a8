CREATE TABLE orders (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number       text NOT NULL UNIQUE,
  user_id      bigint NOT NULL REFERENCES users (id),
  total_cents  integer NOT NULL CHECK (total_cents > 0),
  placed_at    timestamptz NOT NULL DEFAULT now()
);
