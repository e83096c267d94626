package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/store"
)

// BenchmarkWriteSync measures write transactions of three statements from
// 64 writers at once, with the log synced at each commit (FULL, the
// setting Acanban uses) and without (NORMAL), on the disk of the data
// folder's kind (TMPDIR).
func BenchmarkWriteSync(b *testing.B) {
	for _, mode := range []string{"FULL", "NORMAL"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			st, err := open(ctx, filepath.Join(b.TempDir(), "db"), mode)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			var n atomic.Int64
			b.SetParallelism(32) // 64 writers on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					err := st.Atomic(ctx, func(q store.Queries) error {
						for j := range 3 {
							if err := q.RecordLoginFailure(ctx, fmt.Sprintf("k%d-%d", i, j), time.Now()); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
		})
	}
}
