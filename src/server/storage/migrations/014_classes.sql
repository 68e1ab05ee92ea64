-- 014: classes in the registry and their 班主任 (issue 15, least privilege inside a school).
--
-- A class belongs to one school: a grade (年级, e.g. 五年级) and a name (e.g. 2班), with a stage and the time it was
-- created and, once it is no longer taught, closed. Among a school's open classes (grade, name) is unique; a closed
-- class keeps its pupils' history and a new class of the same name may be opened.
--
-- Every pupil is in exactly one class of their own school (students.class_id, NOT NULL, with a composite key so the
-- class is always of the pupil's school). students.grade and students.class_name stay as readable copies of the
-- class's grade and name, kept in step by triggers:
--   * a pupil written with a class_id gets that class's grade and name;
--   * a pupil written without a class_id (or whose grade / class_name change) is placed in the school's open class of
--     that grade and name, which is created (with the pupil's stage) when there is none;
--   * renaming a class renames it on its pupils.
-- Existing pupils are backfilled into classes made from their (school, grade, class_name).
--
-- class_head_teachers assigns 班主任 (users with the head_teacher role at the class's school) to classes; a row is
-- never deleted, an unassignment sets unassigned_at / unassigned_by, so who looked after a class when stays known.
-- A head teacher's pupil-level scope is the pupils of the classes they are actively assigned to.
--
-- registry_audit also records class changes (entity_type 'class').

CREATE TABLE classes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools (id),
  grade text NOT NULL,
  name text NOT NULL,
  stage text NOT NULL CHECK (stage IN ('preschool', 'primary', 'junior', 'senior', 'vocational')),
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  UNIQUE (id, school_id)
);
CREATE UNIQUE INDEX classes_open_uniq ON classes (school_id, grade, name) WHERE closed_at IS NULL;
CREATE INDEX classes_school_idx ON classes (school_id, grade, name);

INSERT INTO classes (school_id, grade, name, stage, created_at)
SELECT DISTINCT ON (school_id, grade, class_name) school_id, grade, class_name, stage, created_at
  FROM students ORDER BY school_id, grade, class_name, created_at, id;

ALTER TABLE students ADD COLUMN class_id uuid;
UPDATE students s SET class_id = c.id FROM classes c
 WHERE c.school_id = s.school_id AND c.grade = s.grade AND c.name = s.class_name;
ALTER TABLE students ALTER COLUMN class_id SET NOT NULL,
  ADD CONSTRAINT students_class_fk FOREIGN KEY (class_id, school_id) REFERENCES classes (id, school_id);
CREATE INDEX students_class_idx ON students (class_id);

CREATE FUNCTION xq_student_class() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  c classes%ROWTYPE;
BEGIN
  IF NEW.class_id IS NOT NULL THEN
    SELECT * INTO c FROM classes WHERE id = NEW.class_id;
    IF FOUND AND (TG_OP = 'INSERT' OR NEW.class_id IS DISTINCT FROM OLD.class_id
        OR (NEW.grade = c.grade AND NEW.class_name = c.name)
        OR (NEW.grade IS NOT DISTINCT FROM OLD.grade AND NEW.class_name IS NOT DISTINCT FROM OLD.class_name)) THEN
      NEW.grade := c.grade;
      NEW.class_name := c.name;
      RETURN NEW;
    END IF;
  END IF;
  SELECT * INTO c FROM classes
   WHERE school_id = NEW.school_id AND grade = NEW.grade AND name = NEW.class_name AND closed_at IS NULL;
  IF NOT FOUND THEN
    INSERT INTO classes (school_id, grade, name, stage) VALUES (NEW.school_id, NEW.grade, NEW.class_name, NEW.stage)
    RETURNING * INTO c;
  END IF;
  NEW.class_id := c.id;
  RETURN NEW;
END
$$;
CREATE TRIGGER students_class BEFORE INSERT OR UPDATE OF class_id, grade, class_name, school_id ON students
  FOR EACH ROW EXECUTE FUNCTION xq_student_class();

CREATE FUNCTION xq_class_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE students SET grade = NEW.grade, class_name = NEW.name WHERE class_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER classes_renamed AFTER UPDATE OF grade, name ON classes
  FOR EACH ROW WHEN (OLD.grade IS DISTINCT FROM NEW.grade OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION xq_class_renamed();

CREATE TABLE class_head_teachers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  class_id uuid NOT NULL REFERENCES classes (id),
  user_id uuid NOT NULL REFERENCES users (id),
  assigned_by uuid REFERENCES users (id),
  assigned_at timestamptz NOT NULL DEFAULT now(),
  unassigned_by uuid REFERENCES users (id),
  unassigned_at timestamptz
);
CREATE UNIQUE INDEX class_head_teachers_active_uniq ON class_head_teachers (class_id, user_id) WHERE unassigned_at IS NULL;
CREATE INDEX class_head_teachers_user_idx ON class_head_teachers (user_id) WHERE unassigned_at IS NULL;

ALTER TABLE registry_audit DROP CONSTRAINT registry_audit_entity_type_check;
ALTER TABLE registry_audit ADD CONSTRAINT registry_audit_entity_type_check CHECK (entity_type IN ('school', 'station', 'class'));
