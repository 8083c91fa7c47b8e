// Package nginx renders the shipped nginx configuration (nginx.conf, portal.conf) with real
// addresses and runs a real nginx on it as the current user, for the tests and the bench.
package nginx

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"helpdesk/internal/procs"
)

var (
	//go:embed nginx.conf
	mainConf string
	//go:embed portal.conf
	portalConf string
)

// Config is what the templates leave open.
type Config struct {
	Listen    string   // NGINX_LISTEN: "8080", "127.0.0.1:8080"
	Upstreams []string // the portals' addresses, host:port
	CacheDir  string   // NGINX_CACHE_DIR
	LogDir    string   // NGINX_LOG_DIR
}

var placeholder = regexp.MustCompile(`\$\{([A-Z_]+)\}`)

// Render returns the template with its ${NAME} placeholders filled, as envsubst would.
func Render(template string, c Config) (string, error) {
	if c.Listen == "" || len(c.Upstreams) == 0 || c.CacheDir == "" || c.LogDir == "" {
		return "", errors.New("nginx: listen, upstreams, cache and log directories are all needed")
	}
	var servers strings.Builder
	for _, u := range c.Upstreams {
		fmt.Fprintf(&servers, "server %s; ", u)
	}
	values := map[string]string{"NGINX_LISTEN": c.Listen, "PORTAL_UPSTREAMS": strings.TrimSpace(servers.String()),
		"NGINX_CACHE_DIR": c.CacheDir, "NGINX_LOG_DIR": c.LogDir}
	var missing []string
	out := placeholder.ReplaceAllStringFunc(template, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := values[name]
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("nginx: no value for %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// Write renders nginx.conf and portal.conf into dir.
func Write(dir string, c Config) error {
	site, err := Render(portalConf, c)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "portal.conf"), []byte(site), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(mainConf), 0o644)
}

// Binary is the nginx executable: on the PATH, else where Debian puts it (/usr/sbin is not on
// every user's PATH). scripts/ensure-nginx installs it.
func Binary() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", errors.New("nginx is not installed: run scripts/ensure-nginx (make test does)")
}

// Server is a running nginx over the portals it was given.
type Server struct {
	Addr string // host:port it listens on
	Dir  string // its prefix: configuration, cache, logs
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan struct{}
}

// Start renders the configuration into dir (its prefix) for upstreams and runs nginx in the
// foreground on a free loopback port, as the current user; it returns once the port answers.
func Start(ctx context.Context, dir string, upstreams []string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	addr, err := procs.FreeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: addr, Dir: dir, done: make(chan struct{})}
	for _, d := range []string{"cache", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := Write(dir, Config{Listen: addr, Upstreams: upstreams, CacheDir: filepath.Join(dir, "cache"), LogDir: filepath.Join(dir, "logs")}); err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, Args(dir)...)
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nginx: %w", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("nginx exited: %s%s", s.out.String(), s.ErrorLog())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.Stop()
			return nil, fmt.Errorf("nginx did not listen on %s: %s", addr, s.ErrorLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Args are nginx's arguments for the configuration in prefix dir: in the foreground, its pid
// file and error log in the prefix. As root, the workers stay root: the prefix is root's.
func Args(dir string) []string {
	global := fmt.Sprintf("daemon off; pid %s; error_log %s warn;", filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"))
	if os.Geteuid() == 0 {
		global += " user root;"
	}
	return []string{"-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", global}
}

// URL is the address of path through nginx.
func (s *Server) URL(path string) string { return "http://" + s.Addr + path }

// ErrorLog is what nginx logged so far.
func (s *Server) ErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "error.log"))
	return string(b)
}

// Stop ends nginx (SIGTERM: at once) and waits for it; stopping twice is harmless.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}
