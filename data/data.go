// Package data holds Civic Kiosk's domain types and rules: sites of a New Era
// Civilization Practice Centre, events and their sessions, the honour wall,
// volunteer teams, visitors, passes and check-ins.
//
// It imports no Fyne and no SQL driver. Adapters live in sub-packages, one per
// technology or concern (sqlite, pass, scan, content, export).
//
// All instants are int64 milliseconds since the Unix epoch, UTC ("…MS" fields).
// Calendar questions (which day, which week) are answered in the centre's time
// zone, passed in as a *time.Location.
package data

import (
	"time"
	_ "time/tzdata" // zone data for machines without /usr/share/zoneinfo
)

// DefaultZone is the centre's time zone when none is configured.
const DefaultZone = "Asia/Shanghai"

// SiteLevel is a level of the four-level structure
// 区中心 → 街乡所 → 村居站 → 文明单位点.
type SiteLevel int

// The four levels, from the district centre down.
const (
	LevelCentre    SiteLevel = 1 // 区中心: district centre
	LevelInstitute SiteLevel = 2 // 街乡所: street/township institute
	LevelStation   SiteLevel = 3 // 村居站: village/community station
	LevelPoint     SiteLevel = 4 // 文明单位点: civilised-unit point
)

// Valid reports whether l is one of the four levels.
func (l SiteLevel) Valid() bool { return l >= LevelCentre && l <= LevelPoint }

// Site is a place in the centre's structure. ParentID is empty only for the
// district centre.
type Site struct {
	ID       string
	ParentID string
	Level    SiteLevel
	Name     string
	Address  string
}

// Event is a one-off event or a weekly class held at a site.
//
// StartMS/EndMS are the first session (UTC ms). A weekly event repeats at the
// same local wall-clock time every 7 days in the centre's zone, up to and
// including the day of UntilMS (0 = no end).
type Event struct {
	ID          string
	SiteID      string
	Title       string
	Category    string // e.g. 理论宣讲, 文化服务, 科普, 法治, 健身, 志愿服务
	Place       string
	Organiser   string
	Partners    string
	Description string
	StartMS     int64
	EndMS       int64
	Weekly      bool
	UntilMS     int64
	Capacity    int // 0 = no limit
	Cancelled   bool
}

// Session is one occurrence of an event: the single session of a one-off
// event, or one week's class of a weekly event. StartMS/EndMS are UTC ms.
type Session struct {
	Event   Event
	StartMS int64
	EndMS   int64
}

// Sessions returns the sessions of e that overlap [fromMS, toMS), in start
// order. Weekly repetition is computed on the calendar of loc, so a class at
// 09:00 stays at 09:00 local time whatever the zone's offset changes.
// A cancelled event has no sessions.
func (e Event) Sessions(fromMS, toMS int64, loc *time.Location) []Session {
	if e.Cancelled || e.EndMS <= e.StartMS {
		return nil
	}
	dur := e.EndMS - e.StartMS
	if !e.Weekly {
		if e.EndMS > fromMS && e.StartMS < toMS {
			return []Session{{Event: e, StartMS: e.StartMS, EndMS: e.EndMS}}
		}
		return nil
	}
	first := time.UnixMilli(e.StartMS).In(loc)
	var last time.Time
	if e.UntilMS != 0 {
		u := time.UnixMilli(e.UntilMS).In(loc)
		last = time.Date(u.Year(), u.Month(), u.Day(), 23, 59, 59, 0, loc)
	}
	// Skip whole weeks that end before fromMS.
	weeks := 0
	if gap := fromMS - dur - e.StartMS; gap > 0 {
		weeks = int(gap/(7*24*3600*1000)) - 1
		if weeks < 0 {
			weeks = 0
		}
	}
	var out []Session
	for ; ; weeks++ {
		start := first.AddDate(0, 0, 7*weeks)
		if !last.IsZero() && start.After(last) {
			break
		}
		s := start.UnixMilli()
		if s >= toMS {
			break
		}
		if s+dur > fromMS {
			out = append(out, Session{Event: e, StartMS: s, EndMS: s + dur})
		}
	}
	return out
}

// HonourEntry is a person on the honour wall (道德模范, 中国好人, 身边好人).
type HonourEntry struct {
	ID        string
	SiteID    string
	Name      string
	Title     string // e.g. 全国道德模范, 中国好人, 身边好人
	Story     string
	Community string
	Photo     []byte // PNG or JPEG; nil means a generated avatar is shown
	Hidden    bool
	Sort      int // lower first
}

// Team kinds, the centre's three kinds of volunteer team.
const (
	TeamParty        = "党群"
	TeamProfessional = "专业"
	TeamSocial       = "社会"
)

// Team is a volunteer service team.
type Team struct {
	ID          string
	SiteID      string
	Name        string
	Kind        string // TeamParty, TeamProfessional or TeamSocial
	Community   string
	Description string
	Members     int
}

// TeamMember records that a visitor belongs to a volunteer team. A visitor
// may belong to several teams.
type TeamMember struct {
	TeamID    string
	VisitorID string
	AddedMS   int64 // when the membership was first recorded, UTC ms
}

// Centre describes the centre as a whole for the "about" screen.
type Centre struct {
	Name     string
	Model    string   // e.g. "12345678+N"
	Summary  string   // a paragraph about the centre
	Rooms    []string // e.g. 文化馆, 图书馆
	Mottoes  []string // principles such as 五最 and 六讲六传
	Facts    []string // short facts shown as highlights
	Services []string // regular services such as the elder canteen
}
