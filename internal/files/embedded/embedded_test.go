package embedded_test

import (
	"testing"

	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/files/embedded"
	"github.com/acanban/acanban/internal/files/filestest"
)

func TestConformance(t *testing.T) {
	filestest.Run(t, func(t *testing.T) files.Files {
		s, err := embedded.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
