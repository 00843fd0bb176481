// Package config reads the project config, casebook.yaml: its suites (case
// folders and their specs), targets, credentials, variables and secrets
// file, each checked where it was written (file:line:col and key). The
// runner loads cases with it; the live target's profiles and credentials
// are internal/target's types.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/internal/suggest"
	"github.com/casebook-dev/casebook/internal/target"
)

// File is the project config's name, looked up from the working
// directory upwards like go.mod.
const File = "casebook.yaml"

// Config is the project config (casebook.yaml). Paths in it are relative to
// the file's directory.
type Config struct {
	// Spec is the default spec for cases that name none and belong to no suite.
	Spec string `yaml:"spec"`
	// Suites map folders of cases to the spec they are checked against.
	Suites []Suite `yaml:"suites"`
	// Targets name where runs may go besides the built-in mock: base URLs
	// and live profiles (see target.Profile).
	Targets map[string]target.Profile `yaml:"targets"`
	// Credentials are what a case's auth: names on a live target: names of
	// environment variables, never secrets (see target.Credential).
	Credentials map[string]target.Credential `yaml:"credentials"`
	// Vars fill ${NAME} in cases when neither --var nor the environment does.
	Vars map[string]string `yaml:"vars"`
	// SecretsFile is a KEY=VALUE file, outside version control, where the
	// variables credentials name are looked up after the environment.
	SecretsFile string `yaml:"secretsFile"`
	// Conformance is what an answer that breaks the spec's declared
	// responses costs when a case does not say (expect.conformance):
	// "fail" (the default) or "warn".
	Conformance string `yaml:"conformance"`

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

// Find looks for casebook.yaml in dir and its parents. No file is not
// an error: it returns an empty config rooted at dir.
func Find(dir string) (*Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, File)
		if _, err := os.Stat(p); err == nil {
			return Load(RelToWorkDir(p))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if filepath.Dir(d) == d {
			return &Config{Dir: abs}, nil
		}
	}
}

// Open reads configFile, else the casebook.yaml found from the
// working directory upwards (none found: an empty config).
func Open(configFile string) (*Config, error) {
	if configFile != "" {
		return Load(configFile)
	}
	return Find(".")
}

// Load reads a project config file strictly.
func Load(path string) (*Config, error) {
	data, err := strictyaml.ReadFile(path)
	if err != nil {
		return nil, &Error{Err: err}
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, &Error{Err: err}
	}
	cfg := &Config{File: path, Dir: dir}
	doc, err := strictyaml.Parse(path, data)
	if err != nil {
		return nil, &Error{Err: err}
	}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{Err: strictyaml.Errorf(path, root, "want a mapping, got %s", strictyaml.KindName(root))}
	}
	pos, errs := strictyaml.Decode(path, root, cfg)
	if len(errs) > 0 {
		return nil, &Error{Err: errs}
	}
	cfg.pos = pos
	if err := cfg.checkLive(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Error is a problem with the project config.
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

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
		out = append(out, RelToWorkDir(c.Abs(s.Cases)))
	}
	if len(out) == 0 {
		out = append(out, RelToWorkDir(c.Abs("cases")))
	}
	return out
}

// SpecFor picks the spec of a case file that names none: the suite holding
// the file (the deepest one wins), else the config's default.
func (c *Config) SpecFor(caseFile string) string {
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

// Specs lists the specs the config names, suites first, each once.
func (c *Config) Specs() []string {
	var all, out []string
	for _, s := range c.Suites {
		all = append(all, c.Abs(s.Spec))
	}
	for _, p := range append(all, c.Abs(c.Spec)) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}

// checkLive validates targets:, credentials:, conformance: and vars: after
// decoding, each problem placed at its key in casebook.yaml.
func (c *Config) checkLive() error {
	var errs strictyaml.ErrorList
	fail := func(field, format string, args ...any) {
		errs = append(errs, &strictyaml.Error{Pos: c.posOf(field), Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for _, name := range slices.Sorted(maps.Keys(c.Targets)) {
		target.CheckProfile(name, c.Targets[name], fail)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Credentials)) {
		target.CheckCredential("credentials."+name, c.Credentials[name], fail)
	}
	switch c.Conformance {
	case "", casefile.ConformanceFail, casefile.ConformanceWarn:
	default:
		fail("conformance", "%q is neither %q nor %q%s", c.Conformance, casefile.ConformanceFail, casefile.ConformanceWarn,
			suggest.Hint(c.Conformance, []string{casefile.ConformanceFail, casefile.ConformanceWarn}))
	}
	for _, name := range slices.Sorted(maps.Keys(c.Vars)) {
		if !casefile.VarName.MatchString(name) {
			fail("vars."+name, "want a variable name (letters, digits, _)")
		}
	}
	if len(errs) > 0 {
		return &Error{Err: errs}
	}
	return nil
}

// posOf is where a dotted field was written, or the file when it was not.
func (c *Config) posOf(field string) strictyaml.Pos {
	for f := field; f != ""; {
		if p, ok := c.pos[f]; ok {
			return p
		}
		i := strings.LastIndexByte(f, '.')
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return strictyaml.Pos{File: c.File}
}

// TargetOptions are the command line's say over a target.
type TargetOptions struct {
	// AllowHTTP permits plain http to a live profile (--allow-http).
	AllowHTTP bool
	// SecretsFile overrides the config's secretsFile (--secrets).
	SecretsFile string
}

// Target builds the target a --target name means: "mock" (the built-in
// mock), an http(s) base URL, or a profile of casebook.yaml.
func (c *Config) Target(name string, opts TargetOptions) (target.Target, error) {
	name = strings.TrimSpace(name)
	p, ok := c.Targets[name]
	switch {
	case !ok && (name == "" || name == target.KindMock):
		return target.NewMockTarget(), nil
	case !ok && (strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://")):
		return target.NewURLTarget(name)
	case !ok:
		known := append([]string{target.KindMock}, slices.Sorted(maps.Keys(c.Targets))...)
		return nil, &cli.UsageError{Msg: fmt.Sprintf("unknown target %q%s: want mock, an http(s) base URL, or one of the targets in %s (%s)",
			name, suggest.Hint(name, known), c.configName(), strings.Join(known, ", "))}
	}
	live := target.LiveConfig{Credentials: c.Credentials, AllowHTTP: opts.AllowHTTP, ConfigFile: c.configName()}
	if p.Live() {
		var err error
		if live.Secrets, err = c.secrets(opts.SecretsFile); err != nil {
			return nil, err
		}
	}
	t, err := target.FromProfile(name, p, live)
	return t, c.place(err)
}

// place puts a target's error about a key of casebook.yaml at that key's
// file:line:col, as decoding errors are.
func (c *Config) place(err error) error {
	var ce *target.ConfigError
	if c.File == "" || !errors.As(err, &ce) || ce.Field == "" {
		return err
	}
	return &Error{Err: &strictyaml.Error{Pos: c.posOf(ce.Field), Field: ce.Field, Msg: ce.Reason}}
}

// TargetPair builds the two targets of "a,b" (drift's mock,live).
func (c *Config) TargetPair(list string, opts TargetOptions) (a, b target.Target, err error) {
	names := strings.Split(list, ",")
	if len(names) != 2 {
		return nil, nil, &cli.UsageError{Msg: fmt.Sprintf("--target %s: want two targets to compare, such as mock,live", list)}
	}
	if a, err = c.Target(names[0], opts); err != nil {
		return nil, nil, err
	}
	if b, err = c.Target(names[1], opts); err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, b, nil
}

func (c *Config) configName() string {
	if c.File != "" {
		return c.File
	}
	return File
}

// secrets reads the secrets file (the flag's, else the config's); none is
// fine. A file that cannot be read is placed at --secrets, or at the
// config's secretsFile key.
func (c *Config) secrets(override string) (*target.Secrets, error) {
	if override != "" {
		s, err := target.LoadSecrets(override)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, &cli.UsageError{Msg: fmt.Sprintf("--secrets %s: %v", override, errors.Unwrap(err))}
		}
		return s, err
	}
	if c.SecretsFile == "" {
		return &target.Secrets{}, nil
	}
	s, err := target.LoadSecrets(c.Abs(c.SecretsFile))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, &Error{Err: &strictyaml.Error{Pos: c.posOf("secretsFile"), Field: "secretsFile", Msg: errors.Unwrap(err).Error()}}
	}
	return s, err
}

// RunVars are the values ${NAME} takes: --var first, then the environment,
// then the config's vars:. The runner consults its Vars before the
// environment, so a config value is left out when the environment has one.
func (c *Config) RunVars(flagVars map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range c.Vars {
		if _, inEnv := os.LookupEnv(k); !inEnv {
			out[k] = v
		}
	}
	for k, v := range flagVars {
		out[k] = v
	}
	return out
}

// RelToWorkDir shortens an absolute path below the working directory, so
// reports say specs/x.yaml rather than /home/.../specs/x.yaml.
func RelToWorkDir(p string) string {
	if !filepath.IsAbs(p) {
		return p
	}
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}
