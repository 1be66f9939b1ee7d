-- The chatbot's questions (BOT-4, BOT-5), kept only when the policy has a
-- chatbot_question category and for as long as it says: the question as
-- asked, the question through the redaction engine (all that reports
-- show), the service area, the outcome and the visitor's feedback. The id
-- is a random handle the widget uses for feedback. Instants are
-- milliseconds since the Unix epoch, UTC; flags are 0 or 1.

CREATE TABLE bot_questions (
    id TEXT PRIMARY KEY,
    asked_at BIGINT NOT NULL,
    question TEXT,
    redacted TEXT,
    service_area TEXT,
    answered BIGINT NOT NULL,
    reason TEXT,
    page_url TEXT,
    helpful BIGINT
);
CREATE INDEX bot_questions_by_time ON bot_questions (asked_at);
