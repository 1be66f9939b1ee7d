-- Policy and retention (RET-1..RET-5, RED-5, GOV-1): the versions of the
-- policy and its notice, what is extracted from chats before they are
-- deleted, legal holds, disclosures, staff edits of transcripts, and the
-- record of every sweep. Instants are milliseconds since the Unix epoch,
-- UTC.

-- Every policy Tolbooth has run under, with the notice it generated
-- (GOV-1: earlier versions stay readable).
CREATE TABLE policy_versions (
    version INTEGER PRIMARY KEY,
    policy_sha256 TEXT NOT NULL,
    adopted_at INTEGER NOT NULL,
    policy_text TEXT NOT NULL,
    notice_markdown TEXT NOT NULL,
    notice_html TEXT NOT NULL
);

-- RET-3: what is kept of a chat after its live record is deleted. Never an
-- IP address. `chat_id` is the deleted chat's internal number: it makes an
-- extraction happen once however often a sweep is rerun.
CREATE TABLE chat_extracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL UNIQUE,
    -- NULL once anonymised.
    chat_ref TEXT UNIQUE,
    operator_name TEXT,
    requested_at INTEGER NOT NULL,
    accepted_at INTEGER,
    ended_at INTEGER NOT NULL,
    chat_seconds INTEGER,
    question TEXT,
    browser TEXT,
    referrer TEXT,
    launch_url TEXT,
    pages_visited INTEGER,
    seconds_on_site INTEGER,
    -- JSON: [{"seq", "sender", "at", "text"}], redacted and as edited.
    content TEXT,
    ended_by TEXT CHECK (ended_by IN ('operator', 'visitor', 'inactivity')),
    edited_by_staff INTEGER NOT NULL DEFAULT 0,
    extracted_at INTEGER NOT NULL,
    anonymised_at INTEGER
);

CREATE INDEX chat_extracts_by_end ON chat_extracts (ended_at);

-- Statistics kept when chats are extracted or deleted: counts and sums
-- only, per day the chat was requested.
CREATE TABLE chat_statistics (
    day TEXT PRIMARY KEY,
    chats INTEGER NOT NULL,
    messages INTEGER NOT NULL,
    wait_seconds INTEGER NOT NULL,
    chat_seconds INTEGER NOT NULL,
    ended_by_operator INTEGER NOT NULL,
    ended_by_visitor INTEGER NOT NULL,
    ended_by_inactivity INTEGER NOT NULL
);

-- RET-4: a held chat is kept in full and skipped by every sweep. A release
-- is asked for by one governance officer and confirmed by another.
CREATE TABLE legal_holds (
    chat_id INTEGER PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    placed_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    placed_by_name TEXT NOT NULL,
    placed_at INTEGER NOT NULL,
    release_requested_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    release_requested_by_name TEXT,
    release_requested_at INTEGER,
    release_reason TEXT
);

-- Set when a hold is released: the chat is due at once.
ALTER TABLE chats ADD COLUMN hold_released_at INTEGER;

CREATE INDEX chats_by_end ON chats (state, ended_at);

-- RET-4: every disclosure, who made it, to whom and why.
CREATE TABLE disclosures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_ref TEXT NOT NULL,
    recipient TEXT NOT NULL,
    lawful_basis TEXT NOT NULL,
    disclosed_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    disclosed_by_name TEXT NOT NULL,
    disclosed_at INTEGER NOT NULL,
    -- SHA-256 of the package handed over.
    package_sha256 TEXT NOT NULL
);

-- RED-5: a transcript as edited by staff before it is extracted.
CREATE TABLE transcript_edits (
    chat_id INTEGER PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    -- JSON, as chat_extracts.content.
    content TEXT NOT NULL,
    edited_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    edited_by_name TEXT NOT NULL,
    edited_at INTEGER NOT NULL
);

-- RET-5: every sweep, with counts and never content.
CREATE TABLE retention_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    dry_run INTEGER NOT NULL,
    forced INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('running', 'completed', 'refused', 'failed')),
    -- JSON object of counts per step.
    counts TEXT NOT NULL
);
