// Package proctest holds what the tests that run real processes (the
// binary, Kubo, nginx, the load generator) share.
package proctest

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that a process's output copier and the test
// may use at once.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
