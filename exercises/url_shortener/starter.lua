-- A URL shortener sized for a workload: see README.md.
local dk = require "designkit"

-- design(m, users, parts, w): add your design to the model m.
--   users  the client the tests made (rate, mix and keys from w); link it to your entry part
--   parts  the catalogue: parts.balancer, parts.api, parts.cache, parts.database
--   w      the workload: { name, rate, reads, keys, skew }
return function(m, users, parts, w)
  error("not implemented: design", 2)
end
