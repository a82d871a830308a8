CREATE TABLE users (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  name       text NOT NULL,
  plan_code  text NOT NULL REFERENCES plans (code),
  created_at timestamptz NOT NULL DEFAULT now()
);
