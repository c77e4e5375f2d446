//go:build !unix

package store

// openNoBlock: systems without FIFOs in the file system need no flag.
const openNoBlock = 0
