//go:build !unix

package inputfile

import "os"

// readRegular opens path for readOpen: elsewhere than on unix, os.Open
// is the way.
func readRegular(buf []byte, path string, limit int64) ([]byte, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return nil, f, nil
}
