-- Handwritten signatures (seed 003 §7): drawn on the phone or photographed, cleaned, then
-- reviewed. The review queue held organisations' items only; a person's signature has no
-- organisation, so a review's organisation becomes optional.
ALTER TABLE reviews ALTER COLUMN org_id DROP NOT NULL;

-- A handwritten signature's states: draft → pending_review → active | rejected (reason),
-- void with its certificate or when replaced.
ALTER TABLE signatures ADD COLUMN reject_reason TEXT;
