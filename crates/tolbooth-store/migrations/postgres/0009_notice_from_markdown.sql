-- An adopted version's notice is kept once, as the Markdown it was
-- published in; the pages render HTML from it through their templates.

ALTER TABLE policy_versions DROP COLUMN notice_html;
