//go:build race

package strictyaml

// poisonReleased: under the race detector (the suite's full run) WithTree
// poisons the nodes it releases instead of clearing them.
const poisonReleased = true
