package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// ConfigFile is the project config's name, looked up from the working
// directory upwards like go.mod.
const ConfigFile = "casebook.yaml"

// Config is the project config (casebook.yaml). Paths in it are relative to
// the file's directory.
type Config struct {
	// Spec is the default spec for cases that name none and belong to no suite.
	Spec string `yaml:"spec"`
	// Suites map folders of cases to the spec they are checked against.
	Suites []Suite `yaml:"suites"`
	// Targets name where runs may go besides the built-in mock: base URLs
	// and live profiles (see Profile).
	Targets map[string]Profile `yaml:"targets"`
	// Credentials are what a case's auth: names on a live target: names of
	// environment variables, never secrets (see Credential).
	Credentials map[string]Credential `yaml:"credentials"`
	// Vars fill ${NAME} in cases when neither --var nor the environment does.
	Vars map[string]string `yaml:"vars"`
	// SecretsFile is a KEY=VALUE file, outside version control, where the
	// variables credentials name are looked up after the environment.
	SecretsFile string `yaml:"secretsFile"`

	// Dir is the directory holding the config file ("" when there is none:
	// then paths are relative to the working directory).
	Dir string `yaml:"-"`
	// File is the config file's path, "" when none was found.
	File string `yaml:"-"`
	// pos is where each field was written, for errors found after decoding.
	pos map[string]strictyaml.Pos
}

// Suite is a folder of cases and its spec.
type Suite struct {
	Cases string `yaml:"cases"`
	Spec  string `yaml:"spec"`
}

// FindConfig looks for casebook.yaml in dir and its parents. No file is not
// an error: it returns an empty config rooted at dir.
func FindConfig(dir string) (*Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, ConfigFile)
		if _, err := os.Stat(p); err == nil {
			return LoadConfig(p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if filepath.Dir(d) == d {
			return &Config{Dir: abs}, nil
		}
	}
}

// LoadConfig reads a project config file strictly.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	cfg := &Config{File: path, Dir: dir}
	doc, err := strictyaml.Parse(path, data)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{Err: strictyaml.Errorf(path, root, "want a mapping, got %s", strictyaml.KindName(root))}
	}
	pos, errs := strictyaml.Decode(path, root, cfg)
	if len(errs) > 0 {
		return nil, &ConfigError{Err: errs}
	}
	cfg.pos = pos
	if err := cfg.checkLive(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// ConfigError is a problem with the project config.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Abs resolves a config-relative path.
func (c *Config) Abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// DefaultPaths are the case folders run when none are given: every suite's.
func (c *Config) DefaultPaths() []string {
	var out []string
	for _, s := range c.Suites {
		out = append(out, relToWorkDir(c.Abs(s.Cases)))
	}
	if len(out) == 0 {
		out = append(out, relToWorkDir(c.Abs("cases")))
	}
	return out
}

// specFor picks the spec of a case file that names none: the suite holding
// the file (the deepest one wins), else the config's default.
func (c *Config) specFor(caseFile string) string {
	abs, err := filepath.Abs(caseFile)
	if err != nil {
		abs = caseFile
	}
	best, bestLen := "", -1
	for _, s := range c.Suites {
		dir := c.Abs(s.Cases)
		if rel, err := filepath.Rel(dir, abs); err == nil && rel != ".." && !startsWithDotDot(rel) && len(dir) > bestLen {
			best, bestLen = c.Abs(s.Spec), len(dir)
		}
	}
	if best != "" {
		return best
	}
	return c.Abs(c.Spec)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}
