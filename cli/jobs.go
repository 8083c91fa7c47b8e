package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"helpdesk/store"
)

const jobsUsage = `Usage:
  portalctl jobs list [--state S,S] [--queue Q] [--kind K] [--limit N] [--json]
  portalctl jobs retry --id N     run a failed, discarded or cancelled job again now
  portalctl jobs cancel --id N    give up a job that has not finished`

func runJobs(ctx context.Context, env Env, args []string) error {
	act := func(verb string) subcommand {
		return subcommand{verb, func(ctx context.Context, env Env, args []string) error { return jobsAct(ctx, env, verb, args) }}
	}
	return dispatch(ctx, env, args, jobsUsage, subcommand{"list", jobsList}, act("retry"), act("cancel"))
}

func jobsList(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "jobs list", "jobs list [--state S,S] [--queue Q] [--kind K] [--limit N] [--json]\n\n"+
		"Lists the worker's jobs, newest first, with counts by queue and state. States: available, scheduled,\n"+
		"running, retryable (failed, will retry), discarded (failed for good), cancelled (refused or given\nup), completed.")
	states := fs.String("state", "", "comma-separated states (default: all)")
	queue := fs.String("queue", "", "critical, default or low")
	kind := fs.String("kind", "", "event, mail, chat, sla_check, daily_report")
	limit := fs.Int("limit", 50, "at most this many jobs (1 to 1000)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return fmt.Errorf("%w: --limit must be from 1 to 1000", errUsage)
	}
	f := store.JobFilter{Queue: *queue, Kind: *kind, Limit: *limit}
	if *states != "" {
		f.States = strings.Split(*states, ",")
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	counts, err := st.JobStates(ctx)
	if err != nil {
		return err
	}
	list, err := st.ListJobs(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"counts": counts, "jobs": list})
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "QUEUE\tAVAILABLE\tSCHEDULED\tRUNNING\tRETRYABLE\tDISCARDED\tCANCELLED\tCOMPLETED")
	for _, q := range store.Queues {
		c := counts[q]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", q, c["available"], c["scheduled"], c["running"], c["retryable"],
			c["discarded"], c["cancelled"], c["completed"])
	}
	fmt.Fprintln(tw, "\nID\tKIND\tQUEUE\tSTATE\tATTEMPT\tCREATED\tLAST ERROR")
	for _, j := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, j.Kind, j.Queue, j.State, j.Attempt, j.MaxAttempts,
			j.CreatedAt.UTC().Format("2006-01-02 15:04:05"), strings.Join(strings.Fields(j.LastError), " "))
	}
	return tw.Flush()
}

func jobsAct(ctx context.Context, env Env, verb string, args []string) error {
	fs := newFlags(env, "jobs "+verb, "jobs "+verb+" --id N\n\n"+map[string]string{
		"retry":  "Makes the job available to run again now (a running job is left alone).",
		"cancel": "Cancels a job that has not finished: it will not run again.",
	}[verb])
	id := fs.Int64("id", 0, "the job's id (see jobs list)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("%w: --id is required", errUsage)
	}
	st, _, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	act := st.RetryJob
	if verb == "cancel" {
		act = st.CancelJob
	}
	j, err := act(ctx, *id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no job %d", *id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "job %d (%s) is now %s\n", j.ID, j.Kind, j.State)
	return nil
}
