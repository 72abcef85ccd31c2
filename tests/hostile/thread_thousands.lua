-- hostile: thousands of threads kept alive at once meet the cap on live threads
-- command: run {}
-- exit: 2
-- stderr: dk.thread: 256 threads are alive already, the most designkit runs at once; join some first
local dk = require "designkit"
local held = {}
for i = 1, 5000 do
  held[i] = dk.thread(function(x) return x end, i)
end
return dk.model "never"
