package config

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestParseRedisURL(t *testing.T) {
	type want struct {
		kind           string // the client NewUniversalClient makes: single, sentinel or cluster
		addrs          []string
		master         string
		db             int
		user, password string
		sentinelPass   string
		tls            bool
	}
	cases := []struct {
		url     string
		want    want
		wantErr string
	}{
		{"redis://127.0.0.1:6379/0", want{kind: "single", addrs: []string{"127.0.0.1:6379"}}, ""},
		{"redis://:s3cret@cache.internal:6380/2?dial_timeout=2s", want{kind: "single", addrs: []string{"cache.internal:6380"}, db: 2, password: "s3cret"}, ""},
		{"rediss://app:pw@cache.internal:6380", want{kind: "single", addrs: []string{"cache.internal:6380"}, user: "app", password: "pw", tls: true}, ""},
		{"redis-sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379/mymaster",
			want{kind: "sentinel", addrs: []string{"10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"}, master: "mymaster"}, ""},
		{"redis-sentinel://:pw@s1:26379,s2:26379/mymaster/3", want{kind: "sentinel", addrs: []string{"s1:26379", "s2:26379"}, master: "mymaster", db: 3, password: "pw"}, ""},
		{"redis-sentinel://s1:26379/mymaster?db=1&sentinel_password=spw&pool_size=20",
			want{kind: "sentinel", addrs: []string{"s1:26379"}, master: "mymaster", db: 1, sentinelPass: "spw"}, ""},
		{"redis-sentinel://[::1]:26379,[::1]:26380/m", want{kind: "sentinel", addrs: []string{"[::1]:26379", "[::1]:26380"}, master: "m"}, ""},
		{"redis-cluster://n1:7000,n2:7001,n3:7002", want{kind: "cluster", addrs: []string{"n1:7000", "n2:7001", "n3:7002"}}, ""},
		{"redis-cluster://:pw@n1:7000", want{kind: "cluster", addrs: []string{"n1:7000"}, password: "pw"}, ""},
		{"rediss-cluster://n1:7000,n2:7000/?read_timeout=1s", want{kind: "cluster", addrs: []string{"n1:7000", "n2:7000"}, tls: true}, ""},

		{"http://127.0.0.1:6379", want{}, "unknown scheme"},
		{"127.0.0.1:6379", want{}, "no scheme"},
		{"redis://a:6379,b:6379/0", want{}, "several hosts"},
		{"redis://127.0.0.1:6379/zero", want{}, "database"},
		{"redis://127.0.0.1:6379/0?colour=blue", want{}, "colour"},
		{"redis-sentinel://s1:26379,s2:26379", want{}, "names its master"},
		{"redis-sentinel://s1:26379/m/1/2", want{}, "names its master"},
		{"redis-sentinel://s1:26379/m?master_name=n", want{}, "in the path"},
		{"redis-sentinel://s1:26379/m?route_randomly=true", want{}, "route_randomly"},
		{"redis-sentinel://s1:26379/m/x", want{}, "database"},
		{"redis-sentinel://s1,s2:26379/m", want{}, "not host:port"},
		{"redis-sentinel://s1:26379,:26380/m", want{}, "not host:port"},
		{"redis-sentinel://s1:99999/m", want{}, "not host:port"},
		{"redis-sentinel://s1:26379/m?dial_timeout=soon", want{}, "dial_timeout"},
		{"redis-cluster://n1:7000/1", want{}, "one database"},
		{"redis-cluster://n1:7000?read_only=true", want{}, "read_only"},
		{"redis-cluster://n1:7000?bogus=1", want{}, "bogus"},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			o, err := ParseRedisURL(c.url)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := want{addrs: o.Addrs, master: o.MasterName, db: o.DB, user: o.Username, password: o.Password,
				sentinelPass: o.SentinelPassword, tls: o.TLSConfig != nil}
			rdb := redis.NewUniversalClient(o)
			defer rdb.Close()
			switch rdb.(type) {
			case *redis.ClusterClient:
				got.kind = "cluster"
			case *redis.Client:
				got.kind = "single"
				if o.MasterName != "" {
					got.kind = "sentinel"
				}
			}
			if got.kind != c.want.kind || !slices.Equal(got.addrs, c.want.addrs) || got.master != c.want.master || got.db != c.want.db ||
				got.user != c.want.user || got.password != c.want.password || got.sentinelPass != c.want.sentinelPass || got.tls != c.want.tls {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// The options a URL sets reach the universal options, and so the client.
func TestParseRedisURLOptions(t *testing.T) {
	o, err := ParseRedisURL("redis-sentinel://s1:26379/m?dial_timeout=2s&read_timeout=1500ms&pool_size=7&max_retries=2")
	if err != nil {
		t.Fatal(err)
	}
	if o.DialTimeout != 2*time.Second || o.ReadTimeout != 1500*time.Millisecond || o.PoolSize != 7 || o.MaxRetries != 2 {
		t.Errorf("options lost: %+v", o)
	}
	if f := o.Failover(); f.MasterName != "m" || f.PoolSize != 7 || !slices.Equal(f.SentinelAddrs, []string{"s1:26379"}) {
		t.Errorf("failover options %+v", f)
	}
}

// A configuration error names the problem, never the password.
func TestRedisURLErrorHidesPassword(t *testing.T) {
	for _, u := range []string{"redis://:hunter2@127.0.0.1:6379/zero", "redis-sentinel://:hunter2@s1:26379", "redis://:hunter2@[::1:6379/0",
		"redis-cluster://:hunter2@n1:7000?bogus=1"} {
		_, err := Load(func(k string) string {
			return map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db", "REDIS_URL": u}[k]
		})
		if err == nil || !strings.Contains(err.Error(), "REDIS_URL") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error %v", u, err)
		}
	}
}
