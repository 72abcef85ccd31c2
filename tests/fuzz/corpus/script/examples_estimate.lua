-- Run with: designkit examples/estimate.lua
-- Back-of-the-envelope numbers for a URL shortener, then the service size they call for.
local dk = require "designkit"

local e = dk.estimate {
  users = 100e6, reads_per_user = 10, writes_per_user = 0.1, -- per user per day
  peak = 3, record = "500B", retention = "5y",
}

print(string.format("reads        %10.0f/s", e.read_qps))
print(string.format("writes       %10.0f/s", e.write_qps))
print(string.format("peak         %10.0f/s", e.peak_qps))
print(string.format("storage      %10s over 5 years", e.storage))
print(string.format("bandwidth    %10s/s at peak", dk.format_size(e.bandwidth)))

-- How many workers keep the average wait under 1ms at peak, if a request takes 2ms?
local workers = math.ceil(e.peak_qps * 0.002) + 1
while dk.mmc { lambda = e.peak_qps, mu = 1 / 0.002, c = workers }.mean_wait > 0.001 do
  workers = workers + 1
end
local q = dk.mmc { lambda = e.peak_qps, mu = 1 / 0.002, c = workers }
print(string.format("workers      %10d (utilisation %.0f%%, mean wait %s)", workers,
  q.utilisation * 100, dk.format_duration(q.mean_wait)))
