package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// process is a portal or indexer binary the benchmark runs over a data set.
type process struct {
	name string
	cmd  *exec.Cmd
	out  bytes.Buffer
	addr string
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// start runs bin/name with env added to the benchmark's own environment and waits until
// readyPath answers 200 on the address it was given.
func start(ctx context.Context, binDir, name, addrVar, readyPath string, env []string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p := &process{name: name, addr: addr, done: make(chan struct{})}
	p.cmd = exec.Command(filepath.Join(binDir, name))
	p.cmd.Env = append(append(os.Environ(), env...), addrVar+"="+addr, "LOG_LEVEL=warn")
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
			p.stop()
			return nil, fmt.Errorf("%s not ready on %s within a minute\n%s", name, addr, p.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop asks the process to finish (SIGTERM) and waits for it; stopping twice is harmless.
func (p *process) stop() {
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

func (p *process) url(path string) string { return "http://" + p.addr + path }

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// runTool runs bin/portalctl with args and env, its output passed through to the benchmark's
// log (seed and reindex print their progress), and returns how long it took.
func runTool(ctx context.Context, binDir string, env []string, log io.Writer, args ...string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "portalctl"), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("portalctl %v: %w", args, err)
	}
	return time.Since(t0), nil
}
