-- bench/baseline.sql - peer baseline (a): the benchmark's scoring rules as
-- plain SQL over leadq's own SQLite tables, the scheduled query an
-- in-house team would write. It computes every lead's score at :now into
-- the table baseline_scores (lead_id, score, grade).
--
-- Parameters (sqlite3 CLI: .parameter set NAME VALUE), in milliseconds and
-- points, so that one query serves bench/model.yaml and bench/model2.yaml:
--   :now  :hl (half-life)  :pp :pmax (pricing page)  :dp :dmax (ebook)
--   :wexp (webinar expiry)
-- The rules (bench/model.yaml): fit on account size, industry, Salesforce,
-- seniority, free mail (-30), procurement title (-20); channel referral
-- (+10); engagement per rule min(cap, sum of points * 2^(-age/half-life)).
-- Events are read from events_main, where imports write (the view events
-- adds the server's recent events, and its UNION ALL would make SQLite
-- sort every event for the GROUP BY); the harness compares every lead's
-- score with leadq's, so an event missed here would show.
DROP TABLE IF EXISTS baseline_scores;
CREATE TABLE baseline_scores AS
WITH fit AS (
  SELECT l.id AS lead_id,
    (CASE WHEN a.employees BETWEEN 50 AND 750 THEN 20 ELSE 0 END)
    + (CASE WHEN lower(a.industry) IN ('software', 'saas', 'internet') THEN 15 ELSE 0 END)
    + (CASE WHEN EXISTS (SELECT 1 FROM json_each(a.tech)
                         WHERE lower(json_each.value) = 'salesforce') THEN 10 ELSE 0 END)
    + (CASE WHEN lower(l.seniority) IN ('vp', 'c_level', 'director') THEN 15 ELSE 0 END)
    + (CASE WHEN lower(l.email_domain) IN ('gmail.com', 'yahoo.com', 'hotmail.com',
                                           'outlook.com', 'aol.com') THEN -30 ELSE 0 END)
    + (CASE WHEN l.title LIKE '%procurement%' OR l.title LIKE '%purchasing%'
            THEN -20 ELSE 0 END) AS fit,
    (CASE WHEN lower(l.source) = 'referral' THEN 10 ELSE 0 END) AS channel
  FROM leads l LEFT JOIN accounts a ON a.id = l.account_id
),
eng AS (
  SELECT lead_id,
    min(:pmax, total(CASE WHEN type = 'page_view'
                            AND instr(lower(json_extract(props, '$.url')), '/pricing') > 0
                          THEN :pp * pow(2, -(:now - at) * 1.0 / :hl) END))
    + min(10, total(CASE WHEN type = 'page_view'
                         THEN 1 * pow(2, -(:now - at) * 1.0 / :hl) END))
    + min(:dmax, total(CASE WHEN type = 'content_download'
                            THEN :dp * pow(2, -(:now - at) * 1.0 / :hl) END))
    + min(10, total(CASE WHEN type = 'email_click'
                         THEN 2 * pow(2, -(:now - at) * 1.0 / :hl) END))
    + total(CASE WHEN type = 'webinar_attended' AND :now - at < :wexp
                 THEN 15 * pow(2, -(:now - at) * 1.0 / :hl) END)
    + total(CASE WHEN type = 'demo_request'
                 THEN 40 * pow(2, -(:now - at) * 1.0 / :hl) END)
    + total(CASE WHEN type = 'contact_sales'
                 THEN 40 * pow(2, -(:now - at) * 1.0 / :hl) END) AS engagement
  FROM events_main GROUP BY lead_id   -- the clustered table, grouped in
                                       -- its order; the bench's events are
                                       -- all there (imported, no server)
)
SELECT f.lead_id,
  f.fit + f.channel + coalesce(e.engagement, 0) AS score,
  CASE WHEN f.fit >= 50 THEN 'A' WHEN f.fit >= 30 THEN 'B'
       WHEN f.fit >= 15 THEN 'C' WHEN f.fit >= 0 THEN 'D' ELSE 'F' END AS grade
FROM fit f LEFT JOIN eng e ON e.lead_id = f.lead_id;
