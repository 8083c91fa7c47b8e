// Package procs runs the project's own binaries (portal, indexer, portalctl) as child processes
// for the benchmarks and the relevance harness, and waits until they answer.
package procs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Process is a portal or indexer binary running over a data set.
type Process struct {
	name string
	cmd  *exec.Cmd
	out  bytes.Buffer
	Addr string
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// Start runs bin/name with env added to the caller's own environment and waits until
// readyPath answers 200 on the address it was given.
func Start(ctx context.Context, binDir, name, addrVar, readyPath string, env []string) (*Process, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	p := &Process{name: name, Addr: addr, done: make(chan struct{})}
	p.cmd = exec.Command(filepath.Join(binDir, name))
	p.cmd.Env = append(Environ(env...), addrVar+"="+addr, "LOG_LEVEL=warn")
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited before it was ready: %v\n%s", name, p.err, p.out.String())
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+readyPath, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.Stop()
			return nil, fmt.Errorf("%s not ready on %s within a minute\n%s", name, addr, p.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop asks the process to finish (SIGTERM) and waits for it; stopping twice is harmless.
func (p *Process) Stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// URL is the address of path on the process.
func (p *Process) URL(path string) string { return "http://" + p.Addr + path }

// Output is what the process printed so far.
func (p *Process) Output() string { return p.out.String() }

// FreeAddr returns a loopback address with a port nobody listens on, for a child process to
// bind. The port is drawn below Linux's ephemeral range (32768–60999): a port the kernel handed
// out for :0 goes back to that pool when the probe closes, and an outgoing connection of any
// process here (to Postgres, Elasticsearch, Redis) could take it before the child binds it.
func FreeAddr() (string, error) {
	var err error
	for range 100 {
		var l net.Listener
		if l, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", firstPort+rand.IntN(ports))); err == nil {
			addr := l.Addr().String()
			l.Close()
			return addr, nil
		}
	}
	return "", fmt.Errorf("find a free port: %w", err)
}

// The ports FreeAddr draws from: above every port of scripts/services (all below 19314, moved
// up by at most 4999) and below the kernel's ephemeral range (32768 and up), which outgoing
// connections take from at any moment.
const firstPort, ports = 25000, 7000

// RunTool runs bin/portalctl with args and env, its output passed through to log (seed and
// reindex print their progress), and returns how long it took.
func RunTool(ctx context.Context, binDir string, env []string, log io.Writer, args ...string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "portalctl"), args...)
	cmd.Env = Environ(env...)
	cmd.Stdout, cmd.Stderr = log, log
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("portalctl %v: %w", args, err)
	}
	return time.Since(t0), nil
}

// Environ is this process's environment with env added (a later value of a name wins). When
// env names another database (DATABASE_URL), the replicas of the caller's database are left
// out: they are not that database's, and the portal refuses them.
func Environ(env ...string) []string {
	base := os.Environ()
	if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "DATABASE_URL=") }) {
		base = slices.DeleteFunc(base, func(kv string) bool { return strings.HasPrefix(kv, "DATABASE_REPLICA_URLS=") })
	}
	return append(base, env...)
}

// QuietReportTZ is a REPORT_TZ in which the worker's daily report (09:00 there, sent up to six
// hours late by a worker that starts after it) is not due at now: a worker a test or the bench
// starts mails only what the test counts, at whatever hour it runs.
func QuietReportTZ(now time.Time) string {
	// Local time 21:00 now: twelve hours past 09:00, twelve before the next.
	offset := (21 - now.UTC().Hour() + 24) % 24 // hours ahead of UTC
	if offset > 14 {
		offset -= 24 // Etc/GMT zones run from 12 hours behind to 14 ahead
	}
	switch {
	case offset == 0:
		return "UTC"
	case offset > 0:
		return fmt.Sprintf("Etc/GMT-%d", offset) // POSIX signs: GMT-3 is three hours ahead
	default:
		return fmt.Sprintf("Etc/GMT+%d", -offset)
	}
}

// Services runs the project's services script (scripts/services, at path) with args, its
// output to log: starting and stopping the private services and the on-demand clusters.
func Services(ctx context.Context, path string, log io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", filepath.Base(path), strings.Join(args, " "), err)
	}
	return nil
}

// ServicesEnv returns what `scripts/services env` exports, by name: the addresses of the
// services that run (ELASTICSEARCH_CLUSTER_URL only while the cluster does).
func ServicesEnv(ctx context.Context, path string) (map[string]string, error) {
	out, err := exec.CommandContext(ctx, path, "env").Output()
	if err != nil {
		return nil, fmt.Errorf("%s env: %w", filepath.Base(path), err)
	}
	vars := map[string]string{}
	for line := range strings.Lines(string(out)) {
		name, value, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		if ok {
			vars[name] = strings.Trim(value, `'"`)
		}
	}
	return vars, nil
}

// RunningCluster returns the node addresses of the 3-node Elasticsearch cluster of the
// services script at path (ELASTICSEARCH_CLUSTER_URL of its env): nil when it does not run.
func RunningCluster(ctx context.Context, path string) ([]string, error) {
	vars, err := ServicesEnv(ctx, path)
	if err != nil || vars["ELASTICSEARCH_CLUSTER_URL"] == "" {
		return nil, err
	}
	return strings.Split(vars["ELASTICSEARCH_CLUSTER_URL"], ","), nil
}
