package runner

import (
	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/target"
)

// InputFiles are the files a run of cases reads: casebook.yaml and its
// secrets file, the case files, each spec with the files its $refs led to,
// the overlay beside each spec (whether it exists or not), and also: files
// the command line names (--secrets). A report written over one of them
// would destroy it; the CLI refuses such a --report before anything runs.
// Specs not yet loaded are loaded here.
func (r *Runner) InputFiles(cfg *Config, cases []*casefile.Case, also ...string) []string {
	var out []string
	seen := map[string]bool{"": true}
	add := func(files ...string) {
		for _, f := range files {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	add(cfg.File)
	if cfg.SecretsFile != "" {
		add(cfg.Abs(cfg.SecretsFile))
	}
	add(also...)
	for _, c := range cases {
		add(c.Pos.File)
		if c.SpecPath == "" || seen[c.SpecPath] {
			continue
		}
		add(c.SpecPath, target.MockOverlay(c.SpecPath))
		if s, err := r.specs.get(c.SpecPath); err == nil {
			add(s.Files...)
		}
	}
	return out
}
