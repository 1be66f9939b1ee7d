-- Sentence embedding vectors for the chatbot's dense retrieval (BOT-1):
-- one per knowledge base text (a page title, a passage, a staff phrasing)
-- and model, computed once and kept so that a restart does not embed the
-- whole knowledge base again. Keyed by the SHA-256 of the text; public
-- content, not personal data. The vector is its little-endian 32-bit
-- floats in hex.

CREATE TABLE kb_vectors (
    model TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    vector TEXT NOT NULL,
    PRIMARY KEY (model, text_sha256)
);
