-- What is captured with each enquiry (LC-2), the flags operators raise
-- (LC-5), and the canned responses supervisors keep (LC-4). Instants are
-- milliseconds since the Unix epoch, UTC. Visitor details and flags go
-- with their chat when it is deleted.

CREATE TABLE chat_visitors (
    chat_id INTEGER PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    -- The name the visitor gave, if any (LC-1: optional).
    visitor_name TEXT,
    -- From the socket, or from a trusted proxy's X-Forwarded-For.
    ip_address TEXT,
    -- Parsed from the user agent; the raw string is not kept.
    browser TEXT,
    operating_system TEXT,
    device TEXT,
    -- Scheme, host and path only: queries and fragments can hold personal
    -- data and are dropped before storage.
    referrer TEXT,
    launch_url TEXT,
    pages_visited INTEGER,
    seconds_on_site INTEGER,
    -- Town and country from the operator's GeoIP database, when configured.
    location TEXT,
    -- SHA-256 of the widget's random first-party visitor id: links a
    -- visitor's chats while they are held.
    visitor_key TEXT
);

CREATE INDEX chat_visitors_by_key ON chat_visitors (visitor_key);

CREATE TABLE chat_flags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('offensive', 'security_concern', 'safeguarding', 'possible_offence')),
    flagged_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    flagged_by_name TEXT NOT NULL,
    flagged_at INTEGER NOT NULL,
    UNIQUE (chat_id, reason)
);

CREATE TABLE canned_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL
);
