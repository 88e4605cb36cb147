-- Lead Router schema, version 1.
-- Ids of rotations, teams and users come from one shared sequence (as in InMemoryStore): an id names one
-- entity of one kind, so a user id mistaken for a team id finds nothing instead of the wrong row.
-- Member user ids and rotation team ids carry no foreign keys on purpose: the store checks references
-- where the contract says so (deleteUser, deleteTeam) and otherwise stores what the owner gives it,
-- exactly like the in-memory store.

CREATE SEQUENCE entity_id_seq;

CREATE TABLE app_user (
  id          bigint      PRIMARY KEY DEFAULT nextval('entity_id_seq'),
  account_id  text        NOT NULL,
  email       text        NOT NULL,
  name        text        NOT NULL,
  roles       text[]      NOT NULL DEFAULT '{}',
  active      boolean     NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  created_by  text,
  updated_by  text
);
-- one user per email and account, case-insensitive
CREATE UNIQUE INDEX app_user_account_email_uq ON app_user (account_id, lower(email));
CREATE INDEX app_user_account_idx ON app_user (account_id, id);

CREATE TABLE team (
  id          bigint      PRIMARY KEY DEFAULT nextval('entity_id_seq'),
  account_id  text        NOT NULL,
  name        text,
  active      boolean     NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  created_by  text,
  updated_by  text
);
CREATE INDEX team_account_idx ON team (account_id, id);

-- email and name are the directory user's at the time the team was last written (as in InMemoryStore)
CREATE TABLE team_member (
  team_id  bigint NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  ord      int    NOT NULL,
  user_id  bigint NOT NULL,
  email    text   NOT NULL,
  name     text,
  PRIMARY KEY (team_id, ord)
);
CREATE INDEX team_member_user_idx ON team_member (user_id);

CREATE TABLE rotation (
  id                bigint      PRIMARY KEY DEFAULT nextval('entity_id_seq'),
  account_id        text        NOT NULL,
  name              text,
  status            text        NOT NULL CHECK (status IN ('active', 'archived', 'queued')),
  team_id           bigint,
  position          int         NOT NULL DEFAULT 0,
  -- number of the last pick written; only ever raised by flushes
  sequence          bigint      NOT NULL DEFAULT 0,
  -- highest sequence number reserved by an owner (hi/lo); a new owner starts above it
  sequence_ceiling  bigint      NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  created_by        text,
  updated_by        text
);
CREATE INDEX rotation_account_status_idx ON rotation (account_id, status, id);
CREATE INDEX rotation_account_team_idx ON rotation (account_id, team_id, id);
CREATE INDEX rotation_account_idx ON rotation (account_id, id);

-- members in list order: ord is the index in the rotation's member list, which fixes the schedule
CREATE TABLE rotation_member (
  rotation_id  bigint NOT NULL REFERENCES rotation (id) ON DELETE CASCADE,
  ord          int    NOT NULL,
  user_id      bigint NOT NULL,
  email        text   NOT NULL,
  name         text,
  weight       int    NOT NULL CHECK (weight BETWEEN 1 AND 10),
  PRIMARY KEY (rotation_id, ord)
);
CREATE INDEX rotation_member_user_idx ON rotation_member (user_id);

-- The assignment log. No foreign key to rotation: the history outlives a deleted rotation, and the hot
-- insert path should not pay for a lookup per row. The primary key makes a retried flush a no-op.
CREATE TABLE assignment (
  rotation_id  bigint      NOT NULL,
  account_id   text        NOT NULL,
  sequence     bigint      NOT NULL,
  user_id      bigint      NOT NULL,
  email        text        NOT NULL,
  position     int         NOT NULL,
  picked_at    timestamptz NOT NULL,
  request_id   text,
  node         text,
  PRIMARY KEY (rotation_id, sequence)
);
CREATE INDEX assignment_rotation_picked_idx ON assignment (rotation_id, picked_at);
CREATE INDEX assignment_rotation_user_idx ON assignment (rotation_id, user_id, picked_at);
