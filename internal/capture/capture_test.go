package capture

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
)

const (
	pcSpec      = "../../specs/personal-connection.yaml"
	genesysSpec = "../../specs/genesys-cloud/openapi.yaml"
)

// newCase imports a curl command and decodes the case it wrote.
func newCase(t *testing.T, opts Options, args ...string) (*Case, *casefile.Case) {
	t.Helper()
	req, err := FromCurl(args)
	require.NoError(t, err)
	c, err := New(t.Context(), req, opts)
	require.NoError(t, err)
	cases, err := casefile.Decode("imported.yaml", c.YAML)
	require.NoError(t, err, "the imported case does not decode:\n%s", c.YAML)
	require.Len(t, cases, 1)
	return c, cases[0]
}

// TestPicksTheSpecWithTheOperation: of two specs, the one that has the
// operation is linted against, and its findings become expect.lint.
func TestPicksTheSpecWithTheOperation(t *testing.T) {
	c, kase := newCase(t, Options{Specs: []string{genesysSpec, pcSpec}, Auth: "pc-service"},
		"curl", "-X", "POST", "https://api.example.com/api/v2/outbound/campaigns/pc-campaign/calls",
		"-H", "Authorization: Bearer eyJ.secret", "-H", "Content-Type: application/json",
		"-d", `{"recipient":{"phoneNumber":"+15550199"},"initiator":{"id":"agent-456","type":"agent"}}`)
	assert.Equal(t, pcSpec, c.SpecPath)
	assert.Equal(t, "POST /api/v2/outbound/campaigns/{campaignId}/calls", c.Operation)
	assert.Equal(t, "/api/v2/outbound/campaigns/{campaignId}/calls", kase.Request.Path)
	assert.Equal(t, map[string]string{"campaignId": "pc-campaign"}, kase.Request.PathParams)
	assert.Equal(t, "pc-service", kase.Auth)
	var pointers []string
	for _, f := range kase.Expect.Lint {
		pointers = append(pointers, f.Pointer+" "+f.Rule)
	}
	assert.Equal(t, []string{"/recipient/address required", "/recipient/phoneNumber additionalProperties", "/recipient/type required"}, pointers)
	assert.NotContains(t, string(c.YAML), "eyJ.secret")
}

// TestAPIKeyHeaderStillLints: a credential header becomes a ${VARIABLE} in
// the case, and lint still shows its findings (the request is linted as
// captured, not through a case whose variable is unset).
func TestAPIKeyHeaderStillLints(t *testing.T) {
	c, kase := newCase(t, Options{Specs: []string{pcSpec, genesysSpec}},
		"curl", "-X", "POST", "https://api.mypurecloud.com/api/v2/conversations/calls",
		"-H", "X-Api-Key: k-12345", "-H", "Content-Type: application/json", "-d", `{"phoneNumber": "+13175550123", "priority": "high"}`)
	assert.Equal(t, genesysSpec, c.SpecPath, "the spec with the operation")
	assert.Equal(t, "${CASEBOOK_X_API_KEY}", kase.Request.Headers["X-Api-Key"])
	assert.NotContains(t, string(c.YAML), "k-12345")
	var rules []string
	for _, f := range c.Findings {
		rules = append(rules, f.Pointer+" "+f.Rule)
	}
	assert.Contains(t, rules, "/priority type")
}

// TestSpecLineWhereTheFolderDisagrees: a case written into a folder whose
// suite checks another spec (or none) names its spec, relative to itself.
func TestSpecLineWhereTheFolderDisagrees(t *testing.T) {
	dir := t.TempDir()
	suite := func(file string) string {
		if strings.HasPrefix(file, filepath.Join(dir, "pc")) {
			return pcSpec
		}
		return ""
	}
	args := []string{"https://h/api/v2/outbound/campaigns/c1/calls", "-X", "POST"}
	inSuite := filepath.Join(dir, "pc", "a.yaml")
	_, kase := newCase(t, Options{Spec: pcSpec, Out: inSuite, SpecFor: suite}, args...)
	assert.Empty(t, kase.Spec, "a case in the suite of its spec needs no spec:")
	elsewhere := filepath.Join(dir, "other", "b.yaml")
	_, kase = newCase(t, Options{Spec: pcSpec, Out: elsewhere, SpecFor: suite}, args...)
	want, err := filepath.Rel(filepath.Dir(elsewhere), absPath(pcSpec))
	require.NoError(t, err)
	assert.Equal(t, filepath.ToSlash(want), kase.Spec)
	c, kase := newCase(t, Options{Specs: []string{pcSpec}}, args...)
	assert.Empty(t, kase.Spec, "on stdout the case cannot know its folder")
	assert.Contains(t, c.Notes, "saved outside a casebook.yaml suite folder, the case needs spec: "+pcSpec)
}

func TestDefaultAuth(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		spec string
		want string
	}{
		{"--auth wins", Options{Auth: "given", Credentials: []string{"only"}}, genesysSpec, "given"},
		{"the config's only credential", Options{Credentials: []string{"only"}}, genesysSpec, "only"},
		{"the overlay's first client", Options{Credentials: []string{"a", "b"}}, genesysSpec, "agent"},
		{"the overlay's first client", Options{}, pcSpec, "pc-service"},
		{"the client of a mock without an overlay", Options{}, "../../../shared/specs-real/genesys-cloud-2018-03-swagger.json", "default"},
	} {
		got, _ := defaultAuth(tc.opts, tc.spec)
		assert.Equal(t, tc.want, got, tc.name)
	}
}

// TestImportPicksARealClient: the README's example, imported against the
// shipped specs, names a client the mock has, and says so.
func TestImportPicksARealClient(t *testing.T) {
	c, kase := newCase(t, Options{Specs: []string{pcSpec, genesysSpec}},
		"-X", "POST", "https://api.mypurecloud.com/api/v2/conversations/calls",
		"-H", "Authorization: Bearer ...", "-d", `{"phoneNumber": "+15550199"}`)
	assert.Equal(t, "agent", kase.Auth)
	assert.Contains(t, strings.Join(c.Notes, "\n"), "auth: agent is the first client of the mock's overlay")
}

func TestNoSpec(t *testing.T) {
	req, err := FromCurl([]string{"https://h/x"})
	require.NoError(t, err)
	_, err = New(t.Context(), req, Options{})
	assert.ErrorContains(t, err, "no spec to lint against")
	_, err = New(t.Context(), req, Options{Spec: "no-such-spec.yaml"})
	assert.ErrorContains(t, err, "no-such-spec.yaml")
}
