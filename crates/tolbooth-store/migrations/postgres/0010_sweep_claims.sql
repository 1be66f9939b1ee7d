-- A sweep claims the batch of chats it works on until this time (Unix
-- milliseconds), so that a second sweep, on another node, takes other
-- chats instead of the same ones. NULL: not claimed. A claim left by a
-- node that died expires by itself.

ALTER TABLE chats ADD COLUMN sweep_claimed_until BIGINT;
