-- schema_tour.lua - one design that reaches every branch of schemas/*.schema.json: every group
-- kind, every component kind, every distribution (mixtures and hyperexponentials too), both
-- built-in flows and the default route, link latencies, every expectation metric, one with a
-- class and one with nothing to measure. Every class has a route, so check finds no error.
-- tests/cli/schemas.sh exports and runs it and validates both documents.
local dk = require "designkit"
local m = dk.model "schema-tour"

local region = m:group "eu" { kind = "region" }
local zone = region:group "eu-1a" { kind = "zone" }
local cluster = zone:group "k8s" { kind = "cluster" }
local misc = m:group "misc" {}

local users = m:client "users" { rate = "300/s", arrivals = "constant",
                                 mix = { read = 0.8, write = 0.15, other = 0.05 },
                                 keys = dk.zipf { n = 500, s = 0.8 } }
local lb = region:balancer "lb" { replicas = 2, algorithm = "round_robin" }
local api = cluster:service "api" { replicas = 2, workers = 8, queue = 64,
                                    time = dk.empirical({ "1ms", "3ms" }, { 3, 1 }) }
local cache = zone:cache "cache" { capacity = 200, policy = "lru", ttl = "30s",
                                   time = dk.uniform("100us", "300us") }
local db = zone:database "db" { replicas = 2, replication = "async", lag = dk.pareto("1ms", 2),
                                time = dk.lognormal("3ms", 0.4) }
local jobs = misc:queue "jobs" { consumers = 2, time = dk.normal("1ms", "100us") }
local audit = misc:service "audit" {
  time = dk.mixture { { 0.9, dk.exp "1ms" }, { 0.1, dk.hyperexp { { 0.5, "2ms" }, { 0.5, "6ms" } } } } }

m:link(users, lb)
m:link(lb, api, { latency = dk.constant "200us" })
m:link(api, cache)
m:link(api, db, { latency = dk.exp "100us" })
m:link(api, jobs)
m:link(jobs, db)
m:link(jobs, audit)
api:route("read", dk.cache_aside(cache, db))
api:route("write", dk.call(db, jobs))
api:route("*", dk.call(db))
jobs:route("*", dk.call(db, audit))

m:expect { p50 = "1s", p90 = "1s", p99 = "1s", p999 = "1s", mean = "1s", availability = 0.5,
           throughput = 1, utilisation = 1 }
m:expect { class = "read", p99 = "1s" }
m:expect { class = "never-sent", p99 = "1s" } -- nothing to measure: no "value" in the report
return m
