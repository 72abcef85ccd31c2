-- hostile: a cache of capacity 2e8 used for a few keys (allocated 4.7 GB before its first key)
-- env: DESIGNKIT_MAX_MEMORY=64MiB
-- exit: 0
-- stdout: redis
local dk = require "designkit"
local m = dk.model "big-cache"
local users = m:client "users" { rate = 1000, keys = dk.uniform(1, 100) }
local redis = m:cache "redis" { capacity = 2e8 }
m:links { users >> redis }
return m
