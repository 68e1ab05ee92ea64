-- 018: the open / close dates of regions (issue 15), like those of schools and stations (011). A region is closed only
-- once nothing under it is open at its close date (checked by the registry service), and a closed region takes no new
-- regions, schools or stations. Reports are unchanged: a closed region's past figures stay as they were counted.
ALTER TABLE regions ADD COLUMN opened_on date, ADD COLUMN closed_on date,
  ADD CONSTRAINT regions_open_dates_chk CHECK (opened_on IS NULL OR closed_on IS NULL OR closed_on >= opened_on);
