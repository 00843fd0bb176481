// Package curl turns a case into a curl command a person can paste, and a
// pasted curl command (or a captured request from a HAR file) back into a
// case. Both directions keep credentials out: an exported command refers
// to environment variables ("$CASEBOOK_TOKEN"), and an imported case names
// a credential with auth: or a ${VARIABLE} instead of holding the secret.
//
//	casebook curl pc-recipient-phone-number
//	casebook import curl -- -X POST https://api.example.com/v1/calls -H 'Authorization: Bearer ey...' -d '{"to":"+1555"}'
package curl
