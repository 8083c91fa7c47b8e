package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// REDIS_URL names one server, a Sentinel group or a Cluster:
//
//	redis://[[user]:password@]host:port[/db][?options]                  one server (rediss:// with TLS)
//	redis-sentinel://[[user]:password@]host:port[,host:port…]/master[/db][?options]
//	redis-cluster://[[user]:password@]host:port[,host:port…][?options]  (rediss-cluster:// with TLS)
//
// The credentials are the Redis servers' (the master's and replicas', the cluster nodes');
// sentinels that need their own take sentinel_username and sentinel_password. The options are
// go-redis's URL options (dial_timeout=2s, pool_size=20, …), which go-redis reads and checks.
// go-redis parses each form; this file only turns a host list into its addr options.

// RedisForms is the one-line reminder a REDIS_URL error ends with.
const RedisForms = "redis://host:port/db, redis-sentinel://host:port,host:port/master or redis-cluster://host:port,host:port"

// ParseRedisURL reads REDIS_URL into the options of go-redis's universal client: a plain,
// Sentinel-backed or Cluster client follows from them (redis.NewUniversalClient). Errors never
// repeat the URL, which may hold a password.
func ParseRedisURL(raw string) (*redis.UniversalOptions, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, errors.New("no scheme")
	}
	switch scheme {
	case "redis", "rediss":
		if strings.Contains(hostsOf(rest), ",") {
			return nil, errors.New("several hosts need redis-sentinel:// or redis-cluster://")
		}
		o, err := redis.ParseURL(raw)
		if err != nil {
			return nil, clean(err)
		}
		return universal(o)
	case "redis-sentinel":
		return parseSentinel(rest)
	case "redis-cluster", "rediss-cluster":
		return parseCluster(strings.TrimSuffix(scheme, "-cluster"), rest)
	}
	return nil, fmt.Errorf("unknown scheme %q", scheme)
}

// split reads what follows "scheme://": credentials, host:port list, path and query.
func split(rest string) (user *url.Userinfo, hosts []string, path string, q url.Values, err error) {
	authority := hostsOf(rest)
	tail := rest[len(authority):]
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		u, err := url.Parse("redis://" + authority[:i+1] + "x")
		if err != nil {
			return nil, nil, "", nil, errors.New("bad credentials")
		}
		user, authority = u.User, authority[i+1:]
	}
	for _, h := range strings.Split(authority, ",") {
		host, port, err := net.SplitHostPort(strings.TrimSpace(h))
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			return nil, nil, "", nil, fmt.Errorf("%q is not host:port", h)
		}
		hosts = append(hosts, net.JoinHostPort(host, port))
	}
	path, query, _ := strings.Cut(tail, "?")
	if q, err = url.ParseQuery(query); err != nil {
		return nil, nil, "", nil, errors.New("bad query")
	}
	return user, hosts, path, q, nil
}

// hostsOf is the authority of a URL without its scheme: up to the path or the query.
func hostsOf(rest string) string {
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		return rest[:i]
	}
	return rest
}

// parseSentinel reads host:port,…/master[/db] and has go-redis parse its failover form, where
// the first sentinel is the host and the others addr options.
func parseSentinel(rest string) (*redis.UniversalOptions, error) {
	user, hosts, path, q, err := split(rest)
	if err != nil {
		return nil, err
	}
	parts := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	if len(parts) == 0 || len(parts) > 2 {
		return nil, errors.New("a Sentinel URL names its master: redis-sentinel://host:port,host:port/master[/db]")
	}
	if q.Has("master_name") {
		return nil, errors.New("name the master in the path, not with master_name")
	}
	// Reads from replicas could miss a session written a moment before: the master answers all.
	for _, k := range []string{"route_by_latency", "route_randomly", "replica_only"} {
		if q.Has(k) {
			return nil, fmt.Errorf("option %s is not supported: the master answers every command", k)
		}
	}
	lib := url.URL{Scheme: "redis", Host: hosts[0]}
	if len(parts) == 2 {
		lib.Path = "/" + parts[1]
	}
	// go-redis takes the sentinels' credentials from the URL's user part.
	su, sp := q.Get("sentinel_username"), q.Get("sentinel_password")
	q.Del("sentinel_username")
	q.Del("sentinel_password")
	if su != "" || sp != "" {
		lib.User = url.UserPassword(su, sp)
	}
	q.Set("master_name", parts[0])
	for _, h := range hosts[1:] {
		q.Add("addr", h)
	}
	lib.RawQuery = q.Encode()
	o, err := redis.ParseFailoverURL(lib.String())
	if err != nil {
		return nil, clean(err)
	}
	if user != nil {
		o.Username = user.Username()
		o.Password, _ = user.Password()
	}
	return universal(o)
}

// parseCluster reads host:port,… and has go-redis parse its cluster form.
func parseCluster(scheme, rest string) (*redis.UniversalOptions, error) {
	user, hosts, path, q, err := split(rest)
	if err != nil {
		return nil, err
	}
	if strings.Trim(path, "/") != "" {
		return nil, errors.New("a Cluster has one database: no /db in a redis-cluster URL")
	}
	for _, k := range []string{"read_only", "route_by_latency", "route_randomly"} {
		if q.Has(k) {
			return nil, fmt.Errorf("option %s is not supported: the masters answer every command", k)
		}
	}
	for _, h := range hosts[1:] {
		q.Add("addr", h)
	}
	lib := url.URL{Scheme: scheme, User: user, Host: hosts[0], RawQuery: q.Encode()}
	o, err := redis.ParseClusterURL(lib.String())
	if err != nil {
		return nil, clean(err)
	}
	u, err := universal(o)
	if err != nil {
		return nil, err
	}
	u.IsClusterMode = true // even with one seed address
	if u.TLSConfig != nil {
		// go-redis names the first host as every node's TLS server name: each node is
		// checked against its own address instead.
		u.TLSConfig = u.TLSConfig.Clone()
		u.TLSConfig.ServerName = ""
	}
	return u, nil
}

// clean drops the URL from url.Parse's errors: it may hold a password.
func clean(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// universal copies go-redis's parsed options into its universal ones, field by field of the
// same name, so that no option a URL sets is lost on the way; one the universal client has no
// field for is an error rather than silently ignored.
func universal(src any) (*redis.UniversalOptions, error) {
	dst := &redis.UniversalOptions{}
	dv, sv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	for i := range sv.NumField() {
		f, v := sv.Type().Field(i), sv.Field(i)
		if !f.IsExported() || v.IsZero() {
			continue
		}
		switch f.Name {
		case "Network":
			if v.String() != "tcp" {
				return nil, fmt.Errorf("network %s is not supported", v.String())
			}
			continue
		case "Addr":
			dst.Addrs = []string{v.String()}
			continue
		case "SentinelAddrs":
			dst.Addrs = v.Interface().([]string)
			continue
		}
		d := dv.FieldByName(f.Name)
		if !d.IsValid() || d.Type() != f.Type {
			return nil, fmt.Errorf("option %s is not supported", f.Name)
		}
		d.Set(v)
	}
	return dst, nil
}

// OpenRedis returns the client REDIS_URL names (tests and tools; the portal reads it in Load).
func OpenRedis(raw string) (redis.UniversalClient, error) {
	o, err := ParseRedisURL(raw)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	return redis.NewUniversalClient(o), nil
}
