-- 017: regional help hotlines (inherited down the region tree; 12356 is the national default in code) with their
-- append-only audit trail, and binding codes issued for printed sheets (the code sealed under the notice master key so a
-- reprint shows the same valid code).

CREATE TABLE region_hotlines (
  region_id uuid PRIMARY KEY REFERENCES regions (id),
  number text NOT NULL CHECK (number ~ '^[0-9][0-9-]{2,18}[0-9]$'),
  label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 40),
  hours text NOT NULL DEFAULT '' CHECK (char_length(hours) <= 40),
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL
);

CREATE TABLE hotline_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid NOT NULL REFERENCES users (id),
  region_id uuid NOT NULL REFERENCES regions (id),
  action text NOT NULL CHECK (action IN ('set', 'cleared')),
  before jsonb,
  after jsonb
);
CREATE INDEX hotline_audit_region_idx ON hotline_audit (region_id, id);

CREATE FUNCTION xq_hotline_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'hotline_audit is append-only';
END
$$;
CREATE TRIGGER hotline_audit_append_only BEFORE UPDATE OR DELETE ON hotline_audit FOR EACH ROW EXECUTE FUNCTION xq_hotline_audit_append_only();

-- A code issued for a printed binding sheet: sealed under the master key `code_key_id` (context: the code's id).
ALTER TABLE binding_codes
  ADD COLUMN code_key_id text,
  ADD COLUMN code_sealed bytea,
  ADD CONSTRAINT binding_codes_sealed_pair CHECK ((code_key_id IS NULL) = (code_sealed IS NULL));
