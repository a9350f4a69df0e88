// Package content reads a centre content file: the YAML file in which centre
// staff describe their New Era Civilization Practice Centre (the centre
// itself, its sites, events and weekly classes, honour wall and volunteer
// teams). The format is described in docs/content-format.md.
//
// Parse checks the whole file and either returns all of it, converted to the
// domain types of package data, or rejects all of it with every problem
// found, each with its line number.
package content

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // photo formats accepted on the honour wall
	_ "image/png"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data"
	"go.yaml.in/yaml/v3"
)

// MaxPhotoBytes is the largest honour-wall photo a content file may refer
// to, in bytes.
const MaxPhotoBytes = 8 << 20

// MaxIDLength is the longest id allowed, in bytes.
const MaxIDLength = 64

// File is the content of one centre content file, converted to the domain
// types. Every slice keeps the order of the file. Instants are UTC ms.
type File struct {
	// Zone is the IANA time zone the file names with its zone key, or ""
	// when it names none; its dates and times are then read in Options.Zone.
	Zone string
	// Centre is the "about the centre" description; zero when the file has
	// no centre section (an import of events only, say).
	Centre data.Centre
	// Sites are the sites of the file; ParentID refers to a site of the file
	// or to one of Options.KnownSites.
	Sites []data.Site
	// Events are one-off events and weekly classes. StartMS/EndMS are the
	// first session, UTC ms, computed in Zone; for a weekly class UntilMS is
	// 00:00 (in Zone) of its last day, 0 when it has none.
	Events []data.Event
	// Honour are the honour-wall entries, hidden ones included; Photo holds
	// the bytes of a PNG or JPEG file, nil when the entry has none.
	Honour []data.HonourEntry
	// Teams are the volunteer teams; Kind is data.TeamParty,
	// data.TeamProfessional or data.TeamSocial, Members 0 when not given.
	Teams []data.Team
}

// Options tell Parse about its surroundings.
type Options struct {
	// Now is the load time; relative days (today, today+3) and the default
	// start of weekly classes are its calendar day in the file's zone. Zero
	// means time.Now().
	Now time.Time
	// Dir is the folder holding the content file, against which honour-wall
	// photo paths are read. nil means photos are not allowed: an entry with a
	// photo is a problem.
	Dir fs.FS
	// KnownSites are ids of sites that already exist outside the file (for
	// an import into a running kiosk); sites, events, honour entries and
	// teams of the file may refer to them as well as to the file's own sites.
	KnownSites map[string]bool
	// Zone is the zone for a file that names none: the centre's current zone
	// for an import into a running kiosk. nil means data.DefaultZone.
	Zone *time.Location
}

// Keys accepted in each part of the file.
var (
	topKeys    = []string{"centre", "zone", "sites", "events", "honour", "teams"}
	centreKeys = []string{"name", "model", "summary", "rooms", "mottoes", "facts", "services"}
	siteKeys   = []string{"id", "parent", "level", "name", "address"}
	eventKeys  = []string{"id", "site", "title", "category", "place", "organiser", "partners", "description",
		"date", "weekly", "time", "from", "until", "capacity", "cancelled"}
	honourKeys = []string{"id", "site", "name", "title", "story", "community", "photo", "hidden", "sort"}
	teamKeys   = []string{"id", "site", "name", "kind", "community", "description", "members"}
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// levels maps the accepted ways of writing a site level.
var levels = map[string]data.SiteLevel{
	"centre": data.LevelCentre, "区中心": data.LevelCentre, "1": data.LevelCentre,
	"institute": data.LevelInstitute, "街乡所": data.LevelInstitute, "2": data.LevelInstitute,
	"station": data.LevelStation, "村居站": data.LevelStation, "3": data.LevelStation,
	"point": data.LevelPoint, "文明单位点": data.LevelPoint, "4": data.LevelPoint,
}

// levelNames names the levels in messages.
var levelNames = map[data.SiteLevel]Term{
	data.LevelCentre:    TermLevelCentre,
	data.LevelInstitute: TermLevelInst,
	data.LevelStation:   TermLevelStat,
	data.LevelPoint:     TermLevelPoint,
}

// teamKinds maps the accepted ways of writing a team's kind.
var teamKinds = map[string]string{
	data.TeamParty: data.TeamParty, "party": data.TeamParty,
	data.TeamProfessional: data.TeamProfessional, "professional": data.TeamProfessional,
	data.TeamSocial: data.TeamSocial, "social": data.TeamSocial,
}

// parser holds the state of one Parse.
type parser struct {
	opts  Options
	errs  Errors
	loc   *time.Location
	today civil
	file  File
	// siteAt maps each site id of the file to its index in file.Sites.
	siteAt map[string]int
	// siteItems are the site entries, parallel to file.Sites.
	siteItems []*item
	// siteLine, eventIDs, honourIDs and teamIDs map each id of their kind to
	// the line it was first given on.
	siteLine, eventIDs, honourIDs, teamIDs map[string]int
}

// Parse reads a centre content file (YAML, UTF-8) and converts it.
//
// On success it returns the whole file and a nil error. Otherwise it returns
// nil and a *Errors holding every problem found, each with its 1-based
// line: YAML syntax, unknown or repeated keys, missing required fields,
// malformed or repeated ids, references to unknown sites, inconsistent site
// levels, bad dates, times, weekdays, numbers, kinds and photos. The file is
// then to be rejected as a whole.
func Parse(src []byte, opts Options) (*File, error) {
	p := &parser{opts: opts, siteAt: map[string]int{}, siteLine: map[string]int{},
		eventIDs: map[string]int{}, honourIDs: map[string]int{}, teamIDs: map[string]int{}}
	if p.opts.Now.IsZero() {
		p.opts.Now = time.Now()
	}
	root, ok := p.document(src)
	if ok {
		p.parseFile(root)
	}
	if len(p.errs) > 0 {
		p.errs.sortByLine()
		errs := p.errs
		return nil, &errs
	}
	f := p.file
	return &f, nil
}

// document parses src into its single top-level mapping.
func (p *parser) document(src []byte) (*yaml.Node, bool) {
	if prob, ok := checkText(src); !ok {
		p.errs = append(p.errs, prob)
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errs.add(1, "file.empty", nil)
		} else {
			p.errs = append(p.errs, syntaxProblem(src, err))
		}
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		p.errs.add(lineOf(src, "\n---")+1, "file.twoDocs", nil)
		return nil, false
	case !errors.Is(err, io.EOF):
		p.errs = append(p.errs, syntaxProblem(src, err))
		return nil, false
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		p.errs.add(1, "file.empty", nil)
		return nil, false
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.errs.add(root.Line, "file.notMapping", map[string]any{"Keys": strings.Join(topKeys, ", "), "Got": kindName(root)})
		return nil, false
	}
	return root, true
}

// parseFile reads every section; sites first, as the others refer to them.
func (p *parser) parseFile(root *yaml.Node) {
	top := newItem(&p.errs, root, "", 0, topKeys)
	p.zone(top)
	p.today = civilOf(p.opts.Now.In(p.loc))
	if top.has("centre") {
		p.centre(top.vals["centre"])
	}
	p.list(top, "sites", TermSite, siteKeys, p.site)
	p.checkSites()
	p.list(top, "events", TermEvent, eventKeys, p.event)
	p.list(top, "honour", TermHonour, honourKeys, p.honour)
	p.list(top, "teams", TermTeam, teamKeys, p.team)
}

// zone sets the zone the file's dates and times are read in: its zone key,
// else Options.Zone, else data.DefaultZone. File.Zone is set only from the
// key, so importing a file without one never changes the centre's zone.
func (p *parser) zone(top *item) {
	if z := top.str("zone"); z != "" {
		loc, err := time.LoadLocation(z)
		if err == nil && z != "Local" {
			p.file.Zone, p.loc = z, loc
			return
		}
		top.errf(top.lineOf("zone"), "zone.unknown", map[string]any{"Zone": z, "Example": data.DefaultZone})
	}
	if p.opts.Zone != nil {
		p.loc = p.opts.Zone
		return
	}
	loc, err := time.LoadLocation(data.DefaultZone)
	if err != nil { // cannot happen: time/tzdata is linked in by package data
		loc = time.FixedZone("CST", 8*3600)
	}
	p.loc = loc
}

// list reads the section key of the top level as a list of mappings and
// hands each to read.
func (p *parser) list(top *item, key string, kind Term, allowed []string, read func(*item)) {
	v := resolve(top.vals[key])
	if isNull(v) {
		return
	}
	if v.Kind != yaml.SequenceNode {
		top.errf(v.Line, "section.notList", map[string]any{"Key": key, "Got": kindName(v)})
		return
	}
	for i, n := range v.Content {
		n = resolve(n)
		if n.Kind != yaml.MappingNode {
			p.errs.add(n.Line, "entry.notMapping", map[string]any{"Kind": kind, "Index": i + 1, "Got": kindName(n)})
			continue
		}
		read(newItem(&p.errs, n, kind, i+1, allowed))
	}
}

// id reads and checks an item's id, reporting a repeat of one in seen
// (id → line), to which it is then added.
func (p *parser) id(it *item, seen map[string]int) string {
	id := it.required("id")
	if id == "" {
		return ""
	}
	switch {
	case len(id) > MaxIDLength:
		it.errf(it.lineOf("id"), "id.tooLong", map[string]any{"Max": MaxIDLength})
	case !idRE.MatchString(id):
		it.errf(it.lineOf("id"), "id.bad", map[string]any{"ID": id})
	}
	if first, dup := seen[id]; dup {
		it.errf(it.lineOf("id"), "id.twice", map[string]any{"ID": id, "First": first})
	} else {
		seen[id] = it.lineOf("id")
	}
	return id
}

// siteRef reads a required reference to a site of the file or a known site.
func (p *parser) siteRef(it *item, key string) string {
	id := it.required(key)
	if id != "" {
		p.checkRef(it, key, id)
	}
	return id
}

// checkRef reports id when it is neither a site of the file nor known.
func (p *parser) checkRef(it *item, key, id string) bool {
	if _, ok := p.siteAt[id]; ok || p.opts.KnownSites[id] {
		return true
	}
	code := "ref.unknown"
	if len(p.opts.KnownSites) > 0 {
		code = "ref.unknownKnown"
	}
	it.errf(it.lineOf(key), code, map[string]any{"Key": key, "ID": id, "Suggest": suggestID(id, p.siteLine)})
	return false
}

// centre reads the centre section.
func (p *parser) centre(n *yaml.Node) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errs.add(n.Line, "centre.notMapping", map[string]any{"Got": kindName(n)})
		return
	}
	it := newItem(&p.errs, n, TermCentre, 0, centreKeys)
	p.file.Centre = data.Centre{
		Name:     it.required("name"),
		Model:    it.str("model"),
		Summary:  it.str("summary"),
		Rooms:    it.strList("rooms"),
		Mottoes:  it.strList("mottoes"),
		Facts:    it.strList("facts"),
		Services: it.strList("services"),
	}
}

// site reads one site; parents are checked by checkSites once all are read.
func (p *parser) site(it *item) {
	id := p.id(it, p.siteLine)
	s := data.Site{ID: id, ParentID: it.str("parent"), Name: it.required("name"), Address: it.str("address")}
	if lv := it.required("level"); lv != "" {
		if l, ok := levels[strings.ToLower(lv)]; ok {
			s.Level = l
		} else {
			it.errf(it.lineOf("level"), "level.bad", map[string]any{"Value": lv})
		}
	}
	if id != "" {
		if _, dup := p.siteAt[id]; !dup {
			p.siteAt[id] = len(p.file.Sites)
		}
	}
	p.file.Sites = append(p.file.Sites, s)
	p.siteItems = append(p.siteItems, it)
}

// checkSites checks each site's parent: the centre has none, every other
// site has one of a higher level, and there is at most one centre.
func (p *parser) checkSites() {
	centreLine := 0
	for i, s := range p.file.Sites {
		it := p.siteItems[i]
		if s.Level == data.LevelCentre {
			if centreLine != 0 {
				it.errf(it.lineOf("level"), "centre.second", map[string]any{"First": centreLine})
			} else {
				centreLine = it.line
			}
		}
		switch {
		case s.Level == data.LevelCentre && s.ParentID != "":
			it.errf(it.lineOf("parent"), "centre.parent", map[string]any{"Parent": s.ParentID})
		case s.ParentID == "" && s.Level.Valid() && s.Level != data.LevelCentre:
			it.errf(it.line, "parent.missing", map[string]any{"Level": levelNames[s.Level]})
		case s.ParentID == "":
		case s.ParentID == s.ID:
			it.errf(it.lineOf("parent"), "parent.self", nil)
		case p.checkRef(it, "parent", s.ParentID):
			j, inFile := p.siteAt[s.ParentID]
			if !inFile || !s.Level.Valid() {
				break
			}
			if pl := p.file.Sites[j].Level; pl.Valid() && pl >= s.Level {
				it.errf(it.lineOf("parent"), "parent.notHigher", map[string]any{"Parent": s.ParentID,
					"ParentLevel": levelNames[pl], "Level": levelNames[s.Level]})
			}
		}
	}
}

// event reads one event and works out its first session.
func (p *parser) event(it *item) {
	e := data.Event{
		ID:          p.id(it, p.eventIDs),
		SiteID:      p.siteRef(it, "site"),
		Title:       it.required("title"),
		Category:    it.str("category"),
		Place:       it.str("place"),
		Organiser:   it.str("organiser"),
		Partners:    it.str("partners"),
		Description: it.str("description"),
		Capacity:    it.integer("capacity"),
		Cancelled:   it.boolean("cancelled"),
	}
	if e.Capacity < 0 {
		it.errf(it.lineOf("capacity"), "capacity.negative", map[string]any{"N": e.Capacity})
	}
	p.timing(it, &e)
	p.file.Events = append(p.file.Events, e)
}

// timing sets StartMS, EndMS, Weekly and UntilMS of e from date/weekly,
// time, from and until.
func (p *parser) timing(it *item, e *data.Event) {
	date, weekly, tm := it.str("date"), it.str("weekly"), it.required("time")
	from, until := it.str("from"), it.str("until")
	var startMin, endMin int
	timeOK := false
	if tm != "" {
		var f fault
		if startMin, endMin, f = parseTimeRange(tm); f.code != "" {
			it.errf(it.lineOf("time"), f.code, f.args)
		} else {
			timeOK = true
		}
	}
	switch {
	case date != "" && weekly != "":
		it.errf(it.lineOf("weekly"), "date.andWeekly", nil)
	case date == "" && weekly == "":
		switch {
		case it.vals["weekly"] != nil:
			it.errf(it.lineOf("weekly"), "weekly.empty", nil)
		case it.vals["date"] != nil:
			it.errf(it.lineOf("date"), "date.empty", nil)
		default:
			it.errf(it.line, "date.missing", nil)
		}
	case date != "":
		for _, k := range []string{"from", "until"} {
			if it.has(k) {
				it.errf(it.lineOf(k), "weekly.only", map[string]any{"Key": k})
			}
		}
		d, ok := p.day(it, "date", date)
		if !ok {
			return
		}
		if timeOK {
			e.StartMS = at(d, startMin, p.loc).UnixMilli()
			e.EndMS = at(d, endMin, p.loc).UnixMilli()
		}
	default:
		e.Weekly = true
		wd, ok := parseWeekday(weekly)
		if !ok {
			it.errf(it.lineOf("weekly"), "weekly.bad", map[string]any{"Value": weekly})
		}
		fromDay, untilDay := p.today, civil{}
		fromOK, untilOK := true, true
		if from != "" {
			fromDay, fromOK = p.day(it, "from", from)
		}
		if until != "" {
			untilDay, untilOK = p.day(it, "until", until)
		}
		if !ok || !fromOK || !untilOK {
			return
		}
		first := fromDay.AddDate(0, 0, (int(wd)-int(fromDay.Weekday())+7)%7)
		if until != "" {
			if untilDay.Before(first) {
				it.errf(it.lineOf("until"), "until.beforeFirst", map[string]any{"Until": formatDay(untilDay),
					"Weekly": weekly, "First": formatDay(first)})
				return
			}
			e.UntilMS = at(untilDay, 0, p.loc).UnixMilli()
		}
		if timeOK {
			e.StartMS = at(first, startMin, p.loc).UnixMilli()
			e.EndMS = at(first, endMin, p.loc).UnixMilli()
		}
	}
}

// day reads the day s given with key, reporting it when it is not one; ok
// is false then.
func (p *parser) day(it *item, key, s string) (d civil, ok bool) {
	d, f := parseDay(s, p.today)
	if f.code != "" {
		f.args["Key"] = key
		it.errf(it.lineOf(key), f.code, f.args)
		return d, false
	}
	return d, true
}

// honour reads one honour-wall entry, loading its photo.
func (p *parser) honour(it *item) {
	h := data.HonourEntry{
		ID:        p.id(it, p.honourIDs),
		SiteID:    p.siteRef(it, "site"),
		Name:      it.required("name"),
		Title:     it.str("title"),
		Story:     it.str("story"),
		Community: it.str("community"),
		Hidden:    it.boolean("hidden"),
		Sort:      it.integer("sort"),
	}
	if ph := it.str("photo"); ph != "" {
		h.Photo = p.photo(it, ph)
	}
	p.file.Honour = append(p.file.Honour, h)
}

// photo reads and checks a photo file named relative to the content file.
func (p *parser) photo(it *item, name string) []byte {
	line := it.lineOf("photo")
	if p.opts.Dir == nil {
		it.errf(line, "photo.notAllowed", map[string]any{"Name": name})
		return nil
	}
	clean := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(clean, "/") || len(clean) > 1 && clean[1] == ':' {
		it.errf(line, "photo.absolute", map[string]any{"Name": name})
		return nil
	}
	clean = path.Clean(clean)
	if !fs.ValidPath(clean) {
		it.errf(line, "photo.outside", map[string]any{"Name": name})
		return nil
	}
	st, err := fs.Stat(p.opts.Dir, clean)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		it.errf(line, "photo.missing", map[string]any{"Name": name})
		return nil
	case err != nil:
		it.errf(line, "photo.unreadable", map[string]any{"Name": name, "Detail": err.Error()})
		return nil
	case st.IsDir():
		it.errf(line, "photo.folder", map[string]any{"Name": name})
		return nil
	case st.Size() > MaxPhotoBytes:
		it.errf(line, "photo.tooLarge", map[string]any{"Name": name, "Bytes": st.Size(), "MaxMB": MaxPhotoBytes >> 20})
		return nil
	}
	b, err := fs.ReadFile(p.opts.Dir, clean)
	if err != nil {
		it.errf(line, "photo.unreadable", map[string]any{"Name": name, "Detail": err.Error()})
		return nil
	}
	if len(b) > MaxPhotoBytes {
		it.errf(line, "photo.tooLarge", map[string]any{"Name": name, "Bytes": len(b), "MaxMB": MaxPhotoBytes >> 20})
		return nil
	}
	if _, format, err := image.DecodeConfig(bytes.NewReader(b)); err != nil || format != "png" && format != "jpeg" {
		it.errf(line, "photo.notImage", map[string]any{"Name": name})
		return nil
	}
	return b
}

// team reads one volunteer team.
func (p *parser) team(it *item) {
	t := data.Team{
		ID:          p.id(it, p.teamIDs),
		SiteID:      p.siteRef(it, "site"),
		Name:        it.required("name"),
		Community:   it.str("community"),
		Description: it.str("description"),
		Members:     it.integer("members"),
	}
	if k := it.required("kind"); k != "" {
		if kind, ok := teamKinds[strings.ToLower(k)]; ok {
			t.Kind = kind
		} else {
			it.errf(it.lineOf("kind"), "kind.bad", map[string]any{"Value": k})
		}
	}
	if t.Members < 0 {
		it.errf(it.lineOf("members"), "members.negative", map[string]any{"N": t.Members})
	}
	p.file.Teams = append(p.file.Teams, t)
}
