-- 015: bulk import of the registry and of a school's pupils.
-- A pupil's number at the school (学号) is the key a re-imported class list is matched on.
ALTER TABLE students ADD COLUMN school_no text;
CREATE UNIQUE INDEX students_school_no_uniq ON students (school_id, school_no) WHERE school_no IS NOT NULL;

-- The guardian phone numbers a school registers for a pupil, one row per guardian slot (1 or 2). Like binding codes, only
-- the keyed hash and the masked form are kept: the hash is what a binding code issued for the slot is checked against.
CREATE TABLE guardian_contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id uuid NOT NULL REFERENCES students (id),
  slot smallint NOT NULL CHECK (slot IN (1, 2)),
  relation text,
  phone_hash text NOT NULL,
  phone_masked text NOT NULL,
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL,
  UNIQUE (student_id, slot)
);

-- Regions are edited (by forms and imports) and audited like schools, stations and classes (014).
ALTER TABLE registry_audit DROP CONSTRAINT registry_audit_entity_type_check;
ALTER TABLE registry_audit ADD CONSTRAINT registry_audit_entity_type_check CHECK (entity_type IN ('region', 'school', 'station', 'class'));
