// Package curl is casebook's one way to and from the shell. Export: a
// request as a curl command a person can paste (Command, rendered for
// `casebook curl` and `casebook run --dry-run` alike, with the one
// shell-quoting function of the project). Import: a pasted curl command
// (or a captured request from a HAR file) back into a case (Parse,
// ToCase). Both directions keep credentials out: a command refers to
// environment variables (${CASEBOOK_TOKEN_AGENT}; the convention is in
// export.go), and an imported case names a credential with auth: or a
// ${VARIABLE} instead of holding the secret.
//
//	casebook curl pc-recipient-phone-number
//	casebook import curl -- -X POST https://api.example.com/v1/calls -H 'Authorization: Bearer ey...' -d '{"to":"+1555"}'
package curl
