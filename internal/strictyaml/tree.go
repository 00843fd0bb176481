package strictyaml

import (
	"sync"

	"go.yaml.in/yaml/v3"
)

// WithTree parses data as Parse does and calls use with the tree. The tree
// lives only for the call: its nodes come from a pool and serve the next
// text parsed after use returns, so use must keep no *yaml.Node (nor a
// node's Content); the strings in the nodes are its own to keep. What it
// saves: a case's nodes were about 15 KB, a sixth of every byte a run of
// 10,000 cases allocated, for a tree the case decoder drops at once.
// Under the race detector a released tree is poisoned (every node made
// a "\x00released" string at line -1), so that a node kept by mistake
// shows in the values decoded from it (it is otherwise left as it is, and
// overwritten by the next parse); TestWithTreeKeepsNoNode and
// casefile's TestDecodeKeepsNoNode hold the decoders to it.
func WithTree(file string, data []byte, use func(doc *yaml.Node)) error {
	s := slabPool.Get().(*slabs)
	defer s.release()
	doc, err := parse(file, data, s)
	if err != nil {
		return err
	}
	use(doc)
	return nil
}

// WithFileTree is WithTree of the file at path, read as ReadFile reads
// it, into a buffer that serves the next file after use returns (the
// strings in the tree are copies: none refers to it).
func WithFileTree(path string, use func(doc *yaml.Node)) error {
	s := slabPool.Get().(*slabs)
	defer s.release()
	data, err := readFile(s.text, path)
	s.text = data[:0]
	if err != nil {
		return err
	}
	doc, err := parse(path, data, s)
	if err != nil {
		return err
	}
	use(doc)
	return nil
}

// slabs are the nodes of a parse and their Content, each allocated at
// once (fastParser.node, fastParser.content), and the stack the parser
// builds Content on.
type slabs struct {
	nodes []yaml.Node
	kids  []*yaml.Node
	stack []*yaml.Node
	used  int    // how many nodes and kids the last parse reserved
	text  []byte // the file WithFileTree read
}

var slabPool = sync.Pool{New: func() any { return new(slabs) }}

// maxPooledNodes bounds the slabs kept for reuse: a large file's (1 MB is
// the most read) are let go rather than held and cleared for small ones.
const maxPooledNodes = 1 << 13

// maxPooledText bounds the file buffer kept for reuse likewise.
const maxPooledText = 64 << 10

// reserve returns slabs for a parse of about n nodes, empty.
func (s *slabs) reserve(n int) ([]yaml.Node, []*yaml.Node) {
	if cap(s.nodes) < n {
		s.nodes = make([]yaml.Node, 0, n)
	}
	if cap(s.kids) < n {
		s.kids = make([]*yaml.Node, 0, n)
	}
	s.used = n
	return s.nodes[:0], s.kids[:0]
}

// release puts the slabs back in the pool. They are not cleared:
// fastParser.node sets every field of a node it hands out, and clearing
// (memory with pointers, under a write barrier while the collector runs)
// cost a run more than the stale strings a pooled slab keeps alive until
// its next parse. Under the race detector the part the last parse
// reserved is poisoned instead, the file's bytes too.
func (s *slabs) release() {
	if cap(s.nodes) > maxPooledNodes || cap(s.kids) > maxPooledNodes || cap(s.stack) > maxPooledNodes {
		return
	}
	if cap(s.text) > maxPooledText {
		s.text = nil
	}
	if poisonReleased {
		s.poison()
	}
	s.stack, s.used = s.stack[:0], 0
	slabPool.Put(s)
}

// poison makes every node the last parse reserved released, every child
// released, and every byte of the file 0xff.
func (s *slabs) poison() {
	nodes, kids, text := s.nodes[:s.used], s.kids[:s.used], s.text[:cap(s.text)]
	for i := range nodes {
		nodes[i] = released
	}
	for i := range kids {
		kids[i] = &released
	}
	for i := range text {
		text[i] = 0xff
	}
}

// released is what a poisoned slab's nodes become: a string that no
// decoded value holds, at a line no position has.
var released = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "\x00released", Line: -1, Column: -1}
