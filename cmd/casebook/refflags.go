package main

import (
	"flag"

	"github.com/casebook-dev/casebook/internal/spec"
)

// registerRefFlags registers how far a spec's $refs may reach: by default
// to files in the spec's own folder tree and nowhere else, so that lint
// stays offline and a downloaded spec reads nothing else on the disk.
func registerRefFlags(fs *flag.FlagSet, o *spec.LoadOptions) {
	fs.BoolVar(&o.AllowRemoteRefs, "allow-remote-refs", false, "fetch a spec's $refs to http(s) URLs (default: a remote $ref is an error and nothing is fetched)")
	fs.StringVar(&o.RefRoot, "ref-root", "", "also let a spec's file $refs name files under this folder (default: only the spec's own folder and below)")
}
