package elasticsearch

import (
	"strings"
	"testing"
	"time"

	"helpdesk/search"
	"helpdesk/search/analysis"
)

// BenchmarkAppendBulkIndex encodes a ticket with four comments, as a reindex does a million
// times.
func BenchmarkAppendBulkIndex(b *testing.B) {
	para := strings.Repeat("La impresora de recepción no imprime desde la actualización; el técnico revisó la cola de impresión y reinició el servicio. ", 4)
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	d := &search.Document{Type: search.TypeTicket, ID: 123456, Version: 987654, Title: "No puedo imprimir en la impresora de recepción",
		Body: para, Comments: []string{para, para, para}, Internal: []string{para}, Status: "open", Priority: "high",
		ClientID: 12, ClientName: "Construcciones Ibáñez S.L.", Category: "Impresoras", CreatedAt: now, UpdatedAt: now, SLADue: &now}
	es, err := New([]string{"http://127.0.0.1:9"}, "bench", analysis.New())
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	for b.Loop() {
		var err error
		if buf, err = es.AppendBulkIndex(buf[:0], d); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}
