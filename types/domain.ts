/** Domain types shared by the mini-program and the backend. Types only: no runtime code. */

/** A level of the administrative region registry. */
export type RegionLevel = 'province' | 'city' | 'district';

/** A child's stage of schooling (the catalogue's second axis). */
export type Stage = 'preschool' | 'primary' | 'junior' | 'senior' | 'vocational';

/** The five policy modules of family mental-health education (Xiamen seed). */
export type PolicyModule = 'mh_education' | 'mh_aid' | 'mh_care' | 'abnormal_awareness' | 'parent_child';

/** The kind of a station: a 家长学校 or a 家庭教育指导服务站点. */
export type StationKind = 'parent_school' | 'guidance_station';

/** Staff and operator roles. Being a parent needs no grant: any user may bind a child. */
export type StaffRole =
  | 'school_psychologist'
  | 'head_teacher'
  | 'school_leader'
  | 'station_staff'
  | 'federation_staff'
  | 'admin';

/** What a role grant is scoped to. */
export type ScopeType = 'school' | 'station' | 'region' | 'platform';

/** A guardian's relation to a student ('other' is 其他监护人, described by a short note). */
export type GuardianRelation = 'father' | 'mother' | 'grandfather' | 'grandmother' | 'maternal_grandfather' | 'maternal_grandmother' | 'other';

/** A region of the registry. */
export interface Region {
  id: string;
  code: string;
  name: string;
  level: RegionLevel;
  parentId: string | null;
  /** Open / close dates (`YYYY-MM-DD`, China date; the close date is the last open day), or null. */
  openedOn: string | null;
  closedOn: string | null;
}

/** A school of the registry. */
export interface School {
  id: string;
  name: string;
  regionId: string;
  stages: Stage[];
  /** First day open (`YYYY-MM-DD`, China date); null when unknown (counted as open since before any record). */
  openedOn: string | null;
  /** Last day open (`YYYY-MM-DD`); null while open. */
  closedOn: string | null;
}

/** PUT /api/admin/schools/:id/open-dates and /api/admin/stations/:id/open-dates (administrators; audited). */
export interface SetOpenDatesInput {
  openedOn: string | null;
  closedOn: string | null;
}

/** One edit of the registry (an administrator's, or a school's staff managing its classes), as kept in its audit trail. */
export interface RegistryAuditEntry {
  id: string;
  at: string;
  actorId: string;
  actorName: string;
  entityType: 'region' | 'school' | 'station' | 'class';
  entityId: string;
  /** What was done, e.g. `open_dates`. */
  action: string;
  before: Record<string, string | null>;
  after: Record<string, string | null>;
}

/** GET /api/admin/registry-audit: the edits of a school or station (or all), newest first. */
export interface RegistryAuditOutput {
  entries: RegistryAuditEntry[];
}

/** How parents reach a school's psychology teacher (shown on the safety card of 心理援助 and 心理异常认知 lessons). */
export interface SchoolPsychContact {
  /** How parents address them, e.g. 王老师. */
  name: string;
  phone: string;
  /** When they answer, e.g. 周一至周五 8:00–17:00 (may be empty). */
  officeHours: string;
}

/** Sets (or, with null, clears) a school's psychology-teacher contact (administrators). */
export interface SetSchoolContactInput {
  contact: SchoolPsychContact | null;
}

/** A school's psychology-teacher contact as stored. */
export interface SchoolContactOutput {
  schoolId: string;
  contact: SchoolPsychContact | null;
}

/** The psychology-teacher contact of one of the parent's children's schools. */
export interface SchoolContact {
  schoolId: string;
  schoolName: string;
  contact: SchoolPsychContact;
}

/** A station (家长学校 / 家庭教育指导服务站点) of the registry. */
export interface Station {
  id: string;
  name: string;
  kind: StationKind;
  regionId: string;
  schoolId: string | null;
  address: string;
  /** First day open (`YYYY-MM-DD`, China date); null when unknown. A station counts in a period's coverage only while open. */
  openedOn: string | null;
  /** Last day open (`YYYY-MM-DD`); null while open. */
  closedOn: string | null;
}

/** A role held by a user, with the name of what it is scoped to. */
export interface RoleGrant {
  id: string;
  role: StaffRole;
  scopeType: ScopeType;
  scopeId: string | null;
  scopeName: string;
  grantedAt: string;
}

/** A child bound to the current guardian (only what the guardian may see). */
export interface BoundChild {
  studentId: string;
  name: string;
  schoolId: string;
  schoolName: string;
  /** The region (district) of the child's school. */
  schoolRegionId: string;
  grade: string;
  className: string;
  stage: Stage;
  relation: GuardianRelation;
  /** The guardian's own words for 其他监护人 (e.g. 姑姑); null for the named relations and for older bindings. */
  relationNote: string | null;
  boundAt: string;
}

/** The logged-in user as they see themselves. */
export interface UserProfile {
  id: string;
  displayName: string;
  createdAt: string;
}

/** The privacy-guide agreement state of a user. */
export interface PrivacyState {
  currentVersion: string;
  agreedVersion: string | null;
  agreedAt: string | null;
}
