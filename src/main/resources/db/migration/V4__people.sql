-- Availability of directory users (issue 12). The rotation side adds its own columns to this file too.
ALTER TABLE app_user ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
ALTER TABLE app_user ADD COLUMN working_hours jsonb;
ALTER TABLE app_user ADD COLUMN away_until timestamptz;
