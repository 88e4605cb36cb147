-- Idempotency claims that outlive a crash of their claimant, one lead per pick, and what the retention
-- purge needs.

-- A claim is held by claim_token (random per claim, replaced when a retry takes the claim over, so a
-- claimant that lost its claim writes nothing) and kept alive by lease_until, which its claimant renews
-- while the request runs. node names the claimant, so that a node starting again frees the claims its
-- previous process left behind. All three are null while nobody runs the request (keys claimed before this
-- version included: their claimants are gone). pick is the pick made for the key, recorded before the
-- request writes anything else, so that a retry finishes with it instead of picking again.
ALTER TABLE idempotency_key
  ADD COLUMN node        text,
  ADD COLUMN claim_token text,
  ADD COLUMN lease_until timestamptz,
  ADD COLUMN pick        jsonb;

-- A pick's sequence is never handed out twice, and a lead is stored for one pick only: a retry that finds
-- the lead of its pick stored already answers with it instead of storing it again.
CREATE UNIQUE INDEX lead_rotation_sequence_uq ON lead (rotation_id, sequence);

-- The purge deletes by age. Both tables are appended in time order, where a BRIN index is tiny, costs the
-- hot insert path next to nothing, and still finds the oldest rows without reading the whole table.
CREATE INDEX assignment_picked_brin ON assignment USING brin (picked_at);
CREATE INDEX lead_event_at_brin ON lead_event USING brin (at);
