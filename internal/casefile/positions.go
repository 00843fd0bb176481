package casefile

import (
	"encoding/binary"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// fieldPositions are where a case's fields were written ("request.body":
// file:line:col), for errors raised after decoding. A decoded case holds
// them as the decoder found them, in the document's order; a case
// unpacked from its pack (Whole) holds their packed text and reads it
// only when a position is asked for: an error or a curl export, which
// most cases of a run never meet, where unpacking them all was a map of
// about fifty entries per case. Both give the same positions
// (TestLazyPositions).
type fieldPositions struct {
	list []strictyaml.Field
	// packed is packer.positions' text (without its length), read by
	// packedPositions; file is the case's file, which it names as 0.
	packed, file string
}

// lookup returns the position of field, and whether there is one.
func (f fieldPositions) lookup(field string) (Pos, bool) {
	if f.packed == "" {
		for _, p := range f.list {
			if p.Name == field {
				return p.Pos, true
			}
		}
		return Pos{}, false
	}
	found, ok := Pos{}, false
	packedPositions(f.packed, f.file, func(p strictyaml.Field) bool {
		if p.Name == field {
			found, ok = p.Pos, true
		}
		return !ok
	})
	return found, ok
}

// all returns every position (the eager reading of a packed case's).
func (f fieldPositions) all() []strictyaml.Field {
	if f.packed == "" {
		return f.list
	}
	var out []strictyaml.Field
	if !packedPositions(f.packed, f.file, func(p strictyaml.Field) bool { out = append(out, p); return true }) {
		return nil
	}
	return out
}

// writePositions appends the packed text of fields to buf: its length as
// 4 bytes (so that unpack finds a pack cut short without reading the
// positions), then uvarint 0 for none (nil) or their count + 1, and for
// each, in the document's order, its name as the length of the prefix it
// shares with the name before it and the rest ("request.body",
// "request.body.recipient": 12, ".recipient"), its file (0: the case's,
// else the length + 1 and the name) and its line and column as varints.
func writePositions(buf []byte, fields []strictyaml.Field, file string) []byte {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	if fields == nil {
		buf = binary.AppendUvarint(buf, 0)
	} else {
		buf = binary.AppendUvarint(buf, uint64(len(fields))+1)
	}
	prev := ""
	for _, f := range fields {
		n := 0
		for n < len(prev) && n < len(f.Name) && prev[n] == f.Name[n] {
			n++
		}
		buf = binary.AppendUvarint(buf, uint64(n))
		buf = binary.AppendUvarint(buf, uint64(len(f.Name)-n))
		buf = append(buf, f.Name[n:]...)
		if f.Pos.File == file {
			buf = binary.AppendUvarint(buf, 0)
		} else {
			buf = binary.AppendUvarint(buf, uint64(len(f.Pos.File))+1)
			buf = append(buf, f.Pos.File...)
		}
		buf = binary.AppendVarint(buf, int64(f.Pos.Line))
		buf = binary.AppendVarint(buf, int64(f.Pos.Column))
		prev = f.Name
	}
	binary.LittleEndian.PutUint32(buf[start:], uint32(len(buf)-start-4))
	return buf
}

// packedPositions reads the text writePositions wrote after its length,
// calling each with every position in order until it returns false. It
// reports false for a text that does not read (only pack writes one: a
// bug, never a panic).
func packedPositions(text, file string, each func(strictyaml.Field) bool) bool {
	u := &unpacker{buf: []byte(text), text: text}
	n := u.length()
	prev := ""
	for range max(n, 0) {
		shared, rest := u.uvarint(), u.uvarint()
		if u.bad || shared > uint64(len(prev)) || rest > uint64(len(u.buf)) {
			return false
		}
		at := len(text) - len(u.buf)
		name := prev[:shared] + text[at:at+int(rest)]
		u.buf = u.buf[rest:]
		f := strictyaml.Field{Name: name, Pos: Pos{File: file}}
		if k := u.uvarint(); k > 0 {
			if k-1 > uint64(len(u.buf)) {
				return false
			}
			at := len(text) - len(u.buf)
			f.Pos.File = text[at : at+int(k-1)]
			u.buf = u.buf[k-1:]
		}
		f.Pos.Line, f.Pos.Column = int(u.varint()), int(u.varint())
		if u.bad {
			return false
		}
		if !each(f) {
			return true
		}
		prev = name
	}
	return !u.bad && len(u.buf) == 0
}

// Equal reports whether f and o give the same positions, however each is
// held: go-cmp calls it, so that tests comparing cases (a decoded case
// and the one Whole unpacks) compare what the positions say.
func (f fieldPositions) Equal(o fieldPositions) bool {
	a, b := f.all(), o.all()
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
