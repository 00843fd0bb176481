package spec

import (
	"fmt"
	"maps"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

// toV3 is openapi2conv.ToV3: the same document, made by the same exported
// conversion functions in the same order, with its $refs resolved. Only
// the resolution differs when it can: ToV3 ends with the loader's generic
// ResolveRefsIn, which on the Genesys swagger (10,687 $refs) was ~77 of
// its ~95 ms and the largest single cost of `casebook mock`'s start-up.
// Every $ref a conversion writes names a component of the same document
// ("#/definitions/X" becomes "#/components/schemas/X"), so
// resolveComponentRefs sets each one with a map lookup; a document it is
// unsure of goes to the loader as ToV3 sends it, errors and all.
//
// The one difference left: the loader also records, in an unexported
// field, the path each $ref was resolved against (RefPath), which only
// openapi3's InternalizeRefs reads; casebook calls neither.
// TestToV3MatchesKinOpenAPI holds the two results equal otherwise.
//
// resolved says that resolveComponentRefs resolved every $ref, so that
// each schema $ref is known to lead to a schema.
func toV3(doc2 *openapi2.T) (doc3 *openapi3.T, resolved bool, err error) {
	if doc3, err = convertSwagger2(doc2); err != nil {
		return nil, false, err
	}
	if resolveComponentRefs(doc3) {
		return doc3, true, nil
	}
	if err := openapi3.NewLoader().ResolveRefsIn(doc3, nil); err != nil {
		return nil, false, err
	}
	return doc3, false, nil
}

// convertSwagger2 is kin-openapi v0.153.0's openapi2conv.ToV3WithLoader
// (github.com/getkin/kin-openapi, openapi2conv/openapi2_conv.go; Copyright
// (c) 2017-2018 the project authors; MIT licence, its text beside this
// file in LICENSE.kin-openapi)
// without its last step, the loader's ResolveRefsIn: every part goes
// through the package's exported functions, in the same order (paths
// before definitions: a path's formData parameter looks for its schema
// among the components converted so far). When kin-openapi is upgraded,
// TestToV3MatchesKinOpenAPI says whether this still makes its document.
func convertSwagger2(doc2 *openapi2.T) (*openapi3.T, error) {
	doc3 := &openapi3.T{
		OpenAPI:      "3.0.3",
		Info:         &doc2.Info,
		Components:   &openapi3.Components{},
		Tags:         doc2.Tags,
		Extensions:   stripNonExtensions(doc2.Extensions),
		ExternalDocs: doc2.ExternalDocs,
	}
	if err := convertServers(doc2, doc3); err != nil {
		return nil, err
	}
	doc3.Components.Schemas = make(map[string]*openapi3.SchemaRef)
	if parameters := doc2.Parameters; len(parameters) != 0 {
		doc3.Components.Parameters = make(map[string]*openapi3.ParameterRef)
		doc3.Components.RequestBodies = make(map[string]*openapi3.RequestBodyRef)
		for k, parameter := range parameters {
			v3Parameter, v3RequestBody, v3SchemaMap, err := openapi2conv.ToV3Parameter(doc3.Components, parameter, doc2.Consumes)
			switch {
			case err != nil:
				return nil, err
			case v3RequestBody != nil:
				doc3.Components.RequestBodies[k] = v3RequestBody
			case v3SchemaMap != nil:
				for _, v3Schema := range v3SchemaMap {
					doc3.Components.Schemas[k] = v3Schema
				}
			default:
				doc3.Components.Parameters[k] = v3Parameter
			}
		}
	}
	if paths := doc2.Paths; len(paths) != 0 {
		doc3.Paths = openapi3.NewPathsWithCapacity(len(paths))
		for path, pathItem := range paths {
			r, err := openapi2conv.ToV3PathItem(doc2, doc3.Components, pathItem, doc2.Consumes)
			if err != nil {
				return nil, err
			}
			doc3.Paths.Set(path, r)
		}
	}
	if responses := doc2.Responses; len(responses) != 0 {
		doc3.Components.Responses = make(openapi3.ResponseBodies, len(responses))
		for k, response := range responses {
			r, err := openapi2conv.ToV3Response(response, doc2.Produces)
			if err != nil {
				return nil, err
			}
			doc3.Components.Responses[k] = r
		}
	}
	maps.Copy(doc3.Components.Schemas, openapi2conv.ToV3Schemas(doc2.Definitions))
	if m := doc2.SecurityDefinitions; len(m) != 0 {
		doc3SecuritySchemes := make(map[string]*openapi3.SecuritySchemeRef)
		for k, v := range m {
			r, err := openapi2conv.ToV3SecurityScheme(v)
			if err != nil {
				return nil, err
			}
			doc3SecuritySchemes[k] = r
		}
		doc3.Components.SecuritySchemes = doc3SecuritySchemes
	}
	doc3.Security = openapi2conv.ToV3SecurityRequirements(doc2.Security)
	return doc3, nil
}

// convertServers is ToV3WithLoader's servers from host, schemes and basePath.
func convertServers(doc2 *openapi2.T, doc3 *openapi3.T) error {
	if host := doc2.Host; host != "" {
		if strings.Contains(host, "/") {
			return fmt.Errorf("invalid host %q. This MUST be the host only and does not include the scheme nor sub-paths", host)
		}
		schemes := doc2.Schemes
		if len(schemes) == 0 {
			schemes = []string{"https"}
		}
		basePath := doc2.BasePath
		if basePath == "" {
			basePath = "/"
		}
		for _, scheme := range schemes {
			u := url.URL{Scheme: scheme, Host: host, Path: basePath}
			doc3.AddServer(&openapi3.Server{URL: u.String()})
		}
	} else if basePath := doc2.BasePath; basePath != "" {
		// A relative server URL, escaped as the one with a host is.
		doc3.AddServer(&openapi3.Server{URL: (&url.URL{Path: basePath}).String()})
	}
	return nil
}

// stripNonExtensions is openapi2conv's: it keeps the x- keys, in place.
func stripNonExtensions(extensions map[string]any) map[string]any {
	for name := range extensions {
		if !strings.HasPrefix(name, "x-") {
			delete(extensions, name)
		}
	}
	return extensions
}
