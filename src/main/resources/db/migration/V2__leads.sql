-- Leads, their agents and assignment history, ingest tokens of rotations, and idempotency keys.

CREATE TABLE group_token (
  id          bigint      PRIMARY KEY DEFAULT nextval('entity_id_seq'),
  account_id  text        NOT NULL,
  rotation_id bigint      NOT NULL,
  name        text        NOT NULL,
  -- SHA-256 of the secret: the secret itself is shown once and never stored
  token_hash  bytea       NOT NULL UNIQUE,
  prefix      text        NOT NULL,
  created_at  timestamptz NOT NULL,
  created_by  text        NOT NULL,
  revoked_at  timestamptz,
  revoked_by  text
);
CREATE INDEX group_token_rotation_idx ON group_token (account_id, rotation_id, id);

CREATE TABLE lead (
  id               bigint      PRIMARY KEY DEFAULT nextval('entity_id_seq'),
  account_id       text        NOT NULL,
  rotation_id      bigint      NOT NULL,
  sequence         bigint      NOT NULL,
  owner_user_id    bigint      NOT NULL,
  owner            text        NOT NULL,
  fields           jsonb       NOT NULL,
  -- current agents, primary first: [{userId, email, name, roles, primary, assignedAt}]
  agents           jsonb       NOT NULL,
  created_at       timestamptz NOT NULL,
  created_by       text        NOT NULL,
  updated_at       timestamptz NOT NULL,
  last_modified_by text        NOT NULL,
  version          bigint      NOT NULL DEFAULT 1
);
CREATE INDEX lead_account_idx ON lead (account_id, id DESC);
CREATE INDEX lead_account_owner_idx ON lead (account_id, owner_user_id, id DESC);
CREATE INDEX lead_account_rotation_idx ON lead (account_id, rotation_id, id DESC);
CREATE INDEX lead_account_created_idx ON lead (account_id, created_at);

CREATE TABLE lead_event (
  lead_id  bigint      NOT NULL REFERENCES lead (id) ON DELETE CASCADE,
  seq      bigserial   NOT NULL,
  at       timestamptz NOT NULL,
  kind     text        NOT NULL,
  from_agents jsonb    NOT NULL,
  to_agents   jsonb    NOT NULL,
  by_caller text       NOT NULL,
  PRIMARY KEY (lead_id, seq)
);

CREATE TABLE idempotency_key (
  account_id   text        NOT NULL,
  scope        text        NOT NULL,
  key          text        NOT NULL,
  request_hash text        NOT NULL,
  status       int,
  body         text,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (account_id, scope, key)
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
