package deploy_test

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"helpdesk/config"
)

// compose is what the test reads of docker-compose.yml.
type compose struct {
	Tools    []string `yaml:"x-tools"`
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     any               `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Deploy struct {
			Replicas int `yaml:"replicas"`
		} `yaml:"deploy"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
	Configs map[string]any `yaml:"configs"`
}

// TestComposeFile: docker-compose.yml (which CI cannot run: no Docker here) is valid YAML of
// the topology the README promises, names every binary the project builds, publishes no port
// but nginx's and the mail viewer's, and gives every process an environment the
// configuration accepts.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for name, want := range map[string]int{"portal": 4, "indexer": 2, "worker": 2} {
		if got := c.Services[name].Deploy.Replicas; got != want {
			t.Errorf("%s: %d replicas, want %d", name, got, want)
		}
	}
	for _, name := range []string{"postgres", "postgres-replica", "redis", "elasticsearch", "migrate", "nginx"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("no %s service", name)
		}
	}

	// Every binary of cmd/ runs in a service or is listed as a tool of the image.
	entries, err := os.ReadDir("../cmd")
	if err != nil {
		t.Fatal(err)
	}
	var binaries []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), "_") && !strings.HasPrefix(e.Name(), ".") {
			binaries = append(binaries, e.Name())
		}
	}
	named := map[string]bool{}
	for _, tool := range c.Tools {
		named[tool] = true
	}
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		words := commandWords(s.Command)
		if len(words) == 0 {
			t.Errorf("%s builds the image but runs no command", name)
		}
		for _, w := range words {
			named[w] = true
		}
		// What the image's processes read is what config.Load accepts.
		if _, err := config.Load(func(k string) string { return s.Environment[k] }); err != nil {
			t.Errorf("%s: its environment is refused: %v", name, err)
		}
	}
	for _, b := range binaries {
		if !named[b] {
			t.Errorf("cmd/%s is built into the image but no service runs it nor x-tools lists it", b)
		}
	}
	for tool := range named {
		if slices.Contains(c.Tools, tool) && !slices.Contains(binaries, tool) {
			t.Errorf("x-tools lists %s, which cmd/ does not build", tool)
		}
	}

	// Ports on the host: nginx's 8080 and the mail viewer only; the portals sit behind nginx.
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if !(name == "nginx" && p == "8080:8080") && !(name == "mailpit" && p == "8025:8025") {
				t.Errorf("%s publishes %s", name, p)
			}
		}
		for dep := range s.DependsOn {
			if _, ok := c.Services[dep]; !ok {
				t.Errorf("%s depends on %s, which is no service", name, dep)
			}
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") {
				if _, err := os.Stat("../" + src); err != nil {
					t.Errorf("%s mounts %s: %v", name, src, err)
				}
			} else if _, ok := c.Volumes[src]; !ok {
				t.Errorf("%s mounts volume %s, which is not declared (declared: %v)", name, src, slices.Sorted(maps.Keys(c.Volumes)))
			}
		}
	}
	if env := c.Services["nginx"].Environment; env["PORTAL_UPSTREAMS"] == "" || env["NGINX_LISTEN"] != "8080" {
		t.Errorf("nginx's template values: %v", env)
	}
	if _, ok := c.Configs["replication-hba"]; !ok {
		t.Error("the primary lets no replica connect (configs.replication-hba)")
	}
}

// commandWords are the programs a compose command names: its words that are not flags.
func commandWords(cmd any) []string {
	var text string
	switch v := cmd.(type) {
	case string:
		text = v
	case []any:
		for _, w := range v {
			s, _ := w.(string)
			text += " " + s
		}
	}
	var words []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '&' || r == ';' || r == '"' || r == '\n' }) {
		if !strings.HasPrefix(w, "-") {
			words = append(words, w)
		}
	}
	return words
}
