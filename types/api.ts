/** API inputs and outputs: the HTTP contract of the backend. Types only: no runtime code. */
import type {
  BoundChild,
  PrivacyState,
  Region,
  RegionLevel,
  RoleGrant,
  School,
  ScopeType,
  Stage,
  StaffRole,
  Station,
  StationKind,
  UserProfile,
} from './domain';

/** Every error the API answers with. */
export type ErrorCode =
  | 'BAD_JSON'
  | 'BODY_TOO_LARGE'
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_INVALID'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'INVITATION_INVALID'
  | 'INVITATION_USED'
  | 'INVITATION_EXPIRED'
  | 'PRIVACY_VERSION_MISMATCH'
  | 'PRIVACY_CONSENT_REQUIRED'
  | 'TOO_MANY_ATTEMPTS'
  | 'DEV_LOGIN_DISABLED'
  | 'WECHAT_LOGIN_FAILED'
  | 'WECHAT_UNAVAILABLE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_ENROLLED'
  | 'LESSONS_INCOMPLETE'
  | 'SEGMENT_OUT_OF_RANGE'
  | 'STATEMENT_FROM_FUTURE'
  | 'IMPLAUSIBLE_PROGRESS'
  | 'SIGNUP_CLOSED'
  | 'ALREADY_SIGNED_UP'
  | 'EVENT_CANCELLED'
  | 'PARENTS_ONLY'
  | 'NOT_SIGNED_UP'
  | 'NO_OFFER'
  | 'TICKET_INVALID'
  | 'TICKET_OTHER_EVENT'
  | 'TICKET_NOT_CONFIRMED'
  | 'CHECKIN_CODE_EXPIRED'
  | 'CHECKIN_CLOSED'
  | 'CAPACITY_BELOW_SIGNUPS'
  | 'EVIDENCE_UNSUPPORTED'
  | 'EVIDENCE_TOO_LARGE'
  | 'BINDING_CODE_INVALID'
  | 'BINDING_CODE_USED'
  | 'BINDING_CODE_EXPIRED'
  | 'NOTICE_CONSENT_REQUIRED'
  | 'PHONE_REQUIRED'
  | 'PHONE_MISMATCH'
  | 'ALREADY_BOUND'
  | 'NO_GUARDIANS'
  | 'NOTICE_NOT_PENDING'
  | 'SELF_APPROVAL'
  | 'ALREADY_ACKNOWLEDGED'
  | 'NOTICE_CLOSED'
  | 'NOTICE_PURGED'
  | 'MEETING_SLOT_INVALID'
  | 'TASK_DONE'
  | 'REFERRAL_CLOSED'
  | 'REPORTS_FORBIDDEN'
  | 'PERIOD_ALREADY_CLOSED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'REQUEST_IN_PROGRESS'
  | 'NOTICE_UNREADABLE'
  | 'UPLOAD_QUOTA_EXCEEDED'
  | 'PRINT_FONT_MISSING'
  | 'MEDIA_UNSUPPORTED'
  | 'MEDIA_BROKEN'
  | 'MEDIA_TOO_LARGE'
  | 'INTERNAL';

/** The error envelope: every non-2xx answer has this body. */
export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    /** A Chinese message the UI can show as is. */
    message: string;
    /** Which fields failed validation, when that is the cause. */
    details?: { path: string; message: string }[];
    /** For a guessed secret (binding, invitation or check-in code): how many tries are left before the lock. */
    remainingAttempts?: number;
    /** For TOO_MANY_ATTEMPTS: seconds until the caller may try again. */
    retryAfterSeconds?: number;
    requestId?: string;
  };
}

/** GET /api/health */
export interface HealthOutput {
  status: 'ok';
  database: 'pglite' | 'postgres';
  migrations: number;
  version: string;
}

/** One section of the privacy guide. */
export interface PrivacySection {
  heading: string;
  body: string[];
}

/** GET /api/privacy */
export interface PrivacyGuideOutput {
  version: string;
  title: string;
  effectiveDate: string;
  sections: PrivacySection[];
}

/** POST /api/auth/login */
export interface LoginInput {
  /** The code from Taro.login / wx.login. */
  code: string;
}

/** POST /api/auth/dev-login */
export interface DevLoginInput {
  identity: string;
}

/** A demo identity offered by the development login. */
export interface DevIdentity {
  key: string;
  label: string;
  description: string;
}

/** GET /api/auth/dev-identities */
export interface DevIdentitiesOutput {
  identities: DevIdentity[];
}

/** GET /api/me */
export interface MeOutput {
  user: UserProfile;
  roles: RoleGrant[];
  children: BoundChild[];
  privacy: PrivacyState;
}

/** The answer of both logins. */
export interface LoginOutput {
  token: string;
  expiresAt: string;
  me: MeOutput;
}

/** PUT /api/me/profile */
export interface UpdateProfileInput {
  displayName: string;
}

/** POST /api/me/privacy-consent */
export interface PrivacyConsentInput {
  version: string;
}

/** POST /api/invitations */
export interface CreateInvitationInput {
  role: StaffRole;
  scopeType: ScopeType;
  scopeId: string | null;
  /** Days until the code expires (1–30). */
  expiresInDays: number;
  note?: string;
}

/** An invitation as staff see it (never the code after creation). */
export interface InvitationSummary {
  id: string;
  role: StaffRole;
  scopeType: ScopeType;
  scopeId: string | null;
  scopeName: string;
  note: string | null;
  createdAt: string;
  expiresAt: string;
  status: 'open' | 'used' | 'expired' | 'revoked';
}

/** POST /api/invitations: the code is shown once. */
export interface CreateInvitationOutput {
  code: string;
  invitation: InvitationSummary;
}

/** GET /api/invitations */
export interface InvitationListOutput {
  invitations: InvitationSummary[];
}

/** POST /api/invitations/redeem */
export interface RedeemInvitationInput {
  code: string;
}

/** A region with how much hangs under it. */
export interface RegionSummary extends Region {
  childCount: number;
  schoolCount: number;
  stationCount: number;
}

/** GET /api/regions */
export interface RegionListOutput {
  regions: RegionSummary[];
}

/** GET /api/regions/:id */
export interface RegionDetailOutput {
  region: RegionSummary;
  path: Region[];
  children: RegionSummary[];
  schools: School[];
  stations: Station[];
}

/** GET /api/schools */
export interface SchoolListOutput {
  schools: School[];
}

/** GET /api/stations */
export interface StationListOutput {
  stations: Station[];
}

/** POST /api/admin/regions */
export interface CreateRegionInput {
  code: string;
  name: string;
  level: RegionLevel;
  parentId: string | null;
}

/** POST /api/admin/schools */
export interface CreateSchoolInput {
  name: string;
  regionId: string;
  stages: Stage[];
}

/** POST /api/admin/stations */
export interface CreateStationInput {
  name: string;
  kind: StationKind;
  regionId: string;
  schoolId: string | null;
  address: string;
}
