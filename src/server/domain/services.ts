/** The domain services of one request, built from storage and the caller. */
import type { CertificateVerifyOutput, MessageTemplatesOutput, XapiExportOutput } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import { Limiter, UNKNOWN_ADDRESS } from './attempts';
import type { Caller } from './caller';
import { ClassService } from './classes';
import { CheckinService } from './events/checkin';
import { EventService } from './events/events';
import { RosterService } from './events/roster';
import { SignupService } from './events/signups';
import { HotlineService } from './hotlines';
import { IdentityService } from './identity';
import { ImportService } from './imports/service';
import { InvitationService } from './invitations';
import { AuthoringService } from './learning/authoring';
import { CourseService, PublicCourses, verifyCertificate } from './learning/courses';
import { MediaService } from './learning/media';
import { ProgressService } from './learning/progress';
import { exportStatements } from './learning/xapi';
import { TEMPLATE_TITLES } from './messages/outbox';
import { NoticeBoardService } from './notices/board';
import { NoticeDraftService } from './notices/drafts';
import { NoticeService } from './notices/notices';
import { NoticeSettingsService } from './notices/settings';
import { BindingSheetService } from './notices/sheets';
import { StudentService } from './notices/students';
import { RegistryService } from './registry';
import { RightsService } from './rights';
import { ReportService } from './reports/service';
import { SystemService } from './system';

/** The services a route handler can use. */
export interface Services {
  system: SystemService;
  identity: IdentityService;
  /** The request's guess and rate limits (its caller and client address). */
  limits: Limiter;
  registry: RegistryService;
  /** Invitations need a logged-in caller. */
  invitations(): InvitationService;
  courses(): CourseService;
  /** The published catalogue and outlines as a guest (no login) sees them. */
  publicCourses: PublicCourses;
  progress(): ProgressService;
  /** The course authoring console (administrators, 妇联 staff). */
  authoring(): AuthoringService;
  /** Lesson media uploads (administrators, 妇联 staff). */
  media(): MediaService;
  certificates: { verify(code: string): Promise<CertificateVerifyOutput> };
  statements: { export(opts: { userId: string | null; after: string | null; limit: number }): Promise<XapiExportOutput> };
  events(): EventService;
  signups(): SignupService;
  checkins(): CheckinService;
  roster(): RosterService;
  students(): StudentService;
  /** A school's classes and their 班主任. */
  classes(): ClassService;
  notices(): NoticeService;
  noticeDrafts(): NoticeDraftService;
  noticeSettings(): NoticeSettingsService;
  noticeBoard(): NoticeBoardService;
  reports(): ReportService;
  /** A guardian's rights: notice consent, unbinding, closing the account. */
  rights(): RightsService;
  /** Bulk import of the registry and of pupils. */
  imports(): ImportService;
  /** Regional help hotlines (a guest gets the national one). */
  hotlines(): HotlineService;
  /** Printable binding sheets of a class (school staff). */
  bindingSheets(): BindingSheetService;
  /** The subscribe-message templates the client requests at sign-up. */
  messageTemplates(): MessageTemplatesOutput;
}

/** Builds the services for one request from its caller and client address. */
export function buildServices(deps: AppDeps, caller: Caller | null, address: string = UNKNOWN_ADDRESS): Services {
  const limits = new Limiter(deps, address);
  return {
    system: new SystemService(deps),
    identity: new IdentityService(deps),
    limits,
    registry: new RegistryService(deps, caller),
    invitations: () => new InvitationService(deps, required(caller), limits),
    courses: () => new CourseService(deps, required(caller)),
    publicCourses: new PublicCourses(deps.db),
    progress: () => new ProgressService(deps, required(caller)),
    authoring: () => new AuthoringService(deps, required(caller)),
    media: () => new MediaService(deps, required(caller)),
    certificates: { verify: (code) => verifyCertificate(deps.db, code) },
    statements: { export: (opts) => exportStatements(deps.db, opts) },
    events: () => new EventService(deps, required(caller)),
    signups: () => new SignupService(deps, required(caller)),
    checkins: () => new CheckinService(deps, required(caller), limits),
    roster: () => new RosterService(deps, required(caller), limits),
    students: () => new StudentService(deps, required(caller), limits),
    classes: () => new ClassService(deps, required(caller)),
    notices: () => new NoticeService(deps, required(caller)),
    noticeDrafts: () => new NoticeDraftService(deps, required(caller)),
    noticeSettings: () => new NoticeSettingsService(deps, required(caller)),
    noticeBoard: () => new NoticeBoardService(deps, required(caller)),
    reports: () => new ReportService(deps, required(caller)),
    rights: () => new RightsService(deps, required(caller)),
    imports: () => new ImportService(deps, required(caller)),
    hotlines: () => new HotlineService(deps, caller),
    bindingSheets: () => new BindingSheetService(deps, required(caller)),
    messageTemplates: () => ({
      templates: [
        ...(['signup_result', 'event_reminder', 'event_cancelled'] as const).map((key) => ({ key, templateId: deps.config.events.templates[key], title: TEMPLATE_TITLES[key], purpose: 'signup' as const })),
        { key: 'school_notice' as const, templateId: deps.config.notices.templateId, title: TEMPLATE_TITLES.school_notice, purpose: 'binding' as const },
      ],
    }),
  };
}

function required(caller: Caller | null): Caller {
  if (!caller) throw new AppError('UNAUTHENTICATED');
  return caller;
}
