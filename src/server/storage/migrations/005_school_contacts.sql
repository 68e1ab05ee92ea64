-- 005: how parents reach each school's psychology teacher, shown on the safety card of 心理援助 and 心理异常认知
-- lessons to the parents of the school's pupils. Name and phone are set together; office hours may be empty.
ALTER TABLE schools
  ADD COLUMN psych_contact_name text,
  ADD COLUMN psych_contact_phone text,
  ADD COLUMN psych_contact_hours text NOT NULL DEFAULT '',
  ADD CONSTRAINT schools_psych_contact_check CHECK ((psych_contact_name IS NULL) = (psych_contact_phone IS NULL));
