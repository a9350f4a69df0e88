-- The end of an event's last session, as far as the check-in path needs to
-- know: a one-off event's end; a weekly class's last day (until_ms, 00:00
-- of that day) plus two days and the class's length; a weekly class with no
-- last day never ends. Store.EventsBetween seeks it, and filters on the
-- first start in the index, to read only the events that can be open,
-- whatever the years of events behind them; the expression must stay the
-- same as eventsLastEnd in events.go.
CREATE INDEX events_last_end ON events(
	CASE WHEN weekly = 0 THEN end_ms
		WHEN until_ms = 0 THEN 9223372036854775807
		ELSE until_ms + 172800000 + (end_ms - start_ms) END,
	start_ms
) WHERE cancelled = 0;
