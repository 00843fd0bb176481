package runner

import (
	"os"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/config"
	"github.com/casebook-dev/casebook/internal/target"
)

// The project config, casebook.yaml, is read by internal/config; these
// names keep the runner's API whole.

// ConfigFile is the project config's name, looked up from the working
// directory upwards like go.mod.
const ConfigFile = config.File

type (
	// Config is the project config (casebook.yaml); see config.Config.
	Config = config.Config
	// Suite is a folder of cases and its spec.
	Suite = config.Suite
	// ConfigError is a problem with the project config.
	ConfigError = config.Error
	// TargetOptions are the command line's say over a target.
	TargetOptions = config.TargetOptions
	// UsageError is a mistake in how casebook was called.
	UsageError = cli.UsageError
	// Target is where a run sends its requests (see internal/target): the
	// built-in mock, a base URL, or a live profile of casebook.yaml.
	Target = target.Target
)

// FindConfig looks for casebook.yaml in dir and its parents. No file is not
// an error: it returns an empty config rooted at dir.
func FindConfig(dir string) (*Config, error) { return config.Find(dir) }

// OpenConfig reads configFile, else the casebook.yaml found from the
// working directory upwards (none found: an empty config).
func OpenConfig(configFile string) (*Config, error) { return config.Open(configFile) }

// LoadConfig reads a project config file strictly.
func LoadConfig(path string) (*Config, error) { return config.Load(path) }

// Load reads the project config (configFile, else the casebook.yaml found
// from the working directory upwards) and the cases of paths (none: the
// config's suites).
func Load(configFile string, paths []string) (*Config, []*Case, error) {
	return load(configFile, paths, nil)
}

// LoadSlim is Load for a run too large to hold its cases: each case is
// read and checked as Load checks it, and only its slim copy is kept in
// memory, the rest of it packed into a temporary file (casefile.Spool;
// casefile.Whole gives the whole case back when the run starts it).
func LoadSlim(configFile string, paths []string) (*Config, []*Case, error) {
	return load(configFile, paths, casefile.NewSpool().Slim)
}

// load is Load; keep, when set, is what is kept of each case.
func load(configFile string, paths []string, keep func(*Case) *Case) (*Config, []*Case, error) {
	cfg, err := config.Open(configFile)
	if err != nil {
		return nil, nil, err
	}
	if len(paths) == 0 {
		paths = cfg.DefaultPaths()
		if _, err := os.Stat(paths[0]); cfg.File == "" && err != nil {
			return nil, nil, &UsageError{Msg: "no casebook.yaml in this folder or above, and no cases/ folder: " +
				"start a project with casebook init --spec FILE, or name case files or folders (casebook run PATH...)"}
		}
	}
	cases, err := loadCases(cfg, paths, keep)
	return cfg, cases, err
}
