-- Reference table: the plans a user can be on.
CREATE TABLE plans (
  code          text PRIMARY KEY,
  name          text NOT NULL,
  monthly_cents integer NOT NULL CHECK (monthly_cents >= 0)
);
