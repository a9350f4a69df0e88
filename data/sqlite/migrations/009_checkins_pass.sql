-- The highest pass number of a key seen on check-in records, read when a
-- pass is issued (insertPass), is an index lookup rather than a table scan.
CREATE INDEX checkins_pass ON checkins(pass_key_id, pass_no);
