package markdown

import ("testing";"time";"os";"fmt")

func FuzzZZSlow(f *testing.F) {
	for _, s := range xss { f.Add(s) }
	f.Add("# Título\n\n## Configuración de red\n\n| a | b |\n|:-:|--:|\n| <b>x</b> | [y](/kb/y) |\n\n- [x] hecho\n\n```go\nx := 1\n```\n")
	f.Add("Vea https://example.com, www.example.org y it@example.com")
	f.Fuzz(func(t *testing.T, src string) {
		cur := fmt.Sprintf("/tmp/slow/cur-%d", os.Getpid())
		os.WriteFile(cur, []byte(src), 0o644)
		start := time.Now()
		Render(src)
		if d := time.Since(start); d > 200*time.Millisecond {
			os.WriteFile(fmt.Sprintf("/tmp/slow/slow-%d-%d", d.Milliseconds(), time.Now().UnixNano()), []byte(src), 0o644)
		}
	})
}
