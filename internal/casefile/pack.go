package casefile

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
)

// A packed case is a decoded case written into one byte slice: every
// exported field of every struct in it, in declaration order, and its
// field positions. It is what Slim keeps of the rest of a case, so that a
// run of 100,000 cases decodes each file once (the YAML parse is the
// costly part of a case's load) and holds about a KB per case, in memory
// the garbage collector need not scan, not the several KB of maps and
// strings a whole case is made of. unpack restores the very value packed
// (nil and empty kept apart, json.Number kept apart from float64):
// TestPackRoundTrip holds every shipped case and generated negative to it.
//
// The format, per Go kind: a string is uvarint 0 (empty), 1 followed by
// its length and bytes (new), or k+2 (the k-th new string of this pack:
// the file name every position repeats is written once); bool a byte;
// signed integers a varint; float64 its 8 bytes; a slice or map uvarint 0
// (nil) or its length + 1, then its elements (a map's key then value); a
// pointer a byte (0: nil) then what it points at; a struct its exported
// fields; an interface (a JSON value: Value.V) a tag byte, then the value.
// The field positions come last (writePositions).

// errPacked is a packed case that does not unpack: a bug, not bad input,
// since only Pack writes one.
var errPacked = errors.New("casefile: a packed case does not unpack")

// JSON value tags for an interface field (strictyaml.JSONValue's types).
const (
	anyNil byte = iota
	anyString
	anyFloat
	anyNumber
	anyBool
	anyObject
	anyArray
)

// exported lists a struct type's exported fields, cached per type.
var exportedFields sync.Map // reflect.Type -> []int

func exported(t reflect.Type) []int {
	if f, ok := exportedFields.Load(t); ok {
		return f.([]int)
	}
	var idx []int
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			idx = append(idx, i)
		}
	}
	exportedFields.Store(t, idx)
	return idx
}

// pack writes c. It fails only on a value of a kind the format does not
// know (a new field's type): the caller then keeps the whole case.
func pack(c *Case) ([]byte, error) {
	var data []byte
	err := packWith(c, func(b []byte) { data = append([]byte(nil), b...) }) // exactly its size: 100,000 of them are held
	return data, err
}

// packWith writes c and calls use with the pack, which lives only for the
// call (a spool copies it into its chunk: no copy of its own).
func packWith(c *Case, use func([]byte)) error {
	p := packers.Get().(*packer)
	defer p.release()
	for _, s := range known(c) {
		if _, ok := p.strs[s]; !ok {
			p.strs[s] = uint64(len(p.strs))
		}
	}
	if err := p.value(reflect.ValueOf(c).Elem()); err != nil {
		return err
	}
	p.buf = writePositions(p.buf, c.fieldPos.all(), c.Pos.File)
	use(p.buf)
	return nil
}

type packer struct {
	buf  []byte
	strs map[string]uint64 // strings written so far, by number
}

// packers are reused: a load packs every case, and a packer's buffer and
// string table grown for one case serve the next (a fresh one grew its
// buffer five or six times per case, and allocated a map).
var packers = sync.Pool{New: func() any { return &packer{strs: map[string]uint64{}} }}

func (p *packer) release() {
	if cap(p.buf) > 64<<10 {
		return // a case with a big body: let its buffer go
	}
	p.buf = p.buf[:0]
	clear(p.strs)
	packers.Put(p)
}

func (p *packer) uvarint(u uint64) { p.buf = binary.AppendUvarint(p.buf, u) }
func (p *packer) varint(i int64)   { p.buf = binary.AppendVarint(p.buf, i) }

func (p *packer) string(s string) {
	if s == "" {
		p.uvarint(0)
		return
	}
	if k, ok := p.strs[s]; ok {
		p.uvarint(k + 2)
		return
	}
	p.strs[s] = uint64(len(p.strs))
	p.uvarint(1)
	p.uvarint(uint64(len(s)))
	p.buf = append(p.buf, s...)
}

func (p *packer) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		p.string(v.String())
	case reflect.Bool:
		p.buf = append(p.buf, boolByte(v.Bool()))
	case reflect.Int, reflect.Int64:
		p.varint(v.Int())
	case reflect.Float64:
		p.buf = binary.LittleEndian.AppendUint64(p.buf, math.Float64bits(v.Float()))
	case reflect.Pointer:
		if v.IsNil() {
			p.buf = append(p.buf, 0)
			return nil
		}
		p.buf = append(p.buf, 1)
		return p.value(v.Elem())
	case reflect.Struct:
		for _, i := range exported(v.Type()) {
			if err := p.value(v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			p.uvarint(0)
			return nil
		}
		p.uvarint(uint64(v.Len()) + 1)
		for i := range v.Len() {
			if err := p.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			p.uvarint(0)
			return nil
		}
		p.uvarint(uint64(v.Len()) + 1)
		for it := v.MapRange(); it.Next(); {
			if err := p.value(it.Key()); err != nil {
				return err
			}
			if err := p.value(it.Value()); err != nil {
				return err
			}
		}
	case reflect.Interface:
		return p.json(v.Interface())
	default:
		return fmt.Errorf("casefile: cannot pack a %s", v.Type())
	}
	return nil
}

// json writes a JSON value as strictyaml.JSONValue makes them.
func (p *packer) json(x any) error {
	switch x := x.(type) {
	case nil:
		p.buf = append(p.buf, anyNil)
	case string:
		p.buf = append(p.buf, anyString)
		p.string(x)
	case float64:
		p.buf = append(p.buf, anyFloat)
		p.buf = binary.LittleEndian.AppendUint64(p.buf, math.Float64bits(x))
	case json.Number:
		p.buf = append(p.buf, anyNumber)
		p.string(string(x))
	case bool:
		p.buf = append(p.buf, anyBool, boolByte(x))
	case map[string]any:
		// What value writes for a map or a slice, without reflect: a
		// body is most of a case's values (TestPackJSONAsValue).
		p.buf = append(p.buf, anyObject)
		if x == nil {
			p.uvarint(0)
			return nil
		}
		p.uvarint(uint64(len(x)) + 1)
		for k, v := range x {
			p.string(k)
			if err := p.json(v); err != nil {
				return err
			}
		}
	case []any:
		p.buf = append(p.buf, anyArray)
		if x == nil {
			p.uvarint(0)
			return nil
		}
		p.uvarint(uint64(len(x)) + 1)
		for _, v := range x {
			if err := p.json(v); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("casefile: cannot pack a JSON value of type %T", x)
	}
	return nil
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// known are the strings a slim case holds anyway, which its pack refers
// to without writing them (the file name alone is a tenth of a pack).
func known(slim *Case) []string { return []string{slim.Pos.File, slim.SpecPath, slim.Name} }

// unpack restores the case pack wrote for slim: data, its pack.
func unpack(slim *Case, data []byte) (c *Case, err error) {
	// A case's strings fit in 64, most of the time: one allocation, not
	// seven growing the table.
	u := &unpacker{buf: data, text: string(data), strs: make([]string, 0, 64)}
	for _, s := range known(slim) {
		if !slices.Contains(u.strs, s) {
			u.strs = append(u.strs, s)
		}
	}
	c = &Case{}
	u.value(reflect.ValueOf(c).Elem())
	c.fieldPos = u.positions(c.Pos.File)
	if u.bad || len(u.buf) != 0 {
		return nil, errPacked
	}
	return c, nil
}

// unpacker reads what packer wrote. A short or malformed input sets bad
// and reads on as zeros: unpack then fails as a whole.
type unpacker struct {
	buf  []byte
	text string // the whole pack, once: the strings in it are cut from it, not each allocated
	strs []string
	bad  bool
}

func (u *unpacker) uvarint() uint64 {
	x, n := binary.Uvarint(u.buf)
	if n <= 0 {
		u.bad, u.buf = true, nil
		return 0
	}
	u.buf = u.buf[n:]
	return x
}

// varint reads binary.AppendVarint's zig-zag encoding.
func (u *unpacker) varint() int64 {
	ux := u.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (u *unpacker) byte() byte {
	if len(u.buf) == 0 {
		u.bad = true
		return 0
	}
	b := u.buf[0]
	u.buf = u.buf[1:]
	return b
}

func (u *unpacker) float() float64 {
	if len(u.buf) < 8 {
		u.bad, u.buf = true, nil
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(u.buf))
	u.buf = u.buf[8:]
	return f
}

// length reads a slice's or map's length; -1 is nil.
func (u *unpacker) length() int {
	n := u.uvarint()
	if n > uint64(len(u.buf))+1 { // each element takes a byte at least
		u.bad, u.buf = true, nil
		return -1
	}
	return int(n) - 1
}

func (u *unpacker) string() string {
	switch k := u.uvarint(); k {
	case 0:
		return ""
	case 1:
		n := u.uvarint()
		if n > uint64(len(u.buf)) {
			u.bad, u.buf = true, nil
			return ""
		}
		at := len(u.text) - len(u.buf)
		s := u.text[at : at+int(n)]
		u.buf = u.buf[n:]
		u.strs = append(u.strs, s)
		return s
	default:
		if k-2 >= uint64(len(u.strs)) {
			u.bad = true
			return ""
		}
		return u.strs[k-2]
	}
}

// positions takes the rest of the pack, writePositions' text, as it is:
// fieldPositions reads it when a position is asked for. Only its length is
// checked here, so that a pack cut short fails as a whole.
func (u *unpacker) positions(file string) fieldPositions {
	if len(u.buf) < 4 || int(binary.LittleEndian.Uint32(u.buf)) != len(u.buf)-4 {
		u.bad, u.buf = true, nil
		return fieldPositions{}
	}
	text := u.text[len(u.text)-len(u.buf)+4:]
	u.buf = nil
	return fieldPositions{packed: text, file: file}
}

func (u *unpacker) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(u.string())
	case reflect.Bool:
		v.SetBool(u.byte() == 1)
	case reflect.Int, reflect.Int64:
		v.SetInt(u.varint())
	case reflect.Float64:
		v.SetFloat(u.float())
	case reflect.Pointer:
		if u.byte() == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		u.value(p.Elem())
		v.Set(p)
	case reflect.Struct:
		for _, i := range exported(v.Type()) {
			u.value(v.Field(i))
		}
	case reflect.Slice:
		n := u.length()
		if n < 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			u.value(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		n := u.length()
		if n < 0 {
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		kt, et := v.Type().Key(), v.Type().Elem()
		for range n {
			k := reflect.New(kt).Elem()
			u.value(k)
			e := reflect.New(et).Elem()
			u.value(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface:
		if x := u.json(); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		u.bad = true
	}
}

func (u *unpacker) json() any {
	switch u.byte() {
	case anyNil:
		return nil
	case anyString:
		return u.string()
	case anyFloat:
		return u.float()
	case anyNumber:
		return json.Number(u.string())
	case anyBool:
		return u.byte() == 1
	case anyObject: // what value reads for a map or a slice, without reflect
		var m map[string]any
		if n := u.length(); n >= 0 {
			m = make(map[string]any, n)
			for range n {
				k := u.string()
				m[k] = u.json()
			}
		}
		return m
	case anyArray:
		var a []any
		if n := u.length(); n >= 0 {
			a = make([]any, n)
			for i := range a {
				a[i] = u.json()
			}
		}
		return a
	}
	u.bad = true
	return nil
}
