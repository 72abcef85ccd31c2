-- The reference solution of exercises/hello (docs/exercises/hello.md): a greeter that counts
-- whom it greeted, each greeter on its own.
local Greeter = {}
Greeter.__index = Greeter

function Greeter.new()
  return setmetatable({ counts = {} }, Greeter)
end

function Greeter:greet(name)
  name = name or "World"
  self.counts[name] = (self.counts[name] or 0) + 1
  return "Hello, " .. name .. "!"
end

function Greeter:count(name)
  return self.counts[name] or 0
end

return Greeter
