-- People who can take a lead: availability of users, settings and caps of rotations and their members,
-- the durable pick ledger (cap counts, owed turns) and why each pick passed others over.
-- Every column has a default (or is nullable), so existing rows keep their meaning.

-- users: availability (read by the directory adapters)
ALTER TABLE app_user ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
-- {"mon":[["09:00","17:30"]], ...} in time_zone; null = always available
ALTER TABLE app_user ADD COLUMN working_hours jsonb;
ALTER TABLE app_user ADD COLUMN away_until timestamptz;

-- rotations: settings
ALTER TABLE rotation ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE rotation ADD COLUMN catch_up boolean NOT NULL DEFAULT false;
-- at most one of the two is set
ALTER TABLE rotation ADD COLUMN fallback_rotation_id bigint;
ALTER TABLE rotation ADD COLUMN fallback_user_id bigint;
ALTER TABLE rotation ADD COLUMN follows_team boolean NOT NULL DEFAULT false;
-- cap counts and owed turns; written by the write-behind flush together with position and sequence
-- (same sequence guard), null = empty
ALTER TABLE rotation ADD COLUMN ledger jsonb;

-- members: per-rotation settings (null cap = unlimited)
ALTER TABLE rotation_member ADD COLUMN paused boolean NOT NULL DEFAULT false;
ALTER TABLE rotation_member ADD COLUMN cap_hour int CHECK (cap_hour >= 1);
ALTER TABLE rotation_member ADD COLUMN cap_day int CHECK (cap_day >= 1);
ALTER TABLE rotation_member ADD COLUMN cap_week int CHECK (cap_week >= 1);

-- assignment log: [{"userId":7,"reason":"away"}] passed over by the pick (null = none), whether it repaid
-- an owed turn, and for a fallback pick the rotation that had nobody eligible
ALTER TABLE assignment ADD COLUMN skipped jsonb;
ALTER TABLE assignment ADD COLUMN repayment boolean NOT NULL DEFAULT false;
ALTER TABLE assignment ADD COLUMN fallback_from bigint;
-- a rotation's history lists the picks other rotations made as its fallback
CREATE INDEX assignment_fallback_idx ON assignment (fallback_from, picked_at) WHERE fallback_from IS NOT NULL;
