---@meta designkit
-- designkit.lua - LuaCATS annotations for editors (lua-language-server). Not loaded at run time.

---@alias designkit.Duration string|number  # "2ms", "1.5s", "5y", or a number of seconds
---@alias designkit.Size string|integer     # "64KiB", "500B", or bytes
---@alias designkit.Rate string|number      # "1k/s", "1200 rps", or per second
---@alias designkit.Fraction string|number  # "99.9%" or 0.999
---@alias designkit.Reply "ok"|"hit"|"miss"|"rejected"|"failed"
---@alias designkit.Value designkit.Duration|designkit.Size|designkit.Rate|designkit.Dist|table<string, number>

---@class designkit
---@field version string
---@field kinds designkit.Kind[]
---@field json designkit.json
---@field splitwise designkit.splitwise
---@field snakes designkit.snakes
---@field hash designkit.hashlib
---@field elevator designkit.elevator
---@field shard designkit.shardlib
local dk = {}

-- ---- units ----

---Parses a duration; returns seconds. `dk.duration "2ms"` is 0.002.
---@param text designkit.Duration
---@return number seconds
function dk.duration(text) end

---Parses a size; returns bytes. `dk.size "64KiB"` is 65536.
---@param text designkit.Size
---@return integer bytes
function dk.size(text) end

---Parses a rate; returns per second. `dk.rate "1k/s"` is 1000.
---@param text designkit.Rate
---@return number per_second
function dk.rate(text) end

---Parses a percentage; returns a fraction. `dk.percent "99.9%"` is 0.999.
---@param text designkit.Fraction
---@return number fraction
function dk.percent(text) end

---@param seconds number
---@return string text "2.5ms"
function dk.format_duration(seconds) end

---@param bytes number
---@return string text "64KiB"
function dk.format_size(bytes) end

---@param per_second number
---@return string text "1.2k/s"
function dk.format_rate(per_second) end

-- ---- distributions ----

---A distribution of durations (if any argument was a string like "2ms") or of plain numbers.
---@class designkit.Dist
local Dist = {}

---The analytic mean (seconds for durations).
---@return number
function Dist:mean() end

---"exponential", "uniform", ...
---@return string
function Dist:kind() end

---Whether it was made from durations.
---@return boolean
function Dist:is_durations() end

---`n` draws from a stream seeded by `seed` (default 1), in seconds for durations.
---@param n integer
---@param seed? integer
---@return number[]
function Dist:samples(n, seed) end

---@param value designkit.Duration|number
---@return designkit.Dist
function dk.constant(value) end

---@param lo designkit.Duration|number
---@param hi designkit.Duration|number
---@return designkit.Dist
function dk.uniform(lo, hi) end

---Exponential with the given mean.
---@param mean designkit.Duration|number
---@return designkit.Dist
function dk.exp(mean) end

---The same as `dk.exp`, by the kind's full name.
---@param mean designkit.Duration|number
---@return designkit.Dist
function dk.exponential(mean) end

---@param mean designkit.Duration|number
---@param sd designkit.Duration|number
---@return designkit.Dist
function dk.normal(mean, sd) end

---Log-normal with the given median (mu = log(median)) and sigma.
---@param median designkit.Duration|number
---@param sigma number
---@return designkit.Dist
function dk.lognormal(median, sigma) end

---@param scale designkit.Duration|number
---@param shape number
---@return designkit.Dist
function dk.pareto(scale, shape) end

---Keys 1..n with P(k) proportional to k^-s: `dk.zipf { n = 1e6, s = 0.99 }` or `dk.zipf(n, s)`.
---@param n integer|{n: integer, s?: number}
---@param s? number
---@return designkit.Dist
function dk.zipf(n, s) end

---One of `values` with the given weights (equal if omitted).
---@param values (designkit.Duration|number)[]
---@param weights? number[]
---@return designkit.Dist
function dk.empirical(values, weights) end

---A part of `dk.mixture`: `{weight, dist}` or `{weight = w, dist = d}`; `dist` may also be a
---number or a duration (a constant).
---@alias designkit.MixturePart {[1]: number, [2]: designkit.Dist|designkit.Duration|number}|{weight: number, dist: designkit.Dist|designkit.Duration|number}

---Part i with probability weight_i / sum of the weights:
---`dk.mixture { {0.9, dk.exp "1ms"}, {0.1, "50ms"} }`. Durations if any part is.
---@param parts designkit.MixturePart[]
---@return designkit.Dist
function dk.mixture(parts) end

---A phase of `dk.hyperexp`: `{p, mean}`, `{p = p, mean = m}` or `{p = p, rate = r}`.
---@alias designkit.Phase {[1]: number, [2]: designkit.Duration|number}|{p: number, mean?: designkit.Duration|number, rate?: designkit.Rate}

---Hyperexponential: an exponential whose mean is drawn from the phases, probabilities summing
---to 1 (`dk.hyperexp { {0.9, "1ms"}, {0.1, "20ms"} }`); or the balanced two-phase fit of a mean
---and a squared coefficient of variation >= 1 (`dk.hyperexp { mean = "10ms", scv = 4 }`).
---@param phases designkit.Phase[]|{mean: designkit.Duration|number, scv: number}
---@return designkit.Dist
function dk.hyperexp(phases) end

-- ---- the model ----

---One property of a component kind, as dk.properties lists it.
---@class designkit.PropertyInfo
---@field name string
---@field type "int"|"number"|"duration"|"size"|"rate"|"fraction"|"enum"|"distribution"|"mix"
---@field doc string one line
---@field default string? the default, as text
---@field choices string[]? for enums

---The properties a kind takes, in documentation order (what `m:cache "x" { ... }` accepts).
---@param kind designkit.Kind
---@return designkit.PropertyInfo[]
function dk.properties(kind) end

---What the registry says of a kind.
---@class designkit.KindInfo
---@field name string
---@field doc string one line
---@field shape string its Graphviz shape
---@field replicated boolean whether it has a replica count (single instances can be a spof)
---@field traits table<string, boolean> entry, routes, async, stateful, balancer, lookup, store
---@field metrics string[] the figures its reports show ("throughput", "utilisation", ...)

---@param kind designkit.Kind
---@return designkit.KindInfo
function dk.kind_info(kind) end

---@class designkit.Model
local Model = {}

---A group. `m:group "eu"` left without its option table is made, of kind "group", when it is
---first used; calling it once with a table right after the name sets its options.
---@class designkit.Group
---@field name string
---@field kind string "region", "zone", "cluster" or "group"
---@field parent designkit.Group?
---@overload fun(opts: {kind?: string}): designkit.Group
local Group = {}

---What m:run raises when the simulator itself fails (its bookkeeping broke, or memory ran out),
---as opposed to a script's own error, which stays a string. The designkit command exits 3 for
---"internal" and "nomem".
---@class designkit.Error
---@field status "internal"|"nomem"|"inval"|"state"|string the dk_status, named
---@field message string "file:line: model \"x\": what failed"; tostring(err) gives it

---A component. Read and set properties as fields (`api.replicas = 4`); calling it with a table
---sets several (`api { workers = 8 }`). `a >> b` links a to b and returns b; either side may be
---a list.
---@class designkit.Component
---@field name string
---@field kind designkit.Kind
---@field group designkit.Group?
---@operator shr(designkit.Component|designkit.Component[]): designkit.Component
---@overload fun(opts: table<string, designkit.Value>): designkit.Component
local Component = {}

---A route description made by dk.cache_aside or dk.call.
---@class designkit.Flow
---@field kind "cache_aside"|"call"

---What a handler gets for each request.
---@class designkit.Request
---@field class string
---@field key integer
---@field id integer
---@field born number seconds since the start of the run

---A new model. Its name, like every name (groups, components, request classes), is 1 to 64
---bytes of UTF-8 without control characters or NUL; anything else (quotes, `&`, `<`, `\`,
---emoji) is allowed and escaped by every output.
---@param name string
---@return designkit.Model
function dk.model(name) end

-- The kinds, their options and m:<kind>, written from the registry by `make docs`
-- (designkit.reference); tests/lua/annotations_spec.lua checks they are current.
-- generated: kinds
---@alias designkit.Kind "client"|"gateway"|"guard"|"balancer"|"service"|"cache"|"cdn"|"database"|"sharded_database"|"queue"|"topic"

---Options of `m:client`: the outside world: sends requests of a mix of classes, at a rate or from users who think between requests.
---@class designkit.ClientOptions
---@field rate? designkit.Rate requests sent per second (default 100/s)
---@field arrivals? "poisson"|"constant" how requests are spaced: poisson (random) or constant (default poisson)
---@field mix? table<string, number> request classes with their weights (default request)
---@field keys? designkit.Dist|number the distribution of the keys requested (default 1)
---@field users? integer a closed workload: users who each send, wait for the reply, think, repeat (0 = open: requests arrive at rate) (default 0)
---@field think? designkit.Dist|designkit.Duration|number with users: a user's pause between a reply and its next request (default 0s)

---Options of `m:gateway`: lets requests through to its links at a rate (a rate limiter); the ones it refuses are reported as limited.
---@class designkit.GatewayOptions
---@field algorithm? "token_bucket"|"leaky_bucket"|"leaky_queue"|"fixed_window"|"sliding_log"|"sliding_window"|"gcra" how the limiter decides (docs/patterns/rate-limiting.md) (default token_bucket)
---@field rate? designkit.Rate requests let through per second, long run (default 100/s)
---@field burst? integer requests let through at once from rest (the window's limit) (default 1)
---@field scope? "global"|"per_key" one limit for all requests, or one per request key (default global)
---@field max_keys? integer per_key: keys held at most (the least recently seen makes room) (default 10000)
---@field idle? designkit.Duration per_key: a key unseen this long is forgotten (0 = twice the window) (default 0s)

---Options of `m:guard`: retries, timeouts and a circuit breaker on the calls to its links; requests its open breaker fails are reported as short_circuited.
---@class designkit.GuardOptions
---@field timeout? designkit.Duration an attempt not answered within this is failed and its late answer dropped (0 = wait forever) (default 0s)
---@field attempts? integer attempts per request, the first included (1 = no retries) (default 1)
---@field backoff? "exp"|"constant" the wait before retry k: base x 2^k (exp) or base (constant), at most cap (default exp)
---@field base? designkit.Duration the backoff's first wait (default 50ms)
---@field cap? designkit.Duration the longest backoff (default 10s)
---@field jitter? "none"|"full"|"equal"|"decorrelated" how the backoff is spread (AWS: none, full, equal, decorrelated) (default full)
---@field budget? number retries at most this share of requests over 10 s, plus budget_min per second (0 = no budget) (default 0)
---@field budget_min? number retries per second the budget always allows (default 10)
---@field breaker_window? integer the circuit breaker's window in calls (0 = no breaker) (default 0)
---@field failure_rate? designkit.Fraction breaker: opens when this share of the window failed (default 0.5)
---@field breaker_wait? designkit.Duration breaker: how long it stays open before trial calls (default 2s)
---@field half_open? integer breaker: trial calls let through when half open (default 5)
---@field min_calls? integer breaker: calls in the window before it may open (0 = the window) (default 0)
---@field bulkhead_max? integer bulkhead: requests guarded at once, retries included (0 = no bulkhead) (default 0)
---@field bulkhead_queue? integer bulkhead: requests that may wait for room (default 100)
---@field bulkhead_wait? designkit.Duration bulkhead: how long one may wait before it is rejected (0 = not at all) (default 0s)

---Options of `m:balancer`: forwards each call to one of its links, chosen by an algorithm; skips the backends its health checks judge unhealthy and restarts them.
---@class designkit.BalancerOptions
---@field algorithm? "round_robin"|"random"|"least_connections"|"weighted_round_robin"|"hash"|"weighted_least_connections"|"least_response_time"|"p2c"|"ring"|"jump"|"maglev"|"rendezvous"|"geo" how a backend is chosen for a request (hash, ring, jump, maglev and rendezvous by its key) (default round_robin)
---@field replicas? integer balancer instances (default 1)
---@field eject_after? integer outlier ejection: failed answers in a row that eject a backend (0 = never) (default 0)
---@field eject_base? designkit.Duration outlier ejection: a backend is out for this x the times it has been (default 30s)
---@field eject_max? designkit.Fraction outlier ejection: the most of the backends out at once (one always may be) (default 1)
---@field health_interval? designkit.Duration health checks: a probe to each backend this often (0 = no checks) (default 0s)
---@field health_timeout? designkit.Duration health checks: a probe not answered OK this soon fails (at most the interval; unset: 5s or the interval if shorter) (default 5s)
---@field healthy? integer health checks: good probes in a row that take a backend back (default 3)
---@field unhealthy? integer health checks: failed probes in a row that leave a backend out (default 3)
---@field restart_after? designkit.Duration auto-healing: restart a backend unhealthy this long, and again as long as it stays so (0 = never) (default 0s)

---Options of `m:service`: replicas of workers that serve request classes through routes and handlers.
---@class designkit.ServiceOptions
---@field replicas? integer service instances (default 1)
---@field workers? integer requests served at once by each replica (default 1)
---@field time? designkit.Dist|designkit.Duration|number time to serve one request (default 1ms)
---@field queue? integer waiting requests allowed at each replica (0 = unbounded) (default 0)
---@field dispatch? "round_robin"|"random"|"least_connections"|"weighted_round_robin"|"hash"|"weighted_least_connections"|"least_response_time"|"p2c"|"ring"|"jump"|"maglev"|"rendezvous"|"geo"|"pooled" how requests reach the replicas: each its own queue, or one pooled queue (default round_robin)
---@field mode? "threads"|"event_loop" threads: a worker stays held while its request waits on a downstream reply; event_loop: it is released and takes the next request (default threads)
---@field fail_from? designkit.Duration failure injection: the window of failures opens at this time (default 0s)
---@field fail_to? designkit.Duration failure injection: the window closes at this time (0 = no failures) (default 0s)
---@field fail_rate? designkit.Fraction failure injection: the share of requests in the window answered FAILED (default 1)
---@field hang_at? designkit.Duration failure injection: from this time no request is answered until a restart (0 = never) (default 0s)
---@field hang_every? designkit.Duration failure injection: hangs again this long after each hang (0 = once) (default 0s)
---@field restart_time? designkit.Duration how long a restart (by a balancer's health checks) takes; requests in the meantime fail (default 0s)

---Options of `m:cache`: a bounded key store with an eviction policy and optional expiry.
---@class designkit.CacheOptions
---@field capacity? integer entries held (default 10000)
---@field policy? "lru"|"lfu"|"perfect_lfu"|"fifo"|"lifo"|"mru"|"random"|"arc"|"2q"|"tinylfu" what is evicted when full (default lru)
---@field ttl? designkit.Duration how long an entry lives (0 = forever) (default 0s)
---@field time? designkit.Dist|designkit.Duration|number time to serve one lookup (default 200us)
---@field replicas? integer cache instances (default 1)
---@field workers? integer lookups served at once by each replica (0 = no limit) (default 0)
---@field strategy? "aside"|"read_through"|"write_through"|"write_behind"|"write_around" how reads and writes reach the store linked after it (aside: they do not) (default aside)
---@field on_write? "invalidate"|"keep" what a write does to the entry (read_through, write_around) (default invalidate)
---@field flush? designkit.Duration write_behind: buffered writes go to the store at every multiple of this (default 1s)
---@field batch? integer write_behind: writes per store call (default 100)
---@field crash_at? designkit.Duration the cache loses its entries and unflushed writes then (0 = never) (default 0s)
---@field bytes? designkit.Size capacity in bytes of sized objects (0 = capacity counts entries) (default 0B)
---@field object_size? designkit.Dist|designkit.Size|number with bytes: the size of an object in bytes, drawn once per key (default 1KiB)

---Options of `m:cdn`: a cache at the edge in front of an origin: misses and expired objects read through to it.
---@class designkit.CdnOptions
---@field capacity? integer objects held at each edge (default 100000)
---@field policy? "lru"|"lfu"|"perfect_lfu"|"fifo"|"lifo"|"mru"|"random"|"arc"|"2q"|"tinylfu" what is evicted when full (default lru)
---@field ttl? designkit.Duration how long an edge keeps an object (0 = until evicted) (default 1h)
---@field time? designkit.Dist|designkit.Duration|number time to serve from the edge (default 1ms)
---@field edges? integer edge locations, sharing one key space (default 1)
---@field workers? integer requests served at once by each edge (0 = no limit) (default 0)
---@field bytes? designkit.Size capacity in bytes of sized objects (0 = capacity counts entries) (default 0B)
---@field object_size? designkit.Dist|designkit.Size|number with bytes: the size of an object in bytes, drawn once per key (default 1KiB)

---Options of `m:database`: the system of record: a primary and its replicas serving reads and writes.
---@class designkit.DatabaseOptions
---@field replicas? integer database instances (a primary and its replicas) (default 1)
---@field replication? "none"|"async"|"sync" how writes reach the replicas (drawn and exported; not simulated yet) (default async)
---@field lag? designkit.Dist|designkit.Duration|number replication delay of an async replica (not simulated yet) (default 0s)
---@field workers? integer queries served at once by each replica (0 = no limit) (default 16)
---@field time? designkit.Dist|designkit.Duration|number time to serve one query (default 5ms)
---@field queue? integer waiting queries allowed at each instance (0 = unbounded) (default 0)
---@field dispatch? "round_robin"|"random"|"least_connections"|"weighted_round_robin"|"hash"|"weighted_least_connections"|"least_response_time"|"p2c"|"ring"|"jump"|"maglev"|"rendezvous"|"geo"|"pooled" how queries reach the instances: each its own queue, or one pooled queue (default round_robin)
---@field wal? "none"|"always"|"never" its write-ahead log: always adds fsync_time / group_commit to each write (default none)
---@field fsync_time? designkit.Duration wal: time one fsync of the log takes (default 2ms)
---@field group_commit? integer wal: writes that share one fsync (group commit) (default 1)
---@field fail_from? designkit.Duration failure injection: the window of failures opens at this time (default 0s)
---@field fail_to? designkit.Duration failure injection: the window closes at this time (0 = no failures) (default 0s)
---@field fail_rate? designkit.Fraction failure injection: the share of requests in the window answered FAILED (default 1)
---@field hang_at? designkit.Duration failure injection: from this time no request is answered until a restart (0 = never) (default 0s)
---@field hang_every? designkit.Duration failure injection: hangs again this long after each hang (0 = once) (default 0s)
---@field restart_time? designkit.Duration how long a restart (by a balancer's health checks) takes; requests in the meantime fail (default 0s)

---Options of `m:sharded_database`: a database split into shards by key: each shard queues and saturates on its own (its stations are "<name>.shard1", ...).
---@class designkit.Sharded_databaseOptions
---@field shards? integer shards, each a station of its own (default 4)
---@field strategy? "range"|"hash"|"jump" which shard owns a key: equal ranges of 1..key_space, hash mod N, or jump consistent hash (default range)
---@field key_space? integer keys 1..key_space split into equal ranges (range; match the client's keys) (default 1000000)
---@field workers? integer queries served at once by each shard (0 = no limit) (default 16)
---@field time? designkit.Dist|designkit.Duration|number time to serve one query (default 5ms)
---@field queue? integer waiting queries allowed at each shard (0 = unbounded) (default 0)

---Options of `m:queue`: holds messages for its consumers: a producer waits for the enqueue only.
---@class designkit.QueueOptions
---@field capacity? integer messages waiting at most (0 = unbounded) (default 0)
---@field consumers? integer messages handled at once (default 1)
---@field time? designkit.Dist|designkit.Duration|number a consumer's time with one message, before its route runs (default 1ms)
---@field enqueue? designkit.Dist|designkit.Duration|number time before a producer's call is answered (default 0s)
---@field when_full? "reject"|"block"|"drop_oldest" at capacity: reject the message, block the producer, or drop the oldest (default reject)

---Options of `m:topic`: publish/subscribe: each subscriber (each link) gets every message through its own queue.
---@class designkit.TopicOptions
---@field publish? designkit.Dist|designkit.Duration|number time before a publisher's call is answered (default 0s)
---@field consumers? integer deliveries at once to each subscriber (default 1)
---@field capacity? integer messages waiting at most for each subscriber (0 = unbounded) (default 0)
---@field when_full? "reject"|"block"|"drop_oldest" a subscriber's queue at capacity: reject, block the publisher, drop the oldest (default reject)
---@field time? designkit.Dist|designkit.Duration|number time to hand one message to a subscriber, before its call (default 0s)

---A client named `name`: `m:client "x" { ... }` or `m:client("x", { ... })`.
---@param name string
---@param opts? designkit.ClientOptions
---@return designkit.Component|fun(opts: designkit.ClientOptions): designkit.Component
function Model:client(name, opts) end
Group.client = Model.client

---A gateway named `name`: `m:gateway "x" { ... }` or `m:gateway("x", { ... })`.
---@param name string
---@param opts? designkit.GatewayOptions
---@return designkit.Component|fun(opts: designkit.GatewayOptions): designkit.Component
function Model:gateway(name, opts) end
Group.gateway = Model.gateway

---A guard named `name`: `m:guard "x" { ... }` or `m:guard("x", { ... })`.
---@param name string
---@param opts? designkit.GuardOptions
---@return designkit.Component|fun(opts: designkit.GuardOptions): designkit.Component
function Model:guard(name, opts) end
Group.guard = Model.guard

---A balancer named `name`: `m:balancer "x" { ... }` or `m:balancer("x", { ... })`.
---@param name string
---@param opts? designkit.BalancerOptions
---@return designkit.Component|fun(opts: designkit.BalancerOptions): designkit.Component
function Model:balancer(name, opts) end
Group.balancer = Model.balancer

---A service named `name`: `m:service "x" { ... }` or `m:service("x", { ... })`.
---@param name string
---@param opts? designkit.ServiceOptions
---@return designkit.Component|fun(opts: designkit.ServiceOptions): designkit.Component
function Model:service(name, opts) end
Group.service = Model.service

---A cache named `name`: `m:cache "x" { ... }` or `m:cache("x", { ... })`.
---@param name string
---@param opts? designkit.CacheOptions
---@return designkit.Component|fun(opts: designkit.CacheOptions): designkit.Component
function Model:cache(name, opts) end
Group.cache = Model.cache

---A cdn named `name`: `m:cdn "x" { ... }` or `m:cdn("x", { ... })`.
---@param name string
---@param opts? designkit.CdnOptions
---@return designkit.Component|fun(opts: designkit.CdnOptions): designkit.Component
function Model:cdn(name, opts) end
Group.cdn = Model.cdn

---A database named `name`: `m:database "x" { ... }` or `m:database("x", { ... })`.
---@param name string
---@param opts? designkit.DatabaseOptions
---@return designkit.Component|fun(opts: designkit.DatabaseOptions): designkit.Component
function Model:database(name, opts) end
Group.database = Model.database

---A sharded_database named `name`: `m:sharded_database "x" { ... }` or `m:sharded_database("x", { ... })`.
---@param name string
---@param opts? designkit.Sharded_databaseOptions
---@return designkit.Component|fun(opts: designkit.Sharded_databaseOptions): designkit.Component
function Model:sharded_database(name, opts) end
Group.sharded_database = Model.sharded_database

---A queue named `name`: `m:queue "x" { ... }` or `m:queue("x", { ... })`.
---@param name string
---@param opts? designkit.QueueOptions
---@return designkit.Component|fun(opts: designkit.QueueOptions): designkit.Component
function Model:queue(name, opts) end
Group.queue = Model.queue

---A topic named `name`: `m:topic "x" { ... }` or `m:topic("x", { ... })`.
---@param name string
---@param opts? designkit.TopicOptions
---@return designkit.Component|fun(opts: designkit.TopicOptions): designkit.Component
function Model:topic(name, opts) end
Group.topic = Model.topic

---The `retry` options of a link (the guard kind's, without the prefix).
---@class designkit.LinkRetryOptions
---@field attempts? integer attempts per request, the first included (1 = no retries) (default 1)
---@field backoff? "exp"|"constant" the wait before retry k: base x 2^k (exp) or base (constant), at most cap (default exp)
---@field base? designkit.Duration the backoff's first wait (default 50ms)
---@field cap? designkit.Duration the longest backoff (default 10s)
---@field jitter? "none"|"full"|"equal"|"decorrelated" how the backoff is spread (AWS: none, full, equal, decorrelated) (default full)
---@field budget? number retries at most this share of requests over 10 s, plus budget_min per second (0 = no budget) (default 0)
---@field budget_min? number retries per second the budget always allows (default 10)

---The `breaker` options of a link (the guard kind's, without the prefix).
---@class designkit.LinkBreakerOptions
---@field window? integer the circuit breaker's window in calls (0 = no breaker) (default 0)
---@field failure_rate? designkit.Fraction breaker: opens when this share of the window failed (default 0.5)
---@field wait? designkit.Duration breaker: how long it stays open before trial calls (default 2s)
---@field half_open? integer breaker: trial calls let through when half open (default 5)
---@field min_calls? integer breaker: calls in the window before it may open (0 = the window) (default 0)

---The `bulkhead` options of a link (the guard kind's, without the prefix).
---@class designkit.LinkBulkheadOptions
---@field max? integer bulkhead: requests guarded at once, retries included (0 = no bulkhead) (default 0)
---@field queue? integer bulkhead: requests that may wait for room (default 100)
---@field wait? designkit.Duration bulkhead: how long one may wait before it is rejected (0 = not at all) (default 0s)

---Options of `m:link(a, b, { ... })`: the link's own and the link schema's.
---@class designkit.LinkOptions
---@field latency? designkit.Dist|designkit.Duration one-way latency per call and per reply
---@field async? boolean calls along it are not waited for (drawn dashed)
---@field weight? number the link's share under weighted_round_robin and weighted_least_connections (a balancer's links) (default 1)
---@field distance? designkit.Duration geo: nearest first, the next when it is down; equal distances share (unset: the links' order) (default link order)
---@field timeout? designkit.Duration an attempt not answered within this is failed and its late answer dropped (0 = wait forever) (default 0s)
---@field retry? designkit.LinkRetryOptions
---@field breaker? designkit.LinkBreakerOptions
---@field bulkhead? designkit.LinkBulkheadOptions
-- end generated: kinds

---@param kind designkit.Kind
---@param name string
---@param opts? table<string, designkit.Value>
---@return designkit.Component
function Model:component(kind, name, opts) end

---`m:group "us-east" { kind = "region" }` or `m:group("us-east", { kind = "region" })`; the
---options may be left out (`m:group "eu"`: kind "group").
---@param name string
---@param opts? {kind?: string}
---@return designkit.Group
function Model:group(name, opts) end

---Links each argument to the next; a final table of designkit.LinkOptions (latency, async,
---weight, distance, timeout, retry, breaker, bulkhead) applies to every link. An asynchronous
---link's calls are not waited for (drawn dashed).
---@param a designkit.Component|designkit.Component[]
---@param b designkit.Component|designkit.Component[]
---@param ... designkit.Component|designkit.Component[]|designkit.LinkOptions
---@return designkit.Component|designkit.Component[] last
function Model:link(a, b, ...) end

---The statement form of links: `m:links { users >> lb >> api, api >> db }`. Lua has no
---expression statements, so `users >> api` alone does not parse; inside the table each `>>`
---links, and m:links checks that every item is such a link.
---@param links (designkit.Component|designkit.Component[])[] the results of `a >> b` chains
---@return designkit.Model self
function Model:links(links) end

---@class designkit.ExpectOptions
---@field p50? designkit.Duration
---@field p90? designkit.Duration
---@field p99? designkit.Duration
---@field p999? designkit.Duration
---@field mean? designkit.Duration
---@field availability? designkit.Fraction
---@field throughput? designkit.Rate
---@field utilisation? designkit.Fraction
---@field class? string

---@param opts designkit.ExpectOptions
---@return designkit.Model
function Model:expect(opts) end

---@class designkit.Finding
---@field severity "info"|"warning"|"error"
---@field rule string
---@field component string?
---@field message string
---@field hint string

---Static validation.
---@return designkit.Finding[] findings
---@return integer errors
function Model:check() end

---@class designkit.RunOptions
---@field duration? designkit.Duration default "60s"
---@field seed? integer default 1
---@field requests? integer cap on client requests
---@field warmup? designkit.Duration left out of every figure: statistics start when it ends (default 0; shorter than duration)
---@field replications? integer run N times with seeds seed..seed+N-1; `result.replications` gives means and 95% intervals (default 1)
---@field progress? fun(fraction: number)
---@field force? boolean run even when m:check finds errors (default false: refused)
---@field overload? integer|false stop as overloaded (status "full") once this many requests wait at a component whose offered load reaches its capacity (default 1048576); false: never

---Runs the simulation. A model with check errors is refused (raised, listing them) unless
---`force = true`. A handler's error is raised as a string naming its place; a failure of
---the simulator itself (memory ran out, its books do not balance) as a designkit.Error.
---@param opts? designkit.RunOptions
---@return designkit.Result
function Model:run(opts) end

---Draws the model; the format comes from the extension. With `after_run` (the result of this
---model's `m:run`) the drawing also shows what happened, in the same layout: utilisation as
---fill, a red outline where calls were rejected or failed, rate and p99 on each link, widths by
---rate, idle links grey, and a legend that says so (docs/cli.md, "designkit draw").
---@param path string .svg .png .pdf .dot
---@param opts? {after_run?: designkit.Result}
---@return true|nil ok
---@return string? message
function Model:draw(path, opts) end

---@return string json
---@return string[] omitted the Lua handlers that JSON cannot carry
function Model:to_json() end

---@param path string
---@return true|nil ok
---@return string[]|string omitted_or_message
function Model:export(path) end

---@return string
function Model:name() end
---@param name string
---@return designkit.Component?
function Model:find(name) end
---@return designkit.Component[]
function Model:components() end
---@return designkit.Group[]
function Model:groups() end
---@return string[]
function Model:classes() end
---Frees the model now (also done by the garbage collector).
function Model:close() end

Group.component = Model.component
Group.group = Model.group

---@param class string "*" for classes without a route
---@param flow designkit.Flow|fun(req: designkit.Request): boolean?
---@return designkit.Component
function Component:route(class, flow) end

---A Lua handler for `class`, run as a coroutine per request. Return false to fail the request.
---It may call only the components this one is linked to; any other call stops the run.
---@param class string
---@param fn fun(req: designkit.Request): boolean?
---@return designkit.Component
function Component:on(class, fn) end

---Inside a handler only: calls this component and waits for the reply.
---@param key? integer|string default: the request's key
---@return boolean ok true on OK (or HIT)
---@return designkit.Reply status
function Component:read(key) end
---@param key? integer|string
---@return boolean ok
---@return designkit.Reply status
function Component:write(key) end
---Cache lookup: true on a hit.
---@param key? integer|string
---@return boolean hit
---@return designkit.Reply status
function Component:get(key) end
---@param key? integer|string
---@return boolean ok
---@return designkit.Reply status
function Component:set(key) end
---@param key? integer|string
---@return boolean ok
---@return designkit.Reply status
function Component:invalidate(key) end
---A request of the current class to another service.
---@param key? integer|string
---@return boolean ok
---@return designkit.Reply status
function Component:call(key) end
---The request's own operation, sent without waiting for the reply (inside a handler).
---@param key? integer|string
---@return true
function Component:send(key) end
---@return designkit.Component[]
function Component:links() end

---@param cache designkit.Component
---@param db designkit.Component
---@return designkit.Flow
function dk.cache_aside(cache, db) end

---@param ... designkit.Component
---@return designkit.Flow
function dk.call(...) end

-- ---- patterns: caches (docs/patterns/caching.md, "Eviction policies") ----

---@alias designkit.CachePolicy "lru"|"lfu"|"perfect_lfu"|"fifo"|"lifo"|"mru"|"random"|"arc"|"2q"|"tinylfu"

---@class designkit.CacheOptions
---@field capacity integer|string entries held at most (a positive integer), or bytes held at most (a size such as "64MiB": every put then has a size; arc, 2q and tinylfu take no sizes)
---@field policy? designkit.CachePolicy what is evicted when full; default "lru"
---@field seed? integer the seed of the "random" policy's draws; default 1
---@field ttl? number|string the default ttl of a put (seconds or "5s"); default: never expires
---@field size? integer|string|fun(key: string|integer, value: any): integer|string a byte capacity only: the size of a put that gives none (bytes, "1.5KiB", or a function of key and value)

---A bounded key-value cache under an eviction policy (O(1) per operation).
---@param opts designkit.CacheOptions
---@return designkit.Cache
function dk.cache(opts) end

---@class designkit.Cache
local Cache = {}

---The value stored under `key` (a string or an integer), or nil on a miss; a hit counts as a use.
---@param key string|integer
---@return any
function Cache:get(key) end
---Stores `value` (not nil) under `key`, evicting by policy as many entries as it needs room for;
---true if any was evicted, and how many. `opts.ttl` (seconds or "5s") overrides the cache's
---default ttl for this entry; `opts.size` (bytes or "1.5KiB", a byte capacity only) its size.
---An entry larger than the whole capacity is an error.
---@param key string|integer
---@param value any
---@param opts? {ttl?: number|string, size?: integer|string}
---@return boolean evicted
---@return integer count
function Cache:put(key, value, opts) end
---Moves the cache's clock forward by `dt` (seconds or "5s") and removes every entry whose ttl
---has run out (active expiry; a get also finds an expired entry absent); the number removed.
---@param dt number|string
---@return integer expired
function Cache:advance(dt) end
---The cache's clock in seconds (starts at 0, moved by `advance`).
---@return number
function Cache:now() end
---Removes `key`; true if it was there.
---@param key string|integer
---@return boolean
function Cache:delete(key) end
---Entries held now (also `#c`).
---@return integer
function Cache:len() end
---Counters since creation.
---`size` counts entries; `bytes` sums their sizes (entries, when the capacity counts entries);
---`capacity` is in `unit` ("entries" or "bytes").
---@return {hits: integer, misses: integer, evictions: integer, expirations: integer, hit_ratio: number, size: integer, bytes: integer, capacity: integer, unit: "entries"|"bytes", policy: string}
function Cache:stats() end
---Frees it and its values now (also done by the garbage collector and `<close>`).
function Cache:close() end

-- ---- replaying a cache trace (docs/patterns/caching.md, "Replaying a trace") ----

---@class designkit.CacheReplayOptions
---@field trace? string a .lis trace file ("-": standard input); or give `text`
---@field text? string the trace itself
---@field policies string[] dk.cache policies, or "min" (Belady's offline optimum)
---@field sizes integer[] cache sizes in entries, increasing
---@field svg? string draw hit ratio against size to this SVG file (a write, sandboxed)
---@field title? string the picture's title (default: the trace's name)

---@class designkit.CacheReplay
---@field requests integer requests in the trace (a line of n blocks is n requests)
---@field policies string[]
---@field sizes integer[]
---@field hit_ratio table<string, number[]> per policy, one ratio per size

---Replays a block trace through every policy and size (a get, and a put on a miss). A trace
---that cannot be read, a malformed line (named with its number) or a picture that cannot be
---written give nil and the message; an unknown policy or sizes out of order raise.
---@param options designkit.CacheReplayOptions
---@return designkit.CacheReplay|nil result
---@return string? message
function dk.cache_replay(options) end

-- ---- results ----

---@class designkit.Latency
---@field count integer
---@field mean number seconds
---@field p50 number
---@field p90 number
---@field p99 number
---@field p999 number
---@field max number
---@field mean_ci95? number[] end to end: {lo, hi}, the batch-means 95% interval of mean

---@class designkit.ComponentResult
---@field name string
---@field kind string
---@field arrivals integer
---@field completed integer
---@field rejected integer
---@field failed integer
---@field throughput number per second
---@field servers integer? stations only
---@field utilisation number? stations only
---@field mean_queue number
---@field hit_ratio number? caches only
---@field latency designkit.Latency
---@field health designkit.BackendHealth[]? balancers with health checks only, one per backend

---What a balancer's health checks saw of one backend (docs/patterns/resilience.md).
---@class designkit.BackendHealth
---@field backend string its name
---@field probes integer probes sent
---@field failures integer probes failed or timed out
---@field restarts integer restarts ordered (restart_after)
---@field unhealthy number seconds judged unhealthy
---@field healthy boolean the verdict at the end

---@class designkit.ClassResult
---@field name string
---@field created integer
---@field completed integer
---@field failed integer
---@field throughput number
---@field availability number? nil when no request finished
---@field latency designkit.Latency

---@class designkit.ExpectationResult
---@field metric string
---@field class string?
---@field limit number
---@field value number?
---@field ok boolean
---@field text string

---A figure across replications: its mean, and the half-width and bounds of its 95% interval
---(absent when only one replication measured it).
---@class designkit.Estimate
---@field mean number
---@field half? number
---@field ci95? number[] {lo, hi}
---@field n integer replications that measured it

---@class designkit.ReplicatedClass
---@field name string
---@field mean? designkit.Estimate end-to-end mean latency, seconds
---@field p50? designkit.Estimate seconds
---@field p99? designkit.Estimate seconds
---@field throughput? designkit.Estimate per second

---@class designkit.ReplicatedComponent
---@field name string
---@field throughput? designkit.Estimate per second
---@field utilisation? designkit.Estimate 0..1, stations only

---@class designkit.Replications
---@field count integer
---@field level number 0.95
---@field seeds integer[]
---@field classes designkit.ReplicatedClass[]
---@field total designkit.ReplicatedClass
---@field components designkit.ReplicatedComponent[]

---@class designkit.Result
---@field model string
---@field seed integer
---@field duration number seconds
---@field warmup number seconds left out (0 without a warm-up)
---@field measured number seconds the figures cover: duration - warmup
---@field events integer
---@field in_flight integer
---@field ok boolean every expectation met
---@field replications? designkit.Replications with `replications = N` >= 2 only
---@field components designkit.ComponentResult[]
---@field classes designkit.ClassResult[]
---@field total designkit.ClassResult
---@field expectations designkit.ExpectationResult[]
local Result = {}

---The run's report as JSON (deterministic: same script and seed, same bytes).
---@return string
function Result:json() end

-- ---- JSON, estimates, loading ----

---@param text string
---@param source? string name used in messages
---@return designkit.Model|nil model
---@return string? message
function dk.from_json(text, source) end

---@param path string
---@return designkit.Model|nil model
---@return string? message
function dk.load_json(path) end

---Runs a design script and returns the model it returns.
---@param path string
---@param env? table
---@return designkit.Model|nil model
---@return string? message
function dk.load(path, env) end

---@param v any
---@return boolean
function dk.is_model(v) end

---@class designkit.Estimate
---@field read_qps number
---@field write_qps number
---@field avg_qps number
---@field peak_qps number
---@field peak_read_qps number
---@field peak_write_qps number
---@field records number
---@field storage_bytes number
---@field storage string
---@field read_bandwidth number bytes per second
---@field write_bandwidth number
---@field bandwidth number bytes per second at peak
---@field read_write_ratio number

---@param opts {users: number, reads_per_user?: number, writes_per_user?: number, peak?: number, record?: designkit.Size, retention?: designkit.Duration}
---@return designkit.Estimate
function dk.estimate(opts) end

---Erlang C, through Erlang B's recurrence: finite for any number of servers up to 10^7.
---@param servers integer 1 to 10^7
---@param load number offered load lambda / mu, in [0, servers)
---@return number probability of waiting
function dk.erlang_c(servers, load) end

---@param opts {lambda: number, mu: number, c?: integer} c: servers, 1 to 10^7 (default 1)
---@return {utilisation: number, wait_probability: number, mean_wait: number, mean_latency: number, mean_queue: number, mean_in_system: number}
function dk.mmc(opts) end

---JSON in C (through cJSON, as designkit's own files): deterministic text, strict reading.
---@class designkit.json
---@field null userdata stands for JSON null: decode gives it for null, encode writes it as null
local json = {}

---Encodes `v` as JSON text. Keys are sorted (byte order), so the same value always gives the
---same text. A table is an array when its keys are exactly 1..n (`{}` is `[]`), an object when
---they are all strings. Integers are written in full, other numbers as the shortest text that
---reads back to the same value. Raises for what JSON cannot hold, naming the place:
---`encode: value.servers[3]: cannot encode a function` (also NaN and infinities, cycles,
---non-string keys, sparse arrays, userdata, strings that are not UTF-8 or hold NUL, nesting
---deeper than 512).
---@param v any
---@param opts? {pretty?: boolean} pretty: one member per line, tab-indented
---@return string
function json.encode(v, opts) end

---Decodes JSON text strictly (RFC 8259: one value, UTF-8, no duplicate keys, at most 512 levels
---deep). Objects and arrays become tables, null becomes `dk.json.null`, numbers become integers
---when whole and below 2^53, floats otherwise. Malformed text returns nil and
---"source:line:col: message"; a wrong argument type raises.
---@param text string
---@param source? string names the text in messages (default "json")
---@return any|nil value
---@return string? message "json:1:7: expected a value (got '}')"
function json.decode(text, source) end

-- ---- low-level-design blocks: Splitwise (docs/lld/splitwise.md) ----

---Shared expenses in integer minor units (cents): splits, a ledger kept as an event log, and
---debt simplification.
---@class designkit.splitwise
dk.splitwise = {}

---@class designkit.Transfer
---@field from string|integer who pays (a name, or a position when the balances were a list)
---@field to string|integer who is paid
---@field amount integer minor units, > 0

---A plan of transfers that settles `balances` (> 0: is owed; they must sum to 0). Greedy by
---default (largest debtor pays largest creditor: at most k - 1 transfers for k non-zero
---balances); `exact = true` gives the fewest transfers (up to 20 non-zero balances, else an
---error). People given by name are taken in byte order of their names, which breaks ties.
---@param balances table<string, integer>|integer[]
---@param opts? {exact?: boolean}
---@return designkit.Transfer[]
function dk.splitwise.simplify(balances, opts) end

---An empty ledger.
---@return designkit.Ledger
function dk.splitwise.ledger() end

---A new ledger made by applying a history (`ledger:history()`, perhaps read back from JSON)
---event by event; a bad event raises "replay: history[3]: ...".
---@param history designkit.LedgerEvent[]
---@return designkit.Ledger
function dk.splitwise.replay(history) end

---@class designkit.LedgerEvent
---@field type "user"|"group"|"expense"|"settle"
---@field name? string user or group
---@field members? string[] group
---@field payer? string expense
---@field amount? integer expense, settle
---@field split? "equal"|"exact"|"percent"|"shares" expense
---@field among? string[] expense (equal split)
---@field shares? [string, number][] expense (other splits), in the order given
---@field group? string expense, settle
---@field description? string expense
---@field owed? table<string, integer> expense: what each participant owes
---@field from? string settle
---@field to? string settle

---@class designkit.ExpenseOptions
---@field payer string
---@field amount integer minor units, 1 .. 10^12
---@field split? "equal"|"exact"|"percent"|"shares" default "equal"
---@field among? string[] equal split: the participants (or leave out and give `group`)
---@field shares? table<string, number>|[string, number][] other splits: exact amounts, percentages (two decimals at most, summing to 100) or positive integer shares; a map is taken in name order
---@field group? string counts in this group's balances; participants must be members
---@field description? string

---A ledger of users, groups, expenses and payments. Leftover minor units of a split go to the
---participants with the largest dropped fractions, ties to the first listed.
---@class designkit.Ledger
local Ledger = {}

---@param name string
---@return designkit.Ledger self
function Ledger:add_user(name) end

---@param name string
---@param members string[] existing users, each once
---@return designkit.Ledger self
function Ledger:add_group(name, members) end

---Records an expense; returns what each participant owes.
---@param opts designkit.ExpenseOptions
---@return table<string, integer>
function Ledger:expense(opts) end

---Records a payment from `from` to `to` (within `group` when given).
---@param from string
---@param to string
---@param amount integer
---@param group? string
---@return designkit.Ledger self
function Ledger:settle(from, to, amount, group) end

---The plan that would settle everyone (or a group), recorded nowhere.
---@param opts? {exact?: boolean, group?: string}
---@return designkit.Transfer[]
function Ledger:simplify(opts) end

---Plans and records the payments that settle everyone (or a group); returns them.
---@param opts? {exact?: boolean, group?: string}
---@return designkit.Transfer[]
function Ledger:settle_up(opts) end

---Every user's balance (> 0: is owed), of the whole ledger or of one group's expenses.
---@param group? string
---@return table<string, integer>
function Ledger:balances(group) end

---The users' names in the order they were added.
---@return string[]
function Ledger:users() end

---Every event, oldest first.
---@return designkit.LedgerEvent[]
function Ledger:history() end

---A new ledger from the first `n` events (all by default): the ledger as it was then.
---@param n? integer
---@return designkit.Ledger
function Ledger:replay(n) end

---Frees the ledger now (also done by the garbage collector and `<close>`).
function Ledger:close() end

-- ---- low-level-design blocks: snakes and ladders (docs/lld/snakes.md) ----

---@class designkit.snakes
dk.snakes = {}

---@class designkit.SnakesBoardOptions
---@field size integer squares, 2 .. 1000; players start on 0 and win on `size`
---@field ladders? table<integer, integer> { [from] = to }, to > from
---@field snakes? table<integer, integer> { [from] = to }, to < from
---@field finish? "exact"|"bounce"|"overshoot" default "exact"
---@field die? integer faces, 2 .. 20 and at most `size` (default 6)
---@field extra_turn_on_six? boolean rolling the top face rolls again
---@field three_sixes_forfeit? boolean the third top face in a row ends the turn where it began

---A validated board: raises for jumps off the board or from the last square, a ladder going
---down or a snake up, two jumps from one square, cycles of jumps, a finish that some reachable
---square cannot reach.
---@param opts designkit.SnakesBoardOptions
---@return designkit.SnakesBoard
function dk.snakes.board(opts) end

---@class designkit.SnakesMove
---@field turn integer
---@field player integer|string
---@field roll integer
---@field from integer
---@field landed integer the square counted to (after a bounce, before jumps)
---@field to integer after every jump
---@field ladder? true
---@field snake? true
---@field bounced? true
---@field blocked? true overshot with an exact finish: stayed
---@field extra? true rolls again
---@field forfeit? true third six: back where the turn began
---@field finished? true

---@class designkit.SnakesGame
---@field ranking (integer|string)[] first to last
---@field log designkit.SnakesMove[]
---@field rolls integer

---@class designkit.SnakesEstimate
---@field games integer
---@field mean number rolls
---@field sd number
---@field ci95 number[] {lo, hi}

---@class designkit.SnakesBoard
local SnakesBoard = {}

---The exact expected number of rolls a lone player needs (absorbing Markov chain).
---@return number
function SnakesBoard:expected_length() end

---Monte Carlo: the mean rolls of `games` lone-player games and its 95% interval.
---@param opts? {games?: integer, seed?: integer, max_rolls?: integer}
---@return designkit.SnakesEstimate
function SnakesBoard:simulate(opts) end

---Plays a game to the end with seeded (`seed`) or scripted (`dice`) rolls; raises when the
---scripted rolls run out or the game passes `max_rolls`.
---@param opts {players: integer|string[], seed?: integer, dice?: integer[], max_rolls?: integer}
---@return designkit.SnakesGame
function SnakesBoard:play(opts) end

---Where a player landing on `square` ends up after every jump.
---@param square integer
---@return integer
function SnakesBoard:follow(square) end

---Frees the board now.
function SnakesBoard:close() end

-- ---- low-level-design blocks: the elevator (docs/lld/elevator.md) ----

---@class designkit.elevator
dk.elevator = {}

---@alias designkit.ElevatorStrategy "fcfs"|"nearest"|"scan"|"look"|"destination"

---@class designkit.ElevatorPassenger
---@field from integer floor, 0 (the lobby) .. floors - 1
---@field to integer floor, not `from`
---@field at? integer the tick the passenger appears (default 0)
---@field patience? integer gives up after waiting this many ticks (0, the default: never)

---@class designkit.ElevatorMode
---@field at integer the tick it happens
---@field mode "maintenance"|"service"|"fire" maintenance: the car serves its riders, then parks and takes no hall calls; service: back in service; fire: every car to the lobby without stopping, doors held open, out of service
---@field car? integer 1 .. cars (maintenance and service)

---What a strategy function sees of a car; it returns the next stop (its own floor: open here) or nil (stay idle).
---@class designkit.ElevatorCar
---@field number integer 1 .. cars
---@field floor integer where it is
---@field direction "up"|"down" the way it last moved
---@field floors integer
---@field tick integer
---@field car_calls integer[] floors its riders asked for, ascending
---@field hall_calls integer[] floors of the hall calls given to it while it has room, ascending

---@class designkit.ElevatorOptions
---@field floors integer 2 .. 1000; floor 0 is the lobby
---@field cars? integer 1 .. 64 (default 1), all starting idle at the lobby
---@field capacity? integer passengers per car, 1 .. 1000 (default 8)
---@field strategy? designkit.ElevatorStrategy|fun(car: designkit.ElevatorCar): integer? default "look"; a function chooses each car's next stop
---@field dispatch? designkit.ElevatorStrategy with a strategy function: how hall calls are given to cars (default "look")
---@field dwell? integer ticks the doors stay open at a stop, 1 .. 1000 (default 2)
---@field door_open? integer ticks the doors take to open, 0 .. 1000 (default 0)
---@field door_close? integer ticks the doors take to close, 0 .. 1000 (default 0)
---@field modes? designkit.ElevatorMode[] maintenance, return to service and fire recall, at given ticks
---@field passengers? designkit.ElevatorPassenger[] an explicit workload (not with `traffic`)
---@field traffic? "up-peak"|"down-peak"|"interfloor" a seeded Poisson workload
---@field count? integer passengers of `traffic` (default 1000)
---@field rate? number arrivals per tick of `traffic`, > 0 and <= 1000 (default 0.1)
---@field seed? integer default 1
---@field max_ticks? integer raises past it (default 1e7)

---@class designkit.ElevatorReport
---@field strategy designkit.ElevatorStrategy|"function"
---@field passengers integer
---@field served integer
---@field abandoned integer gave up waiting
---@field mean_wait number ticks from arrival to boarding, over the served
---@field p95_wait number nearest-rank
---@field mean_ride number ticks from boarding to alighting
---@field p95_ride number
---@field stops integer door openings, all cars
---@field highest integer the highest floor any car reached
---@field merged_calls integer presses of a hall or car call already registered
---@field cancelled_calls integer hall calls dropped when everyone waiting gave up
---@field ticks integer when the last passenger alighted or gave up
---@field checks integer safety checks made (doors, capacity, committed stop)
---@field reopenings integer doors reopened while closing for someone arriving
---@field maintenance integer cars taken out for maintenance
---@field recalls integer fire recalls
---@field redispatched integer hall calls (destination: passengers) given to another car when theirs left service
---@field evacuated integer riders let out at the lobby by a fire recall, short of their floor
---@field stranded integer left waiting at the end with no car in service

---Simulates an elevator group on the event engine (a car moves one floor a tick); deterministic
---for a seed. Raises naming the option, modes[i] or passengers[i] at fault, an error of the
---strategy function, a broken safety invariant, or past `max_ticks`.
---@param opts designkit.ElevatorOptions
---@return designkit.ElevatorReport
function dk.elevator.simulate(opts) end

---Draws the doors' state machine with the given timings (format from the extension).
---@param path string
---@param timings? { door_open?: integer, dwell?: integer, door_close?: integer }
---@return true|nil ok
---@return string? why
function dk.elevator.draw_doors(path, timings) end

---@class designkit.ElevatorSeekOptions
---@field requests integer[] positions, in arrival order
---@field start integer where the head starts
---@field strategy? "fcfs"|"nearest"|"scan"|"look" default "look"
---@field direction? "up"|"down" the sweep's first way, for scan and look (default "up")
---@field lo? integer the lowest position (default 0)
---@field hi? integer the highest position, where scan turns going up (default the largest given)

---The disk-arm schedule: the order the requests are served in and the distance travelled.
---@param opts designkit.ElevatorSeekOptions
---@return { order: integer[], travel: integer }
function dk.elevator.seek(opts) end

-- ---- low-level-design blocks: the ATM (docs/lld/atm.md) ----

---@class designkit.AtmAccount
---@field pin string 4 to 12 digits
---@field balance? integer minor units, >= 0 (default 0)

---@class designkit.AtmOptions
---@field cassettes table<integer, integer> { [note value] = count }, 1 to 8 cassettes
---@field accounts? table<string, designkit.AtmAccount> { [card] = { pin =, balance = } }
---@field pin_attempts? integer wrong PINs before the card is retained (default 3)
---@field daily_limit? integer most one card withdraws in a day (default 0: no limit)
---@field bank? designkit.Atm another machine whose bank (accounts) this one shares; its `accounts` are added there

---An idle ATM. Raises for a bad cassette, account or option, naming it.
---@param opts designkit.AtmOptions
---@return designkit.Atm
function dk.atm(opts) end

---The session machine every ATM runs (idle, card_inserted, pin, menu, transaction, dispensing,
---ejecting), a new machine, not started and without actions: to draw, export or walk.
---@return designkit.StateMachine
function dk.atm_session_machine() end

---A session call returns true (or its result) when it went through and `nil, message` when it
---is refused; a call the current state does not allow raises.
---@class designkit.Atm
local Atm = {}

---idle -> pin. An unknown or retained card, or the link down, is refused and ejected.
---@param card string
---@return true|nil ok
---@return string? why
function Atm:insert(card) end

---pin -> menu; the last allowed wrong PIN retains the card (back to idle).
---@param pin string
---@return true|nil ok
---@return string? why
function Atm:pin(pin) end

---The notes given, { [value] = count }, the fewest the cassettes allow; nil and why when refused
---(balance, daily limit, no combination, not a multiple of the notes' step, link, dispenser).
---@param amount integer
---@return table<integer, integer>|nil notes
---@return string? why
function Atm:withdraw(amount) end

---Cash is available at once; a cheque is pending until `clear_cheques`.
---@param amount integer
---@param kind? "cash"|"cheque" default "cash"
---@return true|nil ok
---@return string? why
function Atm:deposit(amount, kind) end

---@param to string the card of the receiving account
---@param amount integer
---@return true|nil ok
---@return string? why
function Atm:transfer(to, amount) end

---The session account's available and pending balance, through the bank link.
---@return integer|nil available
---@return integer|string pending or why
function Atm:balance() end

---card_inserted, pin or menu -> ejecting.
---@return true
function Atm:cancel() end

---ejecting -> idle: the customer took the card.
---@return true
function Atm:take_card() end

---@return "idle"|"card_inserted"|"pin"|"menu"|"transaction"|"dispensing"|"ejecting"
function Atm:state() end

---What the bank holds for `card` (no session needed); raises for an unknown card.
---@param card string
---@return integer available
---@return integer pending
function Atm:account(card) end

---@param card string
---@return boolean
function Atm:retained(card) end

---The operator adds `count` notes of `value` (a new cassette if needed); only while idle.
---@param value integer
---@param count integer
---@return true|nil ok
---@return string? why
function Atm:refill(value, count) end

---@return table<integer, integer> { [value] = count }
function Atm:stock() end

---The bank clears every pending cheque.
---@return designkit.Atm
function Atm:clear_cheques() end

---The next `n` (default 1) calls over the bank link fail.
---@param n? integer
---@return designkit.Atm
function Atm:fail_link(n) end

---The next `n` (default 1) dispenses fail after the debit, which is credited back.
---@param n? integer
---@return designkit.Atm
function Atm:fail_dispense(n) end

---Moves the machine's clock; a new day resets the daily limits.
---@param duration string|number "1d", or seconds
---@return designkit.Atm
function Atm:advance(duration) end

---@return number seconds
function Atm:now() end

---The audit log, oldest first: "t=NS card CARD: EVENT: RESULT".
---@return string[]
function Atm:audit() end

---Frees the machine now (also done by the garbage collector and `<close>`).
function Atm:close() end

-- ---- low-level-design blocks: the parking lot (docs/lld/parking.md) ----

---@alias designkit.ParkingVehicle "motorcycle"|"car"|"truck"|"ev"|"accessible"
---@alias designkit.ParkingSpot "motorcycle"|"compact"|"large"|"ev"|"accessible"

---@class designkit.ParkingCandidate
---@field spot integer
---@field floor integer
---@field type designkit.ParkingSpot
---@field distance integer to the entrance
---@field overflow boolean a larger spot than the vehicle's own type

---@class designkit.ParkingTier
---@field up_to? integer hours since the start of the day this rate runs to (absent: every later hour)
---@field rate integer minor units per hour begun

---@class designkit.ParkingFee
---@field tiers designkit.ParkingTier[] up_to growing; at most 8
---@field daily_cap? integer most one 24-hour day costs (default 0: no cap)

---@class designkit.ParkingOptions
---@field strategy? "nearest"|"lowest_floor"|"best_fit"|fun(vehicle: designkit.ParkingVehicle, candidates: designkit.ParkingCandidate[]): integer? default "nearest"; a function returns a candidate's index, or nil to turn the vehicle away
---@field overflow? boolean a vehicle may take a larger spot when its own are full (default false)
---@field fees? table<designkit.ParkingVehicle, designkit.ParkingFee> absent: free
---@field lost_fee? integer added to the fee of a lost ticket (default 0)

---An empty lot (add floors and spots). Raises for a bad option, naming it.
---@param opts? designkit.ParkingOptions
---@return designkit.Parking
function dk.parking(opts) end

---The machine every parking ticket runs (active, paid, lost, closed), a new machine, not
---started: to draw, export or walk.
---@return designkit.StateMachine
function dk.parking_ticket_machine() end

---Tickets run active -pay-> paid -exit-> closed, or active -lose-> lost -pay-> paid. A call the
---ticket's state does not allow raises; a full lot is `nil, message`.
---@class designkit.Parking
local Parking = {}

---@return integer floor its number: 0, 1, ... in the order added
function Parking:add_floor() end

---@param floor integer
---@param type designkit.ParkingSpot
---@param distance? integer to the entrance (default 0)
---@return integer spot its id (never reused)
function Parking:add_spot(floor, type, distance) end

---Raises when a vehicle is on it.
---@param spot integer
function Parking:remove_spot(spot) end

---All of its spots or none: raises when any is taken.
---@param floor integer
function Parking:remove_floor(floor) end

---@param vehicle designkit.ParkingVehicle
---@return integer|nil ticket
---@return integer|string spot or why
function Parking:enter(vehicle) end

---What the ticket owes now (the lost fee included).
---@param ticket integer
---@return integer
function Parking:quote(ticket) end

---@param ticket integer
function Parking:lose(ticket) end

---Raises when `tendered` is short or the ticket is paid already.
---@param ticket integer
---@param tendered integer
---@return integer change
function Parking:pay(ticket, tendered) end

---The vehicle leaves; the ticket must be paid.
---@param ticket integer
function Parking:exit(ticket) end

---@param ticket integer
---@return "active"|"paid"|"lost"|"closed"|nil
function Parking:state(ticket) end

---Free spots; nil for either means all.
---@param floor? integer
---@param type? designkit.ParkingSpot
---@return integer
function Parking:available(floor, type) end

---@return integer spots taken
function Parking:occupied() end

---@return integer the sum of every payment
function Parking:revenue() end

---Moves the lot's clock (fees are charged by it).
---@param duration string|number
---@return designkit.Parking self
function Parking:advance(duration) end

---Checks the invariants from scratch (one vehicle per spot, counts agree, no ticket paid twice).
---@return true
function Parking:check() end

function Parking:close() end

-- ---- low-level-design blocks: state machines (docs/lld/statemachine.md) ----

---A callback: the event's name (nil while starting and for eventless and delayed
---transitions), the data given to `send`, and the machine. A guard's result is read as a boolean.
---@alias designkit.StateCallback fun(event: string|nil, data: any, machine: designkit.StateMachine): any

---@class designkit.Transition
---@field target? string|string[] none: a targetless transition (exits nothing)
---@field guard? designkit.StateCallback
---@field action? designkit.StateCallback
---@field type? "internal"|"external" internal: does not exit a compound source

---@alias designkit.TransitionSpec string|designkit.Transition|designkit.Transition[]

---@class designkit.State
---@field id? string required in a list of states; the key in a map
---@field initial? string the default child of a compound state
---@field states? designkit.State[]|table<string, designkit.State>
---@field on? table<string, designkit.TransitionSpec> event descriptor -> transition
---@field always? designkit.TransitionSpec eventless
---@field after? table<designkit.Duration, designkit.TransitionSpec> taken that long after entry
---@field entry? designkit.StateCallback
---@field exit? designkit.StateCallback
---@field parallel? boolean every child is a region, active at once
---@field final? boolean its parent is done (done.state.PARENT) when entered
---@field history? "shallow"|"deep"
---@field target? string a history state's default

---@class designkit.StateMachineOptions
---@field id string
---@field initial string
---@field states designkit.State[]|table<string, designkit.State>
---@field entry? designkit.StateCallback
---@field exit? designkit.StateCallback

---A checked statechart and its machine, not started. Raises at the caller's line, naming the
---state, for unknown targets, a compound state without an initial, misplaced history, ...
---@param opts designkit.StateMachineOptions
---@return designkit.StateMachine
function dk.statemachine(opts) end

---@class designkit.StateMachine
local StateMachine = {}

---Enters the initial configuration and runs to completion.
---@return designkit.StateMachine self
function StateMachine:start() end

---One external event, run to completion (from a callback: queued until the current one is done).
---@param event string
---@param data? any given to the callbacks
---@return designkit.StateMachine self
function StateMachine:send(event, data) end

---For callbacks: an internal event, processed before any sent one.
---@param event string
---@param data? any
---@return designkit.StateMachine self
function StateMachine:raise(event, data) end

---Moves the virtual clock, taking each due delayed transition at its own time.
---@param duration designkit.Duration
---@return designkit.StateMachine self
function StateMachine:advance(duration) end

---@param id string
---@return boolean
function StateMachine:is_in(id) end

---The active atomic states in document order.
---@return string[]
function StateMachine:configuration() end

---One line per microstep: "EVENT: -exited ... +entered ...".
---@return string[]
function StateMachine:trace() end

---The virtual clock in seconds.
---@return number
function StateMachine:now() end

---Whether a final child of the root was entered.
---@return boolean
function StateMachine:finished() end

---@class designkit.StateFinding
---@field kind "unreachable"|"dead end"|"shadowed"|"unhandled"
---@field state? string
---@field event? string

---Findings, legal but probably mistakes, in document order: states no path enters, atomic
---non-final states nothing leaves (outside parallel states), transitions hidden by an earlier
---unguarded one on the same event, and which of `events` no transition takes.
---@param events? string[] the events the script means to send
---@return designkit.StateFinding[]
function StateMachine:check(events) end

---@class designkit.StateSnapshot
---@field clock integer the virtual clock, ns
---@field active string[] every active state, in document order
---@field history? table<string, string[]> what each history state recorded
---@field pending? { state: string, nth: integer, due: integer }[] delays to come (`nth` of the state's `after` entries in order of delay; `due` in ns)

---What the machine holds between events, as plain data (`dk.json.encode` writes it).
---@return designkit.StateSnapshot
function StateMachine:snapshot() end

---Puts a machine never started (of the same description) in the state a snapshot describes,
---with no action run. Raises, naming the state, for an inconsistent snapshot.
---@param snapshot designkit.StateSnapshot
---@return designkit.StateMachine self
function StateMachine:restore(snapshot) end

---Frees the machine now (also done by the garbage collector and `<close>`).
function StateMachine:close() end

---The DOT text of the statechart: composite states as clusters, parallel regions dashed,
---initial points, final double circles, history H/H*, arrows "event [guard] / action".
---@return string
function StateMachine:dot() end

---Writes the drawing, format from the extension (.svg .png .pdf .dot).
---@param path string
---@return true|nil ok
---@return string? why a write the sandbox forbids, a file that cannot be written
function StateMachine:draw(path) end

---The Mermaid stateDiagram-v2 text.
---@return string
function StateMachine:mermaid() end

---The SCXML text (delays as dk:after) and what it leaves out: guards and actions, which are code.
---@return string text
---@return string[] left_out e.g. `state "locked": transition on unlock: guard`
function StateMachine:scxml() end

---A step of a path: an event sent, or a number of seconds the clock is advanced.
---@alias designkit.StatePathStep string|number

---@class designkit.StateTransitionRef
---@field source string
---@field event string?
---@field after number? seconds, for a delayed transition
---@field targets string[]

---@class designkit.StatePath
---@field target string? the state reached (shortest paths)
---@field steps designkit.StatePathStep[]
---@field covers designkit.StateTransitionRef[]? the transitions it takes first (covering paths)

---@class designkit.StatePaths: designkit.StatePath[]
---@field missing string[]? states no path reaches (shortest paths)
---@field uncovered designkit.StateTransitionRef[]? transitions no path takes (covering paths)

---The shortest event path from the start to every state (not the root, not history states),
---found breadth-first over configurations with every guard taken as true and no action run.
---@return designkit.StatePaths
function StateMachine:paths() end

---Paths that together take every transition that can be taken with every guard true.
---@return designkit.StatePaths
function StateMachine:covering_paths() end

---Starts the machine (never started), runs the path's steps with its own guards and actions,
---and says whether the path's target is then active.
---@param path designkit.StatePath
---@return boolean ok
---@return string? why what is active instead
function StateMachine:replay(path) end

---A machine (not started, without guards or actions) read from SCXML text.
---@param text string
---@return designkit.StateMachine|nil machine
---@return string? why naming the line ("scxml:12: ...")
function dk.from_scxml(text) end

-- ---- low-level-design blocks: UML class diagrams (docs/lld/classes.md) ----

---A member: its UML text with an optional visibility first ("-balance: int",
---"+deposit(amount: int)"), or a table with the text first and its flags.
---@alias designkit.ClassMember string|{ [1]: string, static?: boolean, abstract?: boolean }

---@class designkit.ClassOptions
---@field name string unique in the diagram
---@field abstract? boolean drawn in italics
---@field fields? designkit.ClassMember[] no parentheses; static ones are underlined
---@field methods? designkit.ClassMember[] with their parameter list "name(...)"; abstract ones in italics

---@class designkit.InterfaceOptions
---@field name string
---@field fields? designkit.ClassMember[] only static ones (constants)
---@field methods? designkit.ClassMember[]

---@class designkit.EnumOptions
---@field name string
---@field values? string[]

---@class designkit.RelationOptions
---@field mult? string the multiplicity at the target end: "1", "0..1", "*", "1..*", "n..m"
---@field role? string the role name at the target end
---@field from_mult? string the multiplicity at the source end
---@field from_role? string the role name at the source end
---@field label? string the relation's name, drawn at its middle
---@field navigable? boolean (associates) an open arrowhead at the target end
---@field from_navigable? boolean (associates) an open arrowhead at the source end

---A new, empty UML class diagram.
---@param title? string
---@return designkit.ClassDiagram
function dk.classes(title) end

---@class designkit.ClassDiagram
local ClassDiagram = {}

---Declares a class; raises for a duplicate name or a malformed member.
---@param opts designkit.ClassOptions
---@return designkit.ClassDiagram self
function ClassDiagram:class(opts) end

---Declares an interface (drawn with «interface», its name in italics).
---@param opts designkit.InterfaceOptions
---@return designkit.ClassDiagram self
function ClassDiagram:interface(opts) end

---Declares an enumeration (drawn with «enumeration» and its values).
---@param opts designkit.EnumOptions
---@return designkit.ClassDiagram self
function ClassDiagram:enum(opts) end

---`child` inherits `parent` (a hollow triangle at the parent); both classes or both interfaces.
---@param child string
---@param parent string
---@return designkit.ClassDiagram self
function ClassDiagram:inherits(child, parent) end

---`class` realises `interface` (a dashed line, a hollow triangle at the interface).
---@param class string
---@param interface string
---@return designkit.ClassDiagram self
function ClassDiagram:realizes(class, interface) end

---`whole` owns `part`, which lives and dies with it (a filled diamond at the whole).
---@param whole string
---@param part string
---@param opts? designkit.RelationOptions
---@return designkit.ClassDiagram self
function ClassDiagram:composes(whole, part, opts) end

---`whole` holds `part`, which may outlive it (a hollow diamond at the whole).
---@param whole string
---@param part string
---@param opts? designkit.RelationOptions
---@return designkit.ClassDiagram self
function ClassDiagram:aggregates(whole, part, opts) end

---`a` knows `b` (a plain line; an open arrowhead towards a navigable end).
---@param a string
---@param b string
---@param opts? designkit.RelationOptions
---@return designkit.ClassDiagram self
function ClassDiagram:associates(a, b, opts) end

---`a` uses `b` (a dashed open arrow).
---@param a string
---@param b string
---@param opts? designkit.RelationOptions
---@return designkit.ClassDiagram self
function ClassDiagram:depends(a, b, opts) end

---The whole diagram: true, or nil and the first fault (an unknown class in a relation, an
---inheritance cycle, a class realising something that is not an interface, ...).
---@return true|nil ok
---@return string? message
function ClassDiagram:check() end

---The Mermaid classDiagram text; raises when the diagram does not check.
---@return string
function ClassDiagram:mermaid() end

---The DOT text Graphviz lays out; raises when the diagram does not check.
---@return string
function ClassDiagram:dot() end

---Draws the diagram to `path` (.svg, .png, .pdf, .dot): true, or nil and why (the sandbox
---forbids the write, the file cannot be written). Raises when the diagram does not check.
---@param path string
---@return true|nil ok
---@return string? message
function ClassDiagram:draw(path) end

---Frees the diagram now (also done by the garbage collector and `<close>`).
function ClassDiagram:close() end


-- ---- the interleaving explorer (docs/concurrency.md) ----

---The value setup receives: it makes the program's shared objects, new for every schedule.
---@class designkit.ExploreFactory
local ExploreFactory = {}
---@param name? string
---@param value? any
---@return designkit.ExploreCell
function ExploreFactory:cell(name, value) end
---@param name? string
---@return designkit.ExploreMutex
function ExploreFactory:mutex(name) end
---@param name? string
---@param count? integer initial count (default 1)
---@return designkit.ExploreSemaphore
function ExploreFactory:semaphore(name, count) end
---@param name? string
---@return designkit.ExploreCondition
function ExploreFactory:condition(name) end
---@param name? string
---@param value? integer (default 0)
---@return designkit.ExploreCounter
function ExploreFactory:counter(name, value) end

---A shared variable: each get and set is a point where another thread may run.
---@class designkit.ExploreCell
local ExploreCell = {}
---@return any
function ExploreCell:get() end
---@param value any
function ExploreCell:set(value) end

---@class designkit.ExploreMutex
local ExploreMutex = {}
function ExploreMutex:lock() end
---@return boolean taken
function ExploreMutex:try_lock() end
function ExploreMutex:unlock() end

---@class designkit.ExploreSemaphore
local ExploreSemaphore = {}
function ExploreSemaphore:acquire() end
---@return boolean taken
function ExploreSemaphore:try_acquire() end
function ExploreSemaphore:release() end

---A condition variable; which waiter a signal wakes is a choice the search explores.
---@class designkit.ExploreCondition
local ExploreCondition = {}
---@param mutex designkit.ExploreMutex held by the caller; released while waiting, retaken after
function ExploreCondition:wait(mutex) end
function ExploreCondition:signal() end
function ExploreCondition:broadcast() end

---An atomic integer.
---@class designkit.ExploreCounter
local ExploreCounter = {}
---@return integer
function ExploreCounter:get() end
---@param delta? integer (default 1)
---@return integer the new value
function ExploreCounter:add(delta) end
---@param expected integer
---@param new integer
---@return boolean swapped
function ExploreCounter:cas(expected, new) end

---@class designkit.ExploreProgram
---@field threads fun(shared: any, id: integer)[] one function per thread
---@field setup? fun(x: designkit.ExploreFactory): any makes the shared objects; its result goes to every thread
---@field invariant? fun(shared: any): boolean? after every step; false or an error is a failure
---@field check? fun(shared: any): boolean? once every thread has finished; false or an error is a failure
---@field final? fun(shared: any): number|string|boolean the value each finished schedule leaves (result.finals)
---@field preemptions? integer at most this many switches away from a thread that could go on (default: no bound)
---@field max_schedules? integer default 100000
---@field max_steps? integer steps in one schedule (default 10000)
---@field reduction? boolean sleep-set reduction (default true)
---@field lock_order? boolean report lock-order inversions as failures (default true)

---@class designkit.ExploreStep
---@field step integer
---@field thread integer
---@field op string
---@field object string
---@field value string
---@field text string

---@class designkit.ExploreFailure
---@field kind "assertion"|"deadlock"|"lock-order"|"invariant"|"step-limit"
---@field message string
---@field trace designkit.ExploreStep[]
---@field schedule integer[] the thread of each step: dk.explore.replay takes it

---@class designkit.ExploreResult
---@field ok boolean
---@field complete boolean every schedule that matters was run
---@field schedules integer
---@field steps integer
---@field pruned integer runs cut short by the reduction
---@field limit? "preemptions"|"max_schedules"
---@field failure? designkit.ExploreFailure
---@field finals? (number|string|boolean)[] the distinct final values, sorted
---@field lock_cycles {locks: string[], message: string}[]
local ExploreResult = {}
---@return string
function ExploreResult:report() end

---`dk.explore(program)` runs the program's threads as coroutines under every schedule that
---matters (stateless depth-first search with sleep sets), stopping at the first failure.
---@class designkit.Explore
---@overload fun(program: designkit.ExploreProgram): designkit.ExploreResult
dk.explore = {}

---Runs the program once along a schedule (result.failure.schedule).
---@param program designkit.ExploreProgram
---@param schedule integer[]
---@return designkit.ExploreResult
function dk.explore.replay(program, schedule) end

---The same function as dk.explore.replay (its first name).
---@param program designkit.ExploreProgram
---@param schedule integer[]
---@return designkit.ExploreResult
function dk.explore_replay(program, schedule) end


-- ---- thread-safe structures: the queue and the rings (docs/concurrency.md) ----
-- Handles shared between Lua states (dk.thread); items are copies of nil, booleans, numbers,
-- strings, shared handles and tables of them. A timeout is seconds or a duration string
-- ("10ms"); nil waits forever, 0 does not wait.

---@class designkit.QueueOptions
---@field capacity integer 1 .. 2^24 items, taken as given

---A bounded blocking queue (mutex and condition variables).
---@param opts designkit.QueueOptions
---@return designkit.Queue
function dk.queue(opts) end

---@class designkit.Queue
local Queue = {}
---Appends a copy of `item`, waiting while the queue is full.
---@param item any
---@param timeout? number|string
---@return boolean ok
---@return "timeout"|"closed"|nil why
function Queue:push(item, timeout) end
---Takes the oldest item, waiting while the queue is empty; a closed queue gives what it holds,
---then nil, "closed". A popped nil item comes with no second result.
---@param timeout? number|string
---@return any item
---@return "timeout"|"closed"|nil why
function Queue:pop(timeout) end
---@param item any
---@return boolean ok
---@return "full"|"closed"|nil why
function Queue:try_push(item) end
---@return any item
---@return "empty"|"closed"|nil why
function Queue:try_pop() end
---Refuses later pushes and wakes every waiting thread; pops drain what is left. Idempotent.
function Queue:close() end
---@return boolean
function Queue:is_closed() end
---@return integer
function Queue:len() end
---@return integer
function Queue:capacity() end

---@class designkit.RingOptions
---@field capacity integer rounded up to a power of two (2 at least), at most 2^24
---@field kind? "mpmc"|"spsc" default "mpmc"; "spsc": one pushing and one popping thread

---A bounded lock-free ring; its methods never wait.
---@param opts designkit.RingOptions
---@return designkit.Ring
function dk.ring(opts) end

---@class designkit.Ring
local Ring = {}
---@param item any
---@return boolean ok
---@return "full"|nil why
function Ring:push(item) end
---@return any item
---@return "empty"|nil why
function Ring:pop() end
---@return integer
function Ring:len() end
---@return integer
function Ring:capacity() end
---@return "mpmc"|"spsc"
function Ring:kind() end

-- ---- locks, coordination and the striped map (core/concurrency; handles shared by dk.thread) ----
-- Every blocking method takes an optional timeout: absent or nil waits forever, 0 is a try,
-- otherwise seconds or a duration string ("50ms"). A wait that runs out returns false.

---@class designkit.MutexOptions
---@field name? string  # reported by lock-order checking

---A mutex. Unlocking one this thread does not hold, or locking one it holds, is an error.
---@param opts? designkit.MutexOptions
---@return designkit.Mutex
function dk.mutex(opts) end

---@class designkit.Mutex
local Mutex = {}
---@param timeout? designkit.Duration
---@return boolean locked  # false: the time ran out
function Mutex:lock(timeout) end
---@return boolean locked
function Mutex:try_lock() end
function Mutex:unlock() end
---Calls fn(...) with the mutex held; unlocks whether fn returns or raises; returns fn's results.
---@param fn function
---@return any ...
function Mutex:with(fn, ...) end
---@return string
function Mutex:name() end

---@class designkit.RwlockOptions
---@field name? string
---@field writer_preference? boolean  # a waiting writer holds new readers back (default false)

---A reader-writer lock: many readers or one writer.
---@param opts? designkit.RwlockOptions
---@return designkit.Rwlock
function dk.rwlock(opts) end

---@class designkit.Rwlock
local Rwlock = {}
---@param timeout? designkit.Duration
---@return boolean locked
function Rwlock:read_lock(timeout) end
---An error when this thread holds no read lock.
function Rwlock:read_unlock() end
---@param timeout? designkit.Duration
---@return boolean locked
function Rwlock:write_lock(timeout) end
---An error when this thread does not hold the write lock.
function Rwlock:write_unlock() end

---A counting semaphore with `permits` (>= 0) and an optional bound `max` (a release past it is
---an error).
---@param permits integer
---@param max? integer
---@return designkit.Semaphore
function dk.semaphore(permits, max) end

---@class designkit.Semaphore
local Semaphore = {}
---@param timeout? designkit.Duration
---@return boolean acquired
function Semaphore:acquire(timeout) end
---@return boolean acquired
function Semaphore:try_acquire() end
---@param n? integer  # permits to return (default 1)
function Semaphore:release(n) end
---@return integer
function Semaphore:count() end

---A countdown latch: wait() passes once count_down has been called `count` times in all.
---@param count integer
---@return designkit.Latch
function dk.latch(count) end

---@class designkit.Latch
local Latch = {}
---@param n? integer  # default 1; more than what is left is an error
function Latch:count_down(n) end
---@param timeout? designkit.Duration
---@return boolean open
function Latch:wait(timeout) end
---@return integer
function Latch:count() end

---A cyclic barrier for `parties` threads, reusable generation after generation.
---@param parties integer
---@return designkit.Barrier
function dk.barrier(parties) end

---@class designkit.Barrier
local Barrier = {}
---true and whether this thread was the last of its generation to arrive (the serial thread), or
---false when the time ran out (this thread then withdraws from the generation).
---@param timeout? designkit.Duration
---@return boolean passed
---@return boolean? serial
function Barrier:wait(timeout) end
---@return integer generations  # completed so far
function Barrier:generation() end

---@class designkit.MapOptions
---@field stripes? integer  # 1 .. 4096, default 16: each stripe has its own lock

---A striped concurrent hash map from strings to copied values (nil, booleans, numbers, strings,
---shared handles and tables of them).
---@param opts? designkit.MapOptions
---@return designkit.Map
function dk.map(opts) end

---@class designkit.Map
local Map = {}
---@param key string
---@return any value  # a fresh copy, or nil
function Map:get(key) end
---Stores a copy of `value`; nil removes the key.
---@param key string
---@param value any
function Map:put(key, value) end
---@param key string
---@return boolean removed
function Map:delete(key) end
---@return integer
function Map:len() end
---The keys, sorted; each stripe is read at one instant, the stripes one after another.
---@return string[]
function Map:keys() end

---Lock-order checking for dk.mutex and dk.rwlock, across all threads.
dk.lockorder = {}
---Turns checking on (default) or off.
---@param on? boolean
function dk.lockorder.enable(on) end
---@return boolean
function dk.lockorder.enabled() end
---Forgets the lock-order graph and the findings.
function dk.lockorder.reset() end

---@class designkit.LockOrderFinding
---@field text string      # "potential deadlock: lock-order cycle A -> B -> A" and each thread's stack
---@field locks string[]   # the locks along the cycle

---The potential deadlocks found so far.
---@return designkit.LockOrderFinding[]
function dk.lockorder.findings() end

-- ---- Lua on threads (docs/concurrency.md, "Lua on threads") ----

---Runs `fn(...)` on a new OS thread, in a Lua state of its own (under the CLI: the same sandbox,
---memory budget and limits as the script). `fn` crosses as its bytecode; its upvalues and the
---arguments are copied (nil, booleans, numbers, strings, shared designkit objects and tables of
---them); `_ENV` becomes the new state's globals and a module of package.loaded is required again
---by name. Anything else is an error naming it. At most 256 threads (pool workers included) are
---alive at once.
---@param fn function
---@param ... any
---@return designkit.Thread
function dk.thread(fn, ...) end

---@class designkit.Thread
local Thread = {}
---Waits for the thread and returns its function's results (copied), or raises its error with
---the thread's traceback. Once only. With a timeout (seconds or "10ms"): nil, "timeout" when the
---thread is still running then, and it may be joined again later.
---@param timeout? number|string
---@return any ...
function Thread:join(timeout) end
---Whether the function has returned or raised (join will not wait).
---@return boolean
function Thread:done() end

---@class designkit.PoolOptions
---@field threads integer        # worker threads, 1 to 256, each with a Lua state of its own
---@field queue? integer         # tasks waiting at most (default 1024)
---@field wait? number|string    # how long submit waits for room in the queue (default: forever)

---A pool of worker threads running Lua functions; each worker keeps its state between tasks.
---@param opts designkit.PoolOptions
---@return designkit.Pool
function dk.pool(opts) end

---@class designkit.Pool
local Pool = {}
---Queues `fn(...)` (copied as dk.thread copies) and returns its future.
---@param fn function
---@param ... any
---@return designkit.Future
function Pool:submit(fn, ...) end
---Runs every queued task, then stops the workers. The futures stay readable.
function Pool:close() end

---@class designkit.Future
local Future = {}
---The task's results (fresh copies on every call), or raises its error with its traceback;
---nil, "timeout" when it is not done within `timeout`.
---@param timeout? number|string
---@return any ...
function Future:get(timeout) end
---@return boolean
function Future:done() end


-- ---- patterns: sharding (docs/patterns/sharding.md) ----

---@class designkit.ShardOptions
---@field strategy "range"|"hash"|"directory"|"geo"|"custom"|"vertical"
---@field splits? integer[]      # range: strictly increasing split points; shard i+1 starts at splits[i]
---@field shards? integer        # hash, custom (required), directory, geo: how many shards
---@field method? "mod"|"jump"   # hash: hash mod N (default) or jump consistent hash
---@field map? table<string|integer, integer>  # directory: key -> shard
---@field regions? table<string, integer>      # geo: region -> shard
---@field groups? string[][]     # vertical: group i holds these fields
---@field fn? fun(key: integer, shards: integer): integer  # custom: the shard of a key

---@alias designkit.ShardKeys (integer|string)[]|integer|designkit.Dist  # a list, a count n (keys 1..n) or dk.zipf (weighted by its pmf)

---@class designkit.ShardMove
---@field from integer
---@field to integer
---@field first integer|string   # the run of keys first..last (names: first and last of the run)
---@field last integer|string
---@field count integer
---@field weight number          # the keys' load (their count, or their Zipf probability)

---@class designkit.ShardPlan
---@field moved integer          # keys that change shard
---@field fraction number        # moved / keys
---@field moves designkit.ShardMove[]

---@class designkit.ShardReport
---@field loads number[]         # per shard (removed shards: 0)
---@field shares number[]        # loads / total
---@field max_over_mean number
---@field cv number              # coefficient of variation of the alive shards' loads
---@field hottest integer
---@field hottest_share number
---@field shards integer         # shards alive
---@field plan? designkit.ShardPlan  # with `after`

---@class designkit.ShardReportOptions
---@field shard designkit.Shard
---@field keys designkit.ShardKeys
---@field after? designkit.Shard  # also plan the change from `shard` to `after`

---dk.shard { strategy = ..., ... } makes a sharder (shards numbered from 1).
---@class designkit.shardlib
---@overload fun(opts: designkit.ShardOptions): designkit.Shard
dk.shard = {}
---The same as calling dk.shard.
---@param opts designkit.ShardOptions
---@return designkit.Shard
function dk.shard.new(opts) end
---Loads, skew and the hottest shard over a key set, and optionally a resharding plan.
---@param opts designkit.ShardReportOptions
---@return designkit.ShardReport
function dk.shard.report(opts) end

---@class designkit.Shard
local Shard = {}
---The shard owning `key` (whole number, or a name: hashed by hash, looked up by the tables).
---@param key integer|string
---@return integer
function Shard:shard(key) end
---Adds a shard and returns its number. Range: `split` is its first key (it takes the upper part
---of the shard holding it). Hash, custom: N+1. Tables: an empty shard.
---@param split? integer
---@return integer
function Shard:add(split) end
---Removes a shard: range merges it into the one below; hash and custom only the newest; tables
---move its keys to the shard with the fewest.
---@param shard integer
function Shard:remove(shard) end
---Directory, geo, vertical: puts `key` on `shard` (reassigning moves it).
---@param key string|integer
---@param shard integer
function Shard:assign(key, shard) end
---What moves from this sharding to `other` over `keys`.
---@param other designkit.Shard
---@param keys designkit.ShardKeys
---@return designkit.ShardPlan
function Shard:plan(other, keys) end
---An independent copy (to change and plan against).
---@return designkit.Shard
function Shard:clone() end
---@return integer shards alive
function Shard:count() end
---Frees it now (also done by the garbage collector and `<close>`).
function Shard:close() end

-- ---- resilience: circuit breaker, retry, bulkhead, health checks (docs/patterns/resilience.md) ----
-- Time is the script's: an optional last argument `t` (seconds or a duration string, never before
-- the latest one given); omitted, the object's latest time.

---@class designkit.BreakerOptions
---@field window? integer calls (count window) or seconds (time window); default 100
---@field window_type? "count"|"time" default "count"
---@field min_calls? integer outcomes needed before the rates count; default: the count window, or 100
---@field failure_rate? number (0, 1]: open at or above it; default 0.5
---@field slow_rate? number (0, 1]: open at or above it; default 1
---@field slow? string|number a call this long is slow; default "60s"
---@field wait? string|number how long open lasts; default "60s"
---@field half_open_calls? integer trial calls in half-open; default 10

---A circuit breaker (resilience4j's semantics): closed, open, half_open, forced_open, disabled.
---@param opts designkit.BreakerOptions
---@return designkit.Breaker
function dk.breaker(opts) end

---@alias designkit.BreakerState "closed"|"open"|"half_open"|"forced_open"|"disabled"

---@class designkit.Breaker
local Breaker = {}
---Whether a call may go ahead (a permitted half-open call takes a trial permit).
---@param t? number|string
---@return boolean
function Breaker:allow(t) end
---Records a permitted call's outcome and duration.
---@param ok boolean
---@param duration number|string
---@param t? number|string
function Breaker:record(ok, duration, t) end
---Runs fn(...) if permitted: its results, or nil, "breaker is open". An error is recorded as a
---failure and raised again; the duration is how far b:advance moved the time inside fn.
---@param fn function
---@return any ...
function Breaker:call(fn, ...) end
---@param t? number|string
---@return designkit.BreakerState
function Breaker:state(t) end
---Moves to `state` at once (forced_open and disabled hold until the next force).
---@param state designkit.BreakerState
---@param t? number|string
function Breaker:force(state, t) end
---fn(from, to, t) after every transition (nil removes it).
---@param fn? fun(from: designkit.BreakerState, to: designkit.BreakerState, t: number)
function Breaker:on_change(fn) end
---Moves the breaker's time on; returns it in seconds.
---@param d number|string
---@return number
function Breaker:advance(d) end
---@return {calls: integer, failures: integer, slow: integer, failure_rate?: number, slow_rate?: number, permitted: integer, rejected: integer, transitions: integer}
function Breaker:stats() end
---Frees it now (also done by the garbage collector and `<close>`).
function Breaker:close() end

---@class designkit.RetryOptions
---@field attempts? integer 1 .. 1000, the first included; default 3
---@field base? string|number default "100ms"
---@field cap? string|number default "10s"
---@field multiplier? number >= 1; default 2
---@field jitter? "none"|"full"|"equal"|"decorrelated" default "full"
---@field timeout? string|number per attempt; default none
---@field seed? integer the jitter's stream; default 1
---@field budget? {ratio?: number, min_per_second?: number, window?: string|number} default none (0.2, 10, "10s" when given)

---Retries with exponential backoff, jitter and an optional retry budget.
---@param opts designkit.RetryOptions
---@return designkit.Retry
function dk.retry(opts) end

---@class designkit.Retry
local Retry = {}
---The delay in seconds before retry n (1: the first), from the retry's own stream.
---@param n integer
---@param previous? number seconds (decorrelated jitter)
---@return number
function Retry:backoff(n, previous) end
---Calls fn(attempt, ...) until it returns a true value without raising, or the attempts or the
---budget run out: ok, value (or the last error), attempts, waited seconds.
---@param fn fun(attempt: integer, ...): any
---@return boolean ok, any value, integer attempts, number waited
function Retry:call(fn, ...) end
---@return {requests: integer, retries: integer, exhausted: integer, budget_denied: integer}
function Retry:stats() end
---Frees it now (also done by the garbage collector and `<close>`).
function Retry:close() end

---A semaphore bulkhead: max_concurrent at once, max_waiting may wait up to max_wait.
---@param opts {max_concurrent: integer, max_waiting?: integer, max_wait?: string|number}
---@return designkit.Bulkhead
function dk.bulkhead(opts) end

---@class designkit.Bulkhead
local Bulkhead = {}
---@param ticket integer the caller's id for this call
---@param t? number|string
---@return "entered"|"waiting"|"rejected"
function Bulkhead:enter(ticket, t) end
---A running call ended: the ticket that takes its slot, or nil.
---@param t? number|string
---@return integer?
function Bulkhead:leave(t) end
---The tickets whose wait is over.
---@param t? number|string
---@return integer[]
function Bulkhead:expire(t) end
---@return {active: integer, waiting: integer, entered: integer, waited: integer, rejected: integer, timed_out: integer}
function Bulkhead:stats() end
---Frees it now (also done by the garbage collector and `<close>`).
function Bulkhead:close() end

---Health checks with thresholds, and auto-healing by a restart after `restart_after`.
---@param opts {interval?: string|number, timeout?: string|number, healthy?: integer, unhealthy?: integer, restart_after?: string|number}
---@return designkit.HealthCheck
function dk.health(opts) end

---@class designkit.HealthCheck
local HealthCheck = {}
---A probe's outcome; an answer after the timeout is a failure. True when the verdict changed.
---@param ok boolean
---@param latency number|string
---@param t? number|string
---@return boolean
function HealthCheck:probe(ok, latency, t) end
---@return boolean
function HealthCheck:healthy() end
---@return number seconds
function HealthCheck:next_probe() end
---@param t? number|string
---@return boolean
function HealthCheck:due_restart(t) end
---@param t? number|string
function HealthCheck:restarted(t) end
---@param t? number|string
---@return {probes: integer, failures: integer, restarts: integer, transitions: integer, healthy: number, unhealthy: number, availability: number}
function HealthCheck:stats(t) end
---Frees it now (also done by the garbage collector and `<close>`).
function HealthCheck:close() end

-- ---- patterns: rate limiting (docs/patterns/rate-limiting.md) ----

---@alias designkit.LimiterAlgorithm "token_bucket"|"leaky_bucket"|"leaky_queue"|"fixed_window"|"sliding_log"|"sliding_window"|"gcra"

---@class designkit.LimiterOptions
---@field rate string|number requests per second in the long run: "100/s", "6000/min", or a number (0.001 .. 1e9)
---@field algorithm? designkit.LimiterAlgorithm default "token_bucket"
---@field burst? integer requests allowed at once from rest, and a window's limit (W = burst / rate); 1 .. 1e6, default 1
---@field per_key? boolean one state per key (allow takes the key first); default false
---@field max_keys? integer per_key: keys held at most, the least recently seen makes room (default 10000)
---@field idle? string|number per_key: a key unseen this long is forgotten (default 2W)

---A rate limiter. Time is the caller's: seconds or a duration, never a clock read.
---@param opts designkit.LimiterOptions
---@return designkit.Limiter
function dk.limiter(opts) end

---@class designkit.Limiter
local Limiter = {}

---Decides one request at `now` (seconds or "1.5s"; default: the latest time given, 0 at first).
---A per-key limiter takes the key (a string or an integer) first. Returns whether it passes
---and a wait in seconds: after a refusal, until the next request would pass; after a pass,
---the delay a leaky_queue gives it (0 for the others).
---@param key_or_now? string|integer|number
---@param now? number|string
---@return boolean allowed
---@return number wait
function Limiter:allow(key_or_now, now) end
---Keys whose state is held now.
---@return integer
function Limiter:keys() end
---Frees it now (also done by the garbage collector and `<close>`).
function Limiter:close() end

-- ---- patterns: load balancing and consistent hashing (docs/patterns/load-balancing.md) ----

---@alias designkit.LbAlgorithm "round_robin"|"random"|"least_connections"|"weighted_round_robin"|"hash"|"weighted_least_connections"|"least_response_time"|"p2c"|"ring"|"jump"|"maglev"|"rendezvous"|"geo"

---@class designkit.hashlib
dk.hash = {}

---Jump consistent hash (Lamping and Veach): the bucket in 0 .. buckets-1. An integer key is
---taken as it is (the paper's values come out), a string is hashed first.
---@param key integer|string
---@param buckets integer 1 .. 2^31-1
---@return integer bucket
function dk.hash.jump(key, buckets) end

---The 64-bit hash every structure here uses for a key (integers through SplitMix64's
---finaliser, strings through FNV-1a 64 and the same finaliser).
---@param key integer|string
---@return integer
function dk.hash.key(key) end

---@class designkit.RingOptions
---@field nodes string[] distinct names (may be empty)
---@field vnodes? integer points per node, 1 .. 100000 (default 100)

---A consistent-hash ring with virtual nodes.
---@param opts designkit.RingOptions
---@return designkit.HashRing
function dk.hash.ring(opts) end

---@class designkit.HashRing
local HashRing = {}
---The node that owns `key` (nil on an empty ring).
---@param key integer|string
---@return string|nil
function HashRing:get(key) end
---Adds a node; an error for a name already there. Returns the ring.
---@param name string
---@return designkit.HashRing
function HashRing:add(name) end
---Removes a node; an error when it is not there. Returns the ring.
---@param name string
---@return designkit.HashRing
function HashRing:remove(name) end
---The nodes in the order they were added.
---@return string[]
function HashRing:nodes() end
---Frees it now (also done by the garbage collector and `<close>`).
function HashRing:close() end

---@class designkit.MaglevOptions
---@field nodes string[] distinct names, at least one
---@field size? integer the table's entries, a prime above the node count (default 65537)

---A Maglev lookup table: every node owns floor(M/N) or ceil(M/N) entries.
---@param opts designkit.MaglevOptions
---@return designkit.Maglev
function dk.hash.maglev(opts) end

---@class designkit.Maglev
local Maglev = {}
---@param key integer|string
---@return string node
function Maglev:get(key) end
---@return string[]
function Maglev:nodes() end
---Entries owned per node name.
---@return table<string, integer>
function Maglev:entries() end
---@return integer
function Maglev:size() end
---Frees it now (also done by the garbage collector and `<close>`).
function Maglev:close() end

---Rendezvous (highest random weight) hashing over named nodes.
---@param opts { nodes: string[] }
---@return designkit.Rendezvous
function dk.hash.rendezvous(opts) end

---@class designkit.Rendezvous
local Rendezvous = {}
---@param key integer|string
---@return string node
function Rendezvous:get(key) end
---@return string[]
function Rendezvous:nodes() end
---Frees it now.
function Rendezvous:close() end

---@class designkit.BalancerBackend
---@field name string
---@field weight? number > 0, for the weighted algorithms (default 1)
---@field distance? number >= 0, for geo (default: its position, 0-based)

---@class designkit.BalancerOptions
---@field algorithm? designkit.LbAlgorithm default "round_robin"
---@field backends (string|designkit.BalancerBackend)[] distinct names, at least one
---@field seed? integer for random and p2c (default 1)
---@field outlier? { errors?: integer, base?: designkit.Duration, max?: number } eject after `errors` failures in a row (default 5) for base x ejections (default "30s"), at most the share `max` of the backends at once (default 1)

---A load balancer over named backends, on its own clock (`advance`).
---@param opts designkit.BalancerOptions
---@return designkit.Balancer
function dk.balancer(opts) end

---@class designkit.Balancer
local Balancer = {}
---Picks a backend for a request (keyed algorithms use `key`): its number and name, or nil and
---a message when none is available.
---@param key? integer|string
---@return integer|nil index
---@return string name_or_message
function Balancer:pick(key) end
---The request to `backend` (number or name) finished, taking `latency`, ok or not (default ok).
---@param backend integer|string
---@param latency? designkit.Duration
---@param ok? boolean
function Balancer:done(backend, latency, ok) end
---Marks a backend healthy or not; unhealthy backends are never picked.
---@param backend integer|string
---@param healthy boolean
function Balancer:set_health(backend, healthy) end
---Moves the balancer's clock (ejections end by it).
---@param duration designkit.Duration
function Balancer:advance(duration) end
---Per backend: name, connections, picks, errors, ejections, healthy, ejected, weight, distance,
---ewma (seconds).
---@return table[]
function Balancer:stats() end
---Frees it now (also done by the garbage collector and `<close>`).
function Balancer:close() end

-- ---- patterns: storage (docs/patterns/storage.md) ----

---@class designkit.WalOptions
---@field dir string the folder of the log (wal.log inside); made if missing; must lie inside --allow-write
---@field fsync? "always"|"never"|string when to fsync: after every commit, never, or at most every duration ("100ms"); default "always"
---@field group? integer records gathered per commit (group commit), 1 .. 1e6; default 1

---A write-ahead log on disk, recovered on open (a torn tail is cut; damage mid-log refuses to
---open). Returns nil and a message when the write is refused or the log cannot be opened.
---@param opts designkit.WalOptions
---@return designkit.Wal|nil
---@return string? message
function dk.wal(opts) end

---@class designkit.Wal
local Wal = {}

---Adds a record (a string); returns its sequence number (from 1).
---@param data string
---@return integer seq
function Wal:append(data) end
---Writes the gathered records with one write, fsyncing as the policy says.
---@return boolean|nil ok
---@return string? message
function Wal:commit() end
---Commits and fsyncs whatever the policy.
---@return boolean|nil ok
---@return string? message
function Wal:sync() end
---Drops the records up to and including `upto` (an error when past the last).
---@param upto integer
---@return boolean|nil ok
---@return string? message
function Wal:checkpoint(upto) end
---Calls fn(seq, data) for every record still in the log, oldest first; fn returning false
---stops. Returns how many records fn was given.
---@param fn fun(seq: integer, data: string): boolean?
---@return integer|nil count
---@return string? message
function Wal:replay(fn) end
---first_seq, next_seq, written_seq, durable_seq, records, bytes, writes, fsyncs, truncated_bytes.
---@return table<string, integer>
function Wal:stats() end
---Commits, fsyncs (unless "never") and closes (also done by the garbage collector and `<close>`).
---@return boolean|nil ok
---@return string? message
function Wal:close() end

---@class designkit.IndexOptions
---@field kind? "btree"|"hash" default "btree"
---@field order? integer entries per page (a B+tree's fan-out; a hash bucket's size), 3 .. 65536 for a btree, 1 .. 65536 for a hash; default 64

---An in-memory index over integer keys >= 0 that counts the pages it reads.
---@param opts designkit.IndexOptions
---@return designkit.Index
function dk.index(opts) end

---@class designkit.Index
local Index = {}

---Inserts or replaces.
---@param key integer
---@param value integer
function Index:put(key, value) end
---The value of `key`, or nil.
---@param key integer
---@return integer|nil
function Index:get(key) end
---Whether `key` was there (and is gone now).
---@param key integer
---@return boolean
function Index:delete(key) end
---Entries with lo <= key <= hi: keys and values (key order for a btree; a hash reads every page).
---@param lo integer
---@param hi integer
---@return integer[] keys
---@return integer[] values
function Index:range(lo, hi) end
---count, pages, leaf_pages, height, page_reads.
---@return table<string, integer>
function Index:stats() end
---Sets page_reads back to 0.
function Index:reset_reads() end
---Frees it now (also done by the garbage collector and `<close>`).
function Index:close() end

return dk
