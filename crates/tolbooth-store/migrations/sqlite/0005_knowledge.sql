-- The chatbot's knowledge base (BOT-1): the organisation's own pages, each
-- with its passages (a JSON array of {headings, text}), and the
-- alternative phrasings staff add. Public content, not personal data.
-- Instants are milliseconds since the Unix epoch, UTC.

CREATE TABLE kb_pages (
    url TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    service_area TEXT NOT NULL,
    -- The file, folder or sitemap the page was imported from: importing
    -- the same root again removes the pages it no longer holds.
    import_root TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    passages TEXT NOT NULL,
    passage_count INTEGER NOT NULL,
    imported_at INTEGER NOT NULL
);
CREATE INDEX kb_pages_by_root ON kb_pages (import_root);

CREATE TABLE kb_phrasings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    page_url TEXT NOT NULL REFERENCES kb_pages (url) ON DELETE CASCADE,
    text TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE INDEX kb_phrasings_by_page ON kb_phrasings (page_url);
