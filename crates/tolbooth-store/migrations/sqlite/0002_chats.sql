-- Live chat (LC-3, LC-6): enquiries, their messages, and the counts kept
-- of enquiries that are not held. Instants are milliseconds since the Unix
-- epoch, UTC.

CREATE TABLE chats (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The visitor's reference, TB-XXXX-XXXX.
    chat_ref TEXT NOT NULL UNIQUE,
    -- SHA-256 of the visitor's chat token; the token itself is never kept.
    visitor_token_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('requested', 'accepted', 'ended', 'rejected', 'abandoned')),
    operator_staff_id INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    -- The operator's name as the visitor saw it.
    operator_name TEXT,
    requested_at INTEGER NOT NULL,
    accepted_at INTEGER,
    ended_at INTEGER,
    ended_by TEXT CHECK (ended_by IN ('operator', 'visitor', 'inactivity')),
    -- The sequence number of the chat's last message.
    last_seq INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX chats_by_state ON chats (state, requested_at);

CREATE TABLE chat_messages (
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    sender TEXT NOT NULL CHECK (sender IN ('visitor', 'operator', 'system')),
    sender_staff_id INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    -- The sending client's id for the message: a resend is stored once.
    client_id TEXT,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, seq)
);

CREATE UNIQUE INDEX chat_messages_by_client_id ON chat_messages (chat_id, sender, client_id);

-- Rejected and abandoned enquiries are deleted at once; only these counts
-- remain (LC-6).
CREATE TABLE enquiry_counts (
    day TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('rejected', 'abandoned')),
    total INTEGER NOT NULL,
    PRIMARY KEY (day, outcome)
);
