/** Classes of a school and their 班主任 (issue 15: a head teacher sees only their own classes' pupils). Types only. */
import type { Stage } from './domain';

/** A 班主任 assigned to a class. */
export interface ClassHeadTeacher {
  userId: string;
  displayName: string;
  assignedAt: string;
}

/** A class of a school: a grade (年级) and a name (班), e.g. 五年级 2班. */
export interface SchoolClass {
  id: string;
  schoolId: string;
  grade: string;
  name: string;
  stage: Stage;
  createdAt: string;
  /** When the class was closed (no longer taught); null while open. */
  closedAt: string | null;
  /** Pupils in the class. */
  pupils: number;
  headTeachers: ClassHeadTeacher[];
}

/** A member of the school's staff holding the head_teacher role (who can be assigned to a class). */
export interface HeadTeacherOption {
  userId: string;
  displayName: string;
  /** How many open classes they are assigned to. */
  classes: number;
}

/** GET /api/schools/{id}/classes: the school's classes (a 班主任 sees only their own), with who may be assigned. */
export interface SchoolClassesOutput {
  schoolId: string;
  schoolName: string;
  classes: SchoolClass[];
  /** The school's 班主任 (empty for a caller who may not assign). */
  headTeachers: HeadTeacherOption[];
  /** Whether the caller may create classes and assign 班主任 (school leader, psychology teacher, administrator). */
  canManage: boolean;
}

/** POST /api/schools/{id}/classes */
export interface ClassInput {
  grade: string;
  name: string;
  stage: Stage;
}

/** PUT /api/classes/{id}/head-teachers/{userId} and DELETE the same: the class as it is afterwards. */
export interface ClassOutput {
  class: SchoolClass;
}
