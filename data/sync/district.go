package sync

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
)

// DistrictFilter selects the records of the district export. Zero fields do
// not filter.
type DistrictFilter struct {
	// FromMS and ToMS bound the record's estimated true time (HubRecord.TrueMS):
	// [FromMS, ToMS), UTC ms.
	FromMS, ToMS int64
	// SiteID keeps the records uploaded by kiosks standing at this site or
	// at any site under it in the hub's content (a street's communities).
	SiteID string
	// AcceptedOnly keeps accepted check-ins and check-outs, dropping
	// refused scans.
	AcceptedOnly bool
}

// districtNames is the hub's content that records are named by.
type districtNames struct {
	events map[string]data.Event
	sites  map[string]data.Site
}

func loadDistrictNames(ctx context.Context, st Store) (districtNames, error) {
	n := districtNames{events: map[string]data.Event{}, sites: map[string]data.Site{}}
	err := decodeLive(ctx, st, KindEvent, n.events)
	if err == nil {
		err = decodeLive(ctx, st, KindSite, n.sites)
	}
	return n, err
}

// decodeLive decodes the hub's live content of one kind into into, by id.
func decodeLive[T any](ctx context.Context, st Store, kind string, into map[string]T) error {
	cs, err := st.LiveContent(ctx, kind)
	if err != nil {
		return err
	}
	for _, c := range cs {
		var v T
		if err := json.Unmarshal(c.Data, &v); err != nil {
			return fmt.Errorf("%s %s on the hub: %w", kind, c.ID, err)
		}
		into[c.ID] = v
	}
	return nil
}

// under returns id and the ids of the live sites below it.
func (n districtNames) under(id string) map[string]bool { return data.SitesUnder(n.sites, id) }

// VisitorLabel is what the district export writes in the 访客 column: the
// hub holds no phones, names or communities, only the pass ("pass:KEYID:NO")
// or, for a record made without a pass, the registering kiosk's visitor id
// ("visitor:ID"); "" when the record names neither (an unreadable scan).
func VisitorLabel(r Record) string {
	if r.PassKeyID == 0 && r.PassNo == 0 && r.VisitorID == "" {
		return ""
	}
	return r.Subject()
}

// ShownMS is the time the district export shows for r: the kiosk's own
// (WallMS) when the hub's estimate of the true time agrees with it to within
// MaxClockSkewMS, so that a kiosk with a good clock shows the same times in
// its own export and in the hub's; else the estimate (TrueMS), the repaired
// time of a kiosk whose clock was off.
func (r HubRecord) ShownMS() int64 {
	if abs(r.ClockErrorMS) <= MaxClockSkewMS {
		return r.WallMS
	}
	return r.TrueMS
}

// row turns a hub record into a row of the district export.
func (n districtNames) row(r HubRecord) export.AttendanceRow {
	row := export.AttendanceRow{
		CheckIn:     r.CheckIn(),
		Subject:     r.Subject,
		UploadedMS:  r.ReceivedMS,
		Visitor:     VisitorLabel(r.Record),
		DuplicateOf: r.DuplicateOf,
	}
	row.WallMS = r.ShownMS()
	if e, ok := n.events[r.EventID]; ok {
		row.EventTitle, row.EventStartMS, row.EventEndMS = e.Title, e.StartMS, e.EndMS
		row.SiteID, row.SiteName = e.SiteID, n.sites[e.SiteID].Name
	}
	return row
}

// DistrictSource returns the hub's records matching f as rows of the
// attendance log (export.WriteAttendance) and of the hours report
// (export.ComputeHours), in the kiosk export's columns:
//
//   - the date and time are HubRecord.ShownMS: the kiosk's clock when it
//     was right, the hub's estimate of the true time (TrueMS) when it was
//     off by more than MaxClockSkewMS; AttendanceRow.WallMS holds it;
//   - the event and its site are named from the hub's content (empty for
//     an event deleted since, as on a kiosk);
//   - 访客 is VisitorLabel; 姓名 and 所属社区 are empty: visitors are
//     registered on kiosks and their details never leave them;
//   - 上传时间 is when the hub first received the record (hub clock);
//   - a duplicate across kiosks (HubRecord.DuplicateOf) is written as 重复,
//     naming the record it repeats, and ComputeHours does not count it.
//
// Rows come by true time then record id, streamed from the store (FromMS
// and ToMS bound the true time too); the content is read once when the
// source is made.
func DistrictSource(ctx context.Context, st Store, f DistrictFilter) (export.Source, error) {
	n, err := loadDistrictNames(ctx, st)
	if err != nil {
		return nil, err
	}
	hf := Filter{FromMS: f.FromMS, ToMS: f.ToMS, AcceptedOnly: f.AcceptedOnly, WithDuplicates: true}
	var sites map[string]bool
	if f.SiteID != "" {
		if sites = n.under(f.SiteID); len(sites) == 1 {
			hf.SiteID, sites = f.SiteID, nil
		}
	}
	return func(fn func(export.AttendanceRow) error) error {
		return st.EachCheckIn(ctx, hf, func(r HubRecord) error {
			if sites != nil && !sites[r.SiteID] {
				return nil
			}
			return fn(n.row(r))
		})
	}, nil
}
