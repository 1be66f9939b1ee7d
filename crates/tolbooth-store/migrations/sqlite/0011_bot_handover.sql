-- BOT-3: whether the visitor asked for a person after this question, so
-- that the dashboard can count the chatbot's hand-overs. 0 or 1.

ALTER TABLE bot_questions ADD COLUMN handed_over INTEGER NOT NULL DEFAULT 0;
