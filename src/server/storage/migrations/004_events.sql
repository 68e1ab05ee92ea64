-- 004: 家长学校 sessions ("events" in the code, 活动 in the UI): publishing, sign-up with a waitlist,
-- check-in, evidence; WeChat subscribe-message grants and the outbox that sends them.

CREATE TABLE events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  station_id uuid REFERENCES stations (id),
  school_id uuid REFERENCES schools (id),
  region_id uuid NOT NULL REFERENCES regions (id),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  topic text NOT NULL,
  mental_health boolean NOT NULL DEFAULT false,
  speaker text NOT NULL DEFAULT '',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  mode text NOT NULL CHECK (mode IN ('onsite', 'online')),
  address text NOT NULL DEFAULT '',
  latitude double precision,
  longitude double precision,
  online_url text,
  capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 5000),
  signup_deadline timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'cancelled')),
  cancel_reason text,
  cancelled_at timestamptz,
  checkin_secret text NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((station_id IS NULL) <> (school_id IS NULL)),
  CHECK (ends_at > starts_at),
  CHECK (signup_deadline <= ends_at)
);
CREATE INDEX events_upcoming_idx ON events (starts_at) WHERE status = 'published';
CREATE INDEX events_station_idx ON events (station_id, starts_at);
CREATE INDEX events_school_idx ON events (school_id, starts_at);
CREATE INDEX events_region_idx ON events (region_id, starts_at);

-- One row per guardian per event while active; a cancelled or expired row stays for the record.
-- Seats taken = 1 + companion for 'confirmed' and 'offered' rows.
CREATE TABLE event_signups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Arrival order: the waitlist is served by it (timestamps can tie in a rush).
  seq bigserial NOT NULL,
  event_id uuid NOT NULL REFERENCES events (id),
  user_id uuid NOT NULL REFERENCES users (id),
  companion boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'offered', 'cancelled', 'expired')),
  ticket_code text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  waitlisted_at timestamptz,
  offered_at timestamptz,
  offer_expires_at timestamptz,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  checked_in_at timestamptz,
  checked_in_by uuid REFERENCES users (id),
  checkin_method text CHECK (checkin_method IN ('ticket', 'session_code'))
);
CREATE UNIQUE INDEX event_signups_active_uniq ON event_signups (event_id, user_id) WHERE status IN ('confirmed', 'waitlisted', 'offered');
CREATE INDEX event_signups_user_idx ON event_signups (user_id, created_at);
CREATE INDEX event_signups_queue_idx ON event_signups (event_id, status, seq);
CREATE INDEX event_signups_offer_idx ON event_signups (offer_expires_at) WHERE status = 'offered';

-- What staff attach after a session for a 妇联 audit: agenda, photos, the sign-in sheet.
CREATE TABLE event_evidence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL REFERENCES events (id),
  kind text NOT NULL CHECK (kind IN ('agenda', 'photo', 'signin_sheet')),
  filename text NOT NULL,
  mime text NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  content bytea NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_evidence_event_idx ON event_evidence (event_id, created_at);

-- WeChat one-time subscribe messages: each 'accept' of a template allows one message of it.
CREATE TABLE message_grants (
  id bigserial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  template text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);
CREATE INDEX message_grants_open_idx ON message_grants (user_id, template) WHERE used_at IS NULL;

-- Messages to WeChat, sent and retried by the jobs. The payload holds neutral display values only.
CREATE TABLE outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  template text NOT NULL,
  page text NOT NULL,
  payload jsonb NOT NULL,
  dedupe_key text NOT NULL UNIQUE,
  send_after timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped', 'withdrawn')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (send_after) WHERE status = 'pending';
