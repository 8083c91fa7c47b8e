package nginx

import (
	"os/exec"
	"strings"
	"testing"
)

// TestConfigValid renders the shipped templates and has nginx check them (nginx -t): a
// configuration nginx refuses never ships. It fails, never skips, without nginx.
func TestConfigValid(t *testing.T) {
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := Config{Listen: "127.0.0.1:18080", Upstreams: []string{"127.0.0.1:18081", "127.0.0.1:18082"}, CacheDir: dir + "/cache", LogDir: dir}
	if err := Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(Args(dir), "-t")...).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	site, err := Render(portalConf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"server 127.0.0.1:18081; server 127.0.0.1:18082;", "listen 127.0.0.1:18080;"} {
		if !strings.Contains(site, want) {
			t.Errorf("rendered portal.conf lacks %q", want)
		}
	}
	if strings.Contains(site, "${") {
		t.Error("a placeholder is left in the rendered portal.conf")
	}
	if _, err := Render(portalConf+"${NGINX_OTHER}", cfg); err == nil {
		t.Error("an unknown placeholder was rendered")
	}
}
