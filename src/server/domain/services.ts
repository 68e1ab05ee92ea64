/** The domain services of one request, built from storage and the caller. */
import type { CertificateVerifyOutput, MessageTemplatesOutput, XapiExportOutput } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from '../http/errors';
import type { Caller } from './caller';
import { CheckinService } from './events/checkin';
import { EventService } from './events/events';
import { RosterService } from './events/roster';
import { SignupService } from './events/signups';
import { IdentityService } from './identity';
import { InvitationService } from './invitations';
import { CourseService, verifyCertificate } from './learning/courses';
import { ProgressService } from './learning/progress';
import { exportStatements } from './learning/xapi';
import { TEMPLATE_TITLES } from './messages/outbox';
import { RegistryService } from './registry';
import { SystemService } from './system';

/** The services a route handler can use. */
export interface Services {
  system: SystemService;
  identity: IdentityService;
  registry: RegistryService;
  /** Invitations need a logged-in caller. */
  invitations(): InvitationService;
  courses(): CourseService;
  progress(): ProgressService;
  certificates: { verify(code: string): Promise<CertificateVerifyOutput> };
  statements: { export(opts: { userId: string | null; after: string | null; limit: number }): Promise<XapiExportOutput> };
  events(): EventService;
  signups(): SignupService;
  checkins(): CheckinService;
  roster(): RosterService;
  /** The subscribe-message templates the client requests at sign-up. */
  messageTemplates(): MessageTemplatesOutput;
}

/** Builds the services for one request. */
export function buildServices(deps: AppDeps, caller: Caller | null): Services {
  return {
    system: new SystemService(deps),
    identity: new IdentityService(deps),
    registry: new RegistryService(deps, caller),
    invitations: () => new InvitationService(deps, required(caller)),
    courses: () => new CourseService(deps, required(caller)),
    progress: () => new ProgressService(deps, required(caller)),
    certificates: { verify: (code) => verifyCertificate(deps.db, code) },
    statements: { export: (opts) => exportStatements(deps.db, opts) },
    events: () => new EventService(deps, required(caller)),
    signups: () => new SignupService(deps, required(caller)),
    checkins: () => new CheckinService(deps, required(caller)),
    roster: () => new RosterService(deps, required(caller)),
    messageTemplates: () => ({
      templates: (['signup_result', 'event_reminder', 'event_cancelled'] as const).map((key) => ({ key, templateId: deps.config.events.templates[key], title: TEMPLATE_TITLES[key] })),
    }),
  };
}

function required(caller: Caller | null): Caller {
  if (!caller) throw new AppError('UNAUTHENTICATED');
  return caller;
}
