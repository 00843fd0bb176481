//go:build !race

package strictyaml

const poisonReleased = false
