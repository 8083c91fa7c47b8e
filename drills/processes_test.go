//go:build drills

package drills

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/internal/logcheck"
	"helpdesk/internal/procs"
)

// The binaries the drills run as child processes.

// process is one of the project's binaries running as a child process. Its output goes to a
// file, kept (its path printed) when the test fails.
type process struct {
	t      *testing.T
	name   string
	bin    string
	env    []string
	logf   string
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
	kills  int
}

func newProcess(t *testing.T, name, bin string, env []string) *process {
	t.Helper()
	p := &process{t: t, name: name, bin: bin, env: env, logf: filepath.Join(t.TempDir(), name+".log")}
	t.Cleanup(func() {
		p.kill()
		p.checkLog()
		if t.Failed() {
			p.keepLog()
		}
	})
	return p
}

func (p *process) start() {
	p.t.Helper()
	f, err := os.OpenFile(p.logf, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close() // the child holds its own descriptor
	cmd := exec.Command(p.bin)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	p.starts++
}

// kill sends SIGKILL: no chance to finish a batch or close a connection.
func (p *process) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.cmd = nil
	p.kills++
}

// alive reports whether the process started last is still running.
func (p *process) alive() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// checkLog fails the test when a line the process logged is not one JSON object with each key
// once, as log pipelines need.
func (p *process) checkLog() {
	f, err := os.Open(p.logf)
	if errors.Is(err, os.ErrNotExist) {
		return // never started
	} else if err != nil {
		p.t.Error(err)
		return
	}
	defer f.Close()
	if _, err := logcheck.Lines(f); err != nil {
		p.t.Errorf("the %s's log: %v", p.name, err)
	}
}

// keepLog copies the process's output where it outlives the test, and says where: one line,
// so that the failures above stay in the last lines a CI log shows.
func (p *process) keepLog() {
	b, err := os.ReadFile(p.logf)
	if err != nil {
		return
	}
	dir := filepath.Join(os.TempDir(), "drill-logs", strings.ReplaceAll(p.t.Name(), "/", "_"))
	dst := filepath.Join(dir, p.name+".log")
	if err := os.MkdirAll(dir, 0o755); err == nil {
		err = os.WriteFile(dst, b, 0o644)
	}
	if err != nil {
		p.t.Logf("the %s's output could not be kept: %v", p.name, err)
		return
	}
	p.t.Logf("the %s's output (%d lines): %s", p.name, strings.Count(string(b), "\n"), dst)
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := procs.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}
