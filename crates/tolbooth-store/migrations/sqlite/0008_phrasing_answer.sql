-- A staff phrasing may be for one answer on a page (an FAQ answer, named
-- by its heading) rather than the whole page (BOT-1). NULL: the page.

ALTER TABLE kb_phrasings ADD COLUMN heading TEXT;
